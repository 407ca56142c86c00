// Wires the headless shell: options → service → token-protected server → URL line; clean shutdown.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createMonitor } from '../service';
import { startHeadlessServer } from './server';
import { OptionError, parseHeadlessOptions } from './options';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function runHeadless(
  argv: string[],
  env: NodeJS.ProcessEnv,
  stdout: { write(s: string): unknown },
  stderr: { write(s: string): unknown },
): Promise<number> {
  let options;
  try {
    options = parseHeadlessOptions(argv, env);
  } catch (error) {
    if (error instanceof OptionError) {
      stderr.write(`marginwatch: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const monitor = await createMonitor({
    dataDir: options.dataDir,
    shell: 'headless',
    demoSpeed: options.demoSpeed,
    resourcesDir: join(repoRoot, 'resources'),
    log: (line) => stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  const server = await startHeadlessServer({ api: monitor, host: '127.0.0.1', port: options.port, staticDir: join(repoRoot, 'dist-ui') });
  stdout.write(`MarginWatch headless UI: ${server.url}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stderr.write('marginwatch: shutting down\n');
  // Best effort: a full disk or a failing checkpoint is reported, and the exit is still clean.
  try {
    await server.close();
    await monitor.close();
  } catch (error) {
    stderr.write(`marginwatch: shutdown was not clean: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return 0;
}
