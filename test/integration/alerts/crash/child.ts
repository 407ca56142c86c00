// Child process for the crash test: runs the real AlertPipeline on a real SQLite file over the
// scripted market, with two channels that append every send call to a log file (fsync'd).
// Resumes from its progress file; the parent SIGKILLs it at random moments.
import {
  appendFileSync,
  existsSync,
  fsyncSync,
  openSync,
  closeSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { openDatabase } from '../../../../src/store/db';
import { AlertPipeline } from '../../../../src/service/alerts';
import type { NotificationChannel } from '../../../../src/notify/types';
import { CRASH_CHANNELS, crashScript, stepInput } from './script';

const [dbFile, sinkFile, progressFile, seedText] = process.argv.slice(2);
if (!dbFile || !sinkFile || !progressFile || !seedText) throw new Error('usage: child DB SINK PROGRESS SEED');

function fileChannel(id: string): NotificationChannel {
  return {
    id,
    async send(n) {
      // A little latency, like a real channel, so kills land inside sends too.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3)));
      const fd = openSync(sinkFile!, 'a');
      try {
        appendFileSync(fd, `${JSON.stringify({ key: n.key, channel: id })}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return { ok: true, attempts: 1 };
    },
  };
}

const steps = crashScript(Number(seedText));
const done = existsSync(progressFile) ? Number(readFileSync(progressFile, 'utf8')) : -1;
let clock = steps[Math.max(0, done)]!.atMs;
const db = openDatabase(dbFile);
const pipeline = new AlertPipeline({
  db,
  channels: CRASH_CHANNELS.map(fileChannel),
  now: () => clock,
  utcOffsetMin: () => 0,
  onError: (e) => {
    console.error(e);
    process.exit(3);
  },
});
await pipeline.ready;
process.stdout.write('ready\n');
for (let i = done + 1; i < steps.length; i++) {
  const step = steps[i]!;
  clock = step.atMs;
  await pipeline.evaluate(step.accountId, stepInput(step));
  // Ticks arrive over time, as from a venue: this also keeps a fast machine from finishing the
  // script before the parent has killed it many times.
  await new Promise((r) => setTimeout(r, 1));
  // Atomic (write + rename): a kill mid-write must not send the script back to the start.
  writeFileSync(`${progressFile}.tmp`, String(i));
  renameSync(`${progressFile}.tmp`, progressFile);
}
await pipeline.close();
db.close();
process.stdout.write('done\n');
