// Before the disk is full: under 100 MB free in the data folder's filesystem is a storage warning,
// closed again once space is back. Free space comes from a stub here (statfs on a real small disk is
// covered by storage-full.test.ts's mount).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertPipeline } from '../../../src/service/alerts';
import { StorageMonitor } from '../../../src/service/storageMonitor';
import { openDatabase } from '../../../src/store/db';
import { T0 } from '../../unit/alerts/fixtures';
import { FakeClock, recordingChannel, tempDir } from './helpers';

describe('low-disk warning', () => {
  it('warns under 100 MB free (statfs) and closes the warning when space is back', async () => {
    const tmp = tempDir();
    const db = openDatabase(join(tmp.dir, 'marginwatch.sqlite'));
    let free = 42 * 1024 * 1024;
    const storage = new StorageMonitor({ file: join(tmp.dir, 'marginwatch.sqlite'), dir: tmp.dir, freeBytes: async () => free });
    const os = recordingChannel('os');
    const clock = new FakeClock(T0);
    const pipeline = new AlertPipeline({ db, channels: [os], now: clock.now, utcOffsetMin: () => 0, awaitDeliveryMs: Infinity, storage });
    try {
      await storage.checkFreeSpace();
      await expect.poll(() => os.received.length).toBe(1);
      expect(os.received[0]).toMatchObject({
        subject: 'system:storage',
        level: 'warning',
        body: `Disk almost full: 42 MB free at ${tmp.dir}. Free some space, or MarginWatch will soon stop keeping history.`,
      });
      expect(storage.view()).toMatchObject({ summary: 'ok', lowDisk: `42 MB free at ${tmp.dir}`, freeBytes: free });
      free = 5 * 1024 * 1024 * 1024;
      clock.advance(60_000);
      await storage.checkFreeSpace();
      await expect.poll(() => pipeline.list({ state: 'all' }).find((a) => a.subject === 'system:storage')?.state).toBe('closed');
      expect(os.received).toHaveLength(1);
    } finally {
      await pipeline.close();
      db.close();
      tmp.cleanup();
    }
  });

  it('reads real free space with fs.statfs', async () => {
    const tmp = tempDir();
    const storage = new StorageMonitor({ file: join(tmp.dir, 'x.sqlite'), dir: tmp.dir });
    await storage.checkFreeSpace();
    expect(storage.freeBytes()).toBeGreaterThan(0);
    tmp.cleanup();
  });
});
