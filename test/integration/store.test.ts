import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

  it('answers long ranges from 5-minute and hourly rollups that keep each slot\'s worst report', () => {
    const db = openDatabase(tempFile());
    const store = new HistoryStore(db);
    const hour = 3_600_000;
    store.transaction(() => {
      for (let i = 0; i < 48 * 60; i++) store.saveReport('a', report(i * 60_000, i === 1500 ? '0.91' : '0.3'), 'ok');
    });
    const rollups = db.prepare("SELECT period_ms AS p, COUNT(*) AS n FROM report_rollups WHERE account_id = 'a' GROUP BY period_ms").all();
    expect(rollups).toEqual([{ p: 300_000, n: 48 * 12 }, { p: 3_600_000, n: 48 }]);
    const points = store.history('a', 0, 48 * hour - 1, 12); // 4-hour buckets → from the rollups
    expect(points).toHaveLength(12);
    expect(points.map((p) => p.marginRatio)).toContain('0.91');
    expect(points.find((p) => p.marginRatio === '0.91')?.at).toBe(new Date(1500 * 60_000).toISOString());
    // 10-minute buckets come from the 5-minute rollups, 90-second buckets from the reports themselves.
    const medium = store.history('a', 0, 48 * hour - 1, 288);
    expect(medium).toHaveLength(288);
    expect(medium.map((p) => p.marginRatio)).toContain('0.91');
    const fine = store.history('a', 0, 6 * hour - 1, 240);
    expect(fine).toHaveLength(240);
    db.close();
  });

  it('fills the rollups from reports already stored when an older file is migrated', () => {
    const file = tempFile();
    // A file as version 3 of the schema left it: reports, no rollups.
    mkdirSync(dirname(file), { recursive: true });
    const old = new Database(file);
    for (const m of MIGRATIONS.filter((m) => m.version <= 3)) m.up(old);
    old.pragma('user_version = 3');
    const insert = old.prepare("INSERT INTO reports (account_id, as_of_ms, equity, margin_ratio, min_distance, level, json) VALUES ('a', ?, '1000', ?, NULL, 'ok', '{}')");
    for (let i = 0; i < 120; i++) insert.run(BigInt(i * 60_000), i === 77 ? '0.88' : '0.2');
    old.close();
    const migrated = openDatabase(file);
    const hourly = migrated.prepare('SELECT slot_ms, margin_ratio FROM report_rollups WHERE period_ms = 3600000 ORDER BY slot_ms').all();
    expect(hourly).toEqual([{ slot_ms: 0, margin_ratio: '0.2' }, { slot_ms: 3_600_000, margin_ratio: '0.88' }]); // minute 77 is in the second hour
    migrated.close();
  });

  it('keeps per-subject distances with each point, raw and rolled up', () => {
    const db = openDatabase(tempFile());
    const store = new HistoryStore(db);
    const withPositions = (asOfMs: number, ratio: string, solDistance: string): MarginReport => ({
      ...report(asOfMs, ratio),
      positions: [
        { symbol: 'BTCUSDT', positionSide: 'both', marginMode: 'cross', notional: '1', unrealizedPnl: '0', initialMargin: '1', maintenanceRate: '0', maintenanceAmount: '0', maintenanceMargin: '0', liquidationPrice: '50000', bankruptcyPrice: null, distanceToLiquidation: '-0.2', reduceToTarget: null, triggerPrices: [], discrepancy: null },
        { symbol: 'SOLUSDT', positionSide: 'both', marginMode: 'isolated', notional: '1', unrealizedPnl: '0', initialMargin: '1', maintenanceRate: '0', maintenanceAmount: '0', maintenanceMargin: '0', liquidationPrice: '150', bankruptcyPrice: null, distanceToLiquidation: solDistance, reduceToTarget: null, triggerPrices: [], discrepancy: null },
      ],
    });
    for (let i = 0; i < 48; i++) store.saveReport('a', withPositions(i * 300_000, i === 30 ? '0.9' : '0.2', i === 30 ? '0.01' : '0.05'), 'ok');
    const raw = store.history('a', 0, 48 * 300_000, 1000);
    expect(raw[30]!.subjects).toEqual([
      { subject: 'cross', symbol: 'BTCUSDT', distance: '0.2', price: '50000' },
      { subject: 'position:SOLUSDT:both', symbol: 'SOLUSDT', distance: '0.01', price: '150' },
    ]);
    // Hourly buckets (from the rollups) carry the distances of the report they keep (its worst moment).
    const hourly = store.history('a', 0, 4 * 3_600_000 - 1, 4);
    expect(hourly[2]!.marginRatio).toBe('0.9');
    expect(hourly[2]!.subjects.find((d) => d.subject === 'position:SOLUSDT:both')?.distance).toBe('0.01');
    db.close();
  });

  it('migrates an older file: rollups get per-subject distances from their reports, old raw rows read from their JSON', () => {
    const file = tempFile();
    mkdirSync(dirname(file), { recursive: true });
    const old = new Database(file);
    for (const m of MIGRATIONS.filter((m) => m.version <= 5)) m.up(old);
    old.pragma('user_version = 5');
    const stored = {
      ...report(60_000, '0.5'),
      positions: [{ symbol: 'ETHUSDT', positionSide: 'short', marginMode: 'isolated', notional: '1', unrealizedPnl: '0', initialMargin: '1', maintenanceRate: '0', maintenanceAmount: '0', maintenanceMargin: '0', liquidationPrice: '4100', bankruptcyPrice: null, distanceToLiquidation: '0.025', reduceToTarget: null, triggerPrices: [], discrepancy: null }],
    };
    old.prepare("INSERT INTO reports (account_id, as_of_ms, equity, margin_ratio, min_distance, level, json) VALUES ('a', 60000, '1000', '0.5', '0.025', 'ok', ?)").run(JSON.stringify(stored));
    old.prepare("INSERT INTO reports (account_id, as_of_ms, equity, margin_ratio, min_distance, level, json) VALUES ('a', 120000, '1000', '0.4', NULL, 'ok', 'not json')").run();
    old.prepare("INSERT INTO report_rollups (account_id, period_ms, slot_ms, worst, as_of_ms, equity, margin_ratio, min_distance) VALUES ('a', 3600000, 0, 0.5, 60000, '1000', '0.5', '0.025')").run();
    old.close();
    const db = openDatabase(file);
    const rollup = db.prepare('SELECT subject_distances FROM report_rollups').get() as { subject_distances: string };
    expect(JSON.parse(rollup.subject_distances)).toEqual([['position:ETHUSDT:short', 'ETHUSDT', '0.025', '4100']]);
    const points = new HistoryStore(db).history('a', 0, 180_000, 100);
    expect(points.map((p) => p.subjects)).toEqual([[{ subject: 'position:ETHUSDT:short', symbol: 'ETHUSDT', distance: '0.025', price: '4100' }], []]);
    expect(points.map((p) => p.marginRatio)).toEqual(['0.5', '0.4']);
    db.close();
  });

  it('keeps 1-minute mark candles, widening a minute seen twice, and merges them for long ranges', () => {
    const db = openDatabase(tempFile());
    const store = new HistoryStore(db);
    store.saveMarkCandles('a', [{ symbol: 'BTCUSDT', minuteMs: 0, open: '100', high: '101', low: '99', close: '100.5' }]);
    store.saveMarkCandles('a', [{ symbol: 'BTCUSDT', minuteMs: 0, open: '100.4', high: '100.6', low: '98.5', close: '99' }]);
    expect(store.markCandles('a', 'BTCUSDT', 0, 60_000, 100)).toEqual([
      { symbol: 'BTCUSDT', minuteMs: 0, open: '100', high: '101', low: '98.5', close: '99' },
    ]);
    const many = Array.from({ length: 100 }, (_, i) => ({
      symbol: 'ETHUSDT', minuteMs: i * 60_000, open: String(10 + i), high: String(11 + i), low: String(9 + i), close: String(10.5 + i),
    }));
    store.saveMarkCandles('a', many);
    const merged = store.markCandles('a', 'ETHUSDT', 0, 100 * 60_000, 10);
    expect(merged).toHaveLength(10);
    expect(merged[0]).toEqual({ symbol: 'ETHUSDT', minuteMs: 0, open: '10', high: '20', low: '9', close: '19.5' });
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
