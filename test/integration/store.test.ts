import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '../../src/store/db';
import { MIGRATIONS } from '../../src/store/migrations';
import { HistoryStore } from '../../src/store/historyStore';
import type { MarginReport } from '../../src/domain/contracts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mw-store-'));
  dirs.push(dir);
  return join(dir, 'nested', 'marginwatch.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function report(asOfMs: number, marginRatio: string, equity = '1000'): MarginReport {
  return {
    schema: 'marginwatch.report/1',
    venue: 'binance-usdm',
    asOf: new Date(asOfMs).toISOString(),
    settleAsset: 'USDT',
    account: {
      walletBalance: '1000', unrealizedPnl: '0', marginBalance: equity, initialMargin: '0', maintenanceMargin: '0',
      availableBalance: '0', marginRatio, venueMarginRatio: null, topUpToTarget: '0',
    },
    positions: [],
    warnings: [],
  };
}

describe('SQLite store', () => {
  it('creates the file and every migration from empty, in WAL mode', () => {
    const file = tempFile();
    const db = openDatabase(file);
    expect(existsSync(file)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['snapshots', 'reports', 'input_errors', 'settings']));
    db.close();
  });

  it('keeps data across reopen and does not re-run migrations', () => {
    const file = tempFile();
    const db = openDatabase(file);
    new HistoryStore(db).saveReport('a', report(1_000, '0.5'), 'watch');
    db.close();
    const again = openDatabase(file);
    expect(migrate(again)).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    const latest = new HistoryStore(again).latestReport('a');
    expect(latest?.report.account.marginRatio).toBe('0.5');
    expect(latest?.level).toBe('watch');
    again.close();
  });

  it('thins history into buckets without losing the worst margin ratio', () => {
    const db = openDatabase(tempFile());
    const store = new HistoryStore(db);
    store.transaction(() => {
      for (let i = 0; i < 1000; i++) store.saveReport('a', report(i * 1000, i === 537 ? '0.97' : '0.2'), 'ok');
      store.saveReport('b', report(5000, '0.9'), 'warning');
    });
    const points = store.history('a', 0, 999_000, 50);
    expect(points.length).toBeLessThanOrEqual(50);
    expect(points.length).toBeGreaterThan(40);
    expect(points.map((p) => p.marginRatio)).toContain('0.97');
    expect(points.every((p) => p.equity === '1000')).toBe(true);
    const times = points.map((p) => Date.parse(p.at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    db.close();
  });

  it('stores settings and input errors, and prunes old history', () => {
    const db = openDatabase(tempFile());
    const store = new HistoryStore(db);
    store.putSetting('alerts', { warning: '0.7' });
    store.putSetting('alerts', { warning: '0.75' });
    expect(store.getSetting('alerts')).toEqual({ warning: '0.75' });
    store.saveInputError('a', 10, 'positions[0].size: must be greater than zero');
    expect(store.latestInputError('a')?.message).toMatch(/positions\[0\]\.size/);
    store.saveReport('a', report(100, '0.1'), 'ok');
    store.saveReport('a', report(10_000, '0.1'), 'ok');
    expect(store.prune(5_000)).toBe(2);
    expect(store.history('a', 0, 20_000, 10)).toHaveLength(1);
    db.close();
  });
});
