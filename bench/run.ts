// `npm run bench [name ...]`: runs every bench/*.bench.ts (or the named ones) one after another,
// each in its own process so one benchmark's heap and JIT state cannot skew the next.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

console.log(`MarginWatch benchmarks — ${new Date().toISOString()} — node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}`);
let failed = 0;
for (const file of files) {
  console.log(`\n### ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.log(`(${file} exited with ${result.status ?? result.signal})`);
  }
}
process.exitCode = failed ? 1 : 0;
