// Storage failure is an alert, not a silence. The data folder sits on a real 1 MB tmpfs that the test
// fills: the decision still reaches a real webhook server (and the OS channel), the system:storage
// critical alert goes out through them, health says "degraded: storage", and once space returns
// everything kept in memory is written exactly once, without sending anything twice.
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { webhookChannel } from '../../../src/notify/remote';
import { AlertPipeline } from '../../../src/service/alerts';
import { StorageMonitor } from '../../../src/service/storageMonitor';
import { databaseFile } from '../../../src/paths';
import { AlertStore } from '../../../src/store/alertStore';
import { openDatabase } from '../../../src/store/db';
import { liveHealth, report, T0 } from '../../unit/alerts/fixtures';
import { tryMountTmpfs } from '../../helpers/tmpfs';
import { FakeClock, recordingChannel } from './helpers';

const fs = tryMountTmpfs(1024 * 1024);
const mounted = !('skip' in fs);
afterAll(() => {
  if (mounted) fs.unmount();
});

async function webhookServer(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

/** Writes zeros until the filesystem says ENOSPC; returns the filler's path. */
function fillDisk(dir: string): string {
  const file = join(dir, 'filler.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // The last partial blocks too, so SQLite cannot append a single WAL frame.
  const fd2 = openSync(file, 'a');
  try {
    for (;;) writeSync(fd2, Buffer.alloc(512));
  } catch {
    // full
  } finally {
    closeSync(fd2);
  }
  return file;
}

describe.runIf(mounted)(`storage failure on a full disk${mounted ? '' : ` (skipped: ${fs.skip})`}`, () => {
  it('delivers through the webhook from memory, raises system:storage, writes it all once when space returns', async () => {
    if (!mounted) return;
    const dataDir = join(fs.dir, 'data');
    const file = databaseFile(dataDir);
    const db = openDatabase(file);
    const hook = await webhookServer();
    const os = recordingChannel('os');
    const clock = new FakeClock(T0);
    const logs: string[] = [];
    const storage = new StorageMonitor({ file, dir: dataDir, lowDiskBytes: 0, log: (l) => logs.push(l) });
    const pipeline = new AlertPipeline({
      db,
      channels: [os, webhookChannel({ id: 'webhook', url: hook.url, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 } })],
      now: clock.now,
      utcOffsetMin: () => 0,
      awaitDeliveryMs: Infinity,
      storage,
      storageRetryMs: 50,
    });
    const storedStorageEpisodes = () =>
      db.prepare(`SELECT COUNT(*) AS n FROM alert_episodes WHERE subject = 'system:storage'`).get() as { n: number };
    let filler: string | null = null;
    try {
      await pipeline.evaluate('acc', { report: report('0.3', undefined, clock.ms), forecast: null, health: liveHealth(clock.ms) });
      db.pragma('wal_checkpoint(TRUNCATE)'); // the next write must grow the WAL
      filler = fillDisk(fs.dir);
      clock.advance(1_000);

      await pipeline.evaluate('acc', { report: report('0.95', undefined, clock.ms), forecast: null, health: liveHealth(clock.ms) });
      await expect.poll(() => hook.bodies.filter((b) => b.includes('"system:storage"')).length, { timeout: 10_000 }).toBe(1);
      await pipeline.idle();

      // The decision went out although nothing could be written.
      const critical = hook.bodies.map((b) => JSON.parse(b) as { subject: string; level: string; key: string; body: string });
      // The danger model alerts on the subject in danger: here the account's cross book.
      const account = critical.filter((n) => n.subject === 'cross');
      expect(account.map((n) => n.level)).toEqual(['critical']);
      expect(os.received.filter((n) => n.subject === 'cross').map((n) => n.level)).toEqual(['critical']);
      // The storage alert: critical, naming the file, through both channels.
      const storageAlert = critical.find((n) => n.subject === 'system:storage')!;
      expect(storageAlert.level).toBe('critical');
      expect(storageAlert.body).toBe(
        `MarginWatch cannot save: disk full at ${file} — alerts still go out but history is not being kept.`,
      );
      expect(os.received.filter((n) => n.subject === 'system:storage')).toHaveLength(1);
      expect(storage.view()).toMatchObject({ summary: 'degraded: storage', failing: `disk full at ${file}` });
      // Shown (from memory) to the window and tray; nothing on disk yet.
      expect(pipeline.list({ state: 'open' }).map((a) => `${a.subject}:${a.level}`)).toEqual(
        expect.arrayContaining(['cross:critical', 'system:storage:critical']),
      );
      expect(pipeline.trayState().level).toBe('critical');
      expect(storedStorageEpisodes().n).toBe(0);
      // The trader can acknowledge it although it is not stored (it stops repeating).
      const storageId = pipeline.list({ state: 'open' }).find((a) => a.subject === 'system:storage')!.id;
      expect(pipeline.acknowledge(storageId).state).toBe('acknowledged');

      // Space returns: the retry writes everything once and closes the storage alert.
      rmSync(filler);
      filler = null;
      await expect.poll(() => storage.view().summary, { timeout: 10_000 }).toBe('ok');
      await expect.poll(() => storedStorageEpisodes().n, { timeout: 10_000 }).toBe(1);
      await pipeline.idle();
      const store = new AlertStore(db);
      const rows = store.allDeliveries();
      const storageRows = rows.filter((d) => d.payload.subject === 'system:storage');
      expect(storageRows.map((d) => `${d.channel}:${d.status}`).sort()).toEqual(['os:sent', 'webhook:sent']);
      const accountRows = rows.filter((d) => d.payload.subject === 'cross' && d.payload.level === 'critical');
      expect(accountRows.map((d) => `${d.channel}:${d.status}`).sort()).toEqual(['os:sent', 'webhook:sent']);
      // Later passes send nothing twice.
      const hitsAfter = hook.bodies.length;
      await new Promise((r) => setTimeout(r, 300));
      await pipeline.flush();
      await pipeline.idle();
      expect(hook.bodies.length).toBe(hitsAfter);
      expect(new Set(hook.bodies.map((b) => (JSON.parse(b) as { key: string }).key)).size).toBe(hook.bodies.length);
      expect(logs.some((l) => l.includes('can be written again'))).toBe(true);
      const closedStorage = store.episodes({ limit: 10 }).find((e) => e.subject === 'system:storage');
      expect(closedStorage?.closedMs).not.toBeNull();
      expect(closedStorage?.acknowledgedMs).not.toBeNull();
    } finally {
      if (filler) rmSync(filler, { force: true });
      await pipeline.close();
      db.close();
      await new Promise((r) => hook.server.close(r));
    }
  }, 30_000);
});
