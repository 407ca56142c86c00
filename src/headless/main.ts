// `npm run headless`: the same service as the desktop app, with the same UI served on 127.0.0.1
// behind a random token. Prints one line with the full URL; exits 0 on SIGINT/SIGTERM.
import { runHeadless } from './run';

runHeadless(process.argv.slice(2), process.env, process.stdout, process.stderr).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`marginwatch: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
