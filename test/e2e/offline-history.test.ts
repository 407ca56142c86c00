// History review with every venue unreachable: a database seeded with 30 days of 1-minute reports,
// the service started with the demo off and one exchange account pointing at a closed port. The UI
// must show the account's error state (not a blank page), draw the history and export exactly what
// the service returns, and the position's stored mark-price candles. Also measures click → drawn for
// the 30-day history and the 24-hour candle range (SQLite query included).
import Decimal from 'decimal.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarginReport } from '../../src/domain/contracts';
import { databaseFile } from '../../src/paths';
import { appSettingsSchema } from '../../src/service/settings';
import { AccountStore } from '../../src/store/accountStore';
import { openDatabase } from '../../src/store/db';
import { HistoryStore } from '../../src/store/historyStore';
import { ApiClient } from './support/api-client';
import {
  downloadedLines,
  launchChromium,
  runAxe,
  screenshot,
  seriousOnly,
  watchPageProblems,
} from './support/browser';
import { startHeadless, type RunningHeadless } from './support/headless-process';

const ACCOUNT_ID = 'hl-offline';
const DAY_MS = 24 * 3600_000;

/** A port nothing listens on: bind, read, release. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function report(atMs: number, i: number): MarginReport {
  const ratio = 0.35 + 0.25 * Math.sin(i / 900) + 0.05 * Math.sin(i / 37);
  const equity = 25_000 + 4_000 * Math.cos(i / 1500);
  const distance = -(0.3 - 0.25 * Math.sin(i / 900));
  return {
    schema: 'marginwatch.report/1',
    venue: 'hyperliquid',
    asOf: new Date(atMs).toISOString(),
    settleAsset: 'USDC',
    account: {
      walletBalance: equity.toFixed(2),
      unrealizedPnl: '0',
      marginBalance: equity.toFixed(2),
      initialMargin: '1000',
      maintenanceMargin: (equity * ratio).toFixed(2),
      availableBalance: '0',
      marginRatio: ratio.toFixed(4),
      venueMarginRatio: null,
      topUpToTarget: '0',
    },
    positions: [
      {
        symbol: 'BTC',
        positionSide: 'both',
        marginMode: 'cross',
        notional: '100000',
        unrealizedPnl: '0',
        initialMargin: '1000',
        maintenanceRate: '0.01',
        maintenanceAmount: '0',
        maintenanceMargin: '1000',
        liquidationPrice: '50000',
        bankruptcyPrice: null,
        distanceToLiquidation: distance.toFixed(4),
        reduceToTarget: null,
        triggerPrices: [],
        discrepancy: null,
      },
      {
        // An isolated long: its own line in the per-subject distance chart.
        symbol: 'ETH',
        positionSide: 'both',
        marginMode: 'isolated',
        notional: '20000',
        unrealizedPnl: '0',
        initialMargin: '2000',
        maintenanceRate: '0.02',
        maintenanceAmount: '0',
        maintenanceMargin: '400',
        liquidationPrice: '2700',
        bankruptcyPrice: null,
        distanceToLiquidation: (-(0.2 + 0.1 * Math.cos(i / 600))).toFixed(4),
        reduceToTarget: null,
        triggerPrices: [],
        discrepancy: null,
      },
    ],
    warnings: [],
  };
}

/** One mark-price candle per minute for BTC: a slow wave with a small wiggle, prices to one decimal. */
function markCandles(fromMs: number, toMs: number) {
  const out = [];
  let prev = 60_000;
  for (let t = fromMs, i = 0; t <= toMs; t += 60_000, i++) {
    const close = 60_000 + 3_000 * Math.sin(i / 700) + 150 * Math.sin(i / 13);
    const high = Math.max(prev, close) + 20;
    const low = Math.min(prev, close) - 20;
    out.push({
      symbol: 'BTC',
      minuteMs: t,
      open: prev.toFixed(1),
      high: high.toFixed(1),
      low: low.toFixed(1),
      close: close.toFixed(1),
    });
    prev = Number(close.toFixed(1));
  }
  return out;
}

describe('offline history review (seeded database, no reachable venue)', () => {
  let dataDir: string;
  let service: RunningHeadless;
  let api: ApiClient;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let seededFromMs: number;
  let seededEndMs: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mw-e2e-offline-'));
    const port = await closedPort();
    const db = openDatabase(databaseFile(dataDir));
    const history = new HistoryStore(db);
    history.putSetting('app', appSettingsSchema.parse({ demoEnabled: false }));
    new AccountStore(db).add(
      {
        id: ACCOUNT_ID,
        name: 'Hyperliquid (unreachable)',
        source: 'hyperliquid',
        options: { wallet: `0x${'ab'.repeat(20)}`, restUrl: `http://127.0.0.1:${port}` },
      },
      null,
    );
    const end = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    seededFromMs = end - 30 * DAY_MS;
    seededEndMs = end;
    history.transaction(() => {
      for (let t = seededFromMs, i = 0; t <= end; t += 60_000, i++)
        history.saveReport(ACCOUNT_ID, report(t, i), 'ok');
      history.saveMarkCandles(ACCOUNT_ID, markCandles(seededFromMs, end));
    });
    db.close();

    service = await startHeadless({ dataDir });
    api = await ApiClient.connect(service.origin, service.token);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    problems = watchPageProblems(page);
  });

  afterAll(async () => {
    await browser?.close();
    api?.close();
    if (service) expect(await service.stop()).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the unreachable account plainly instead of a blank dashboard', async () => {
    await page.goto(service.url);
    await page.waitForSelector(`[data-account="${ACCOUNT_ID}"]`);
    const state = await api.call('state.get', {});
    expect(state.accounts.map((a) => a.id)).toEqual([ACCOUNT_ID]);
    expect(state.accounts[0]!.snapshot).toBeNull();
    await expect
      .poll(async () => (await api.call('state.get', {})).accounts[0]!.health.state, { timeout: 60_000 })
      .toMatch(/error|stale|connecting|polling/);
    await page.waitForSelector('[data-testid="data-problem"]', { timeout: 60_000 });
    await screenshot(page, '07-offline-dashboard');
    // Either nothing yet, or the last stored report clearly labelled as not live; the data problem is flagged.
    const card = await page.textContent(`[data-account="${ACCOUNT_ID}"]`);
    expect(card).toMatch(
      /Waiting for the first snapshot|No margin report yet|Last known figures, from .* not live/,
    );
    await page.waitForSelector('[data-testid="data-problem"]');
    expect(await page.textContent(`[data-account="${ACCOUNT_ID}"] [data-health]`)).toMatch(
      /DATA ERROR|STALE DATA/,
    );
  });

  it('draws the stored mark-price candles of the last known position, offline', async () => {
    await page.evaluate((id) => (location.hash = `#/account/${id}`), ACCOUNT_ID);
    await page.waitForSelector('[data-testid="positions-from-report"]');
    await page.waitForSelector('[data-testid="price-chart"]:not([data-drawn-candles="-1"])', {
      timeout: 30_000,
    });
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.evaluate(() => performance.clearMeasures('prices-load'));
      // Alternate ranges so every click is a fresh query and a full redraw; measure the 24 h ones.
      await page.click('[aria-label="Price range"] button:has-text("1 h")');
      await page.waitForFunction(() => {
        const n = Number(
          document.querySelector<HTMLElement>('[data-testid="price-chart"]')?.dataset.drawnCandles,
        );
        return n > 0 && n <= 61;
      });
      await page.evaluate(() => performance.clearMeasures('prices-load'));
      await page.click('[aria-label="Price range"] button:has-text("24 h")');
      const handle = await page.waitForFunction(
        () => performance.getEntriesByName('prices-load')[0]?.duration,
        null,
        { timeout: 30_000 },
      );
      samples.push((await handle.jsonValue()) as number);
    }
    samples.sort((a, b) => a - b);
    const range = await page.$eval('[data-testid="price-range"]', (el) => ({
      ...(el as HTMLElement).dataset,
    }));
    const drawn = await page.$eval('[data-testid="price-chart"]', (el) => ({
      ...(el as HTMLElement).dataset,
    }));
    const direct = await api.call('prices.query', {
      accountId: ACCOUNT_ID,
      symbol: 'BTC',
      from: range.from!,
      to: range.to!,
      maxPoints: 1440,
    });
    console.log(
      `BENCH ui.candles24h.sqlite: click→drawn median ${samples[2]!.toFixed(0)} ms, max ${samples[4]!.toFixed(0)} ms (n=5), ${drawn.drawnCandles} candles`,
    );
    // Every seeded minute inside the range, one candle each (1440 or fewer fit maxPoints unmerged).
    const first = Math.max(seededFromMs, Math.ceil(Date.parse(range.from!) / 60_000) * 60_000);
    const last = Math.min(seededEndMs, Math.floor(Date.parse(range.to!) / 60_000) * 60_000);
    expect(direct.candles.length).toBe((last - first) / 60_000 + 1);
    expect(Number(drawn.drawnCandles)).toBe(direct.candles.length);
    expect(Number(drawn.lastClose)).toBe(Number(direct.candles[direct.candles.length - 1]!.close));
    const liquidation = await page.getAttribute(
      '[data-testid="price-lines"] li[data-tone="liquidation"]',
      'data-price',
    );
    expect(Number(liquidation)).toBe(50000);
    await screenshot(page, '09-offline-candles');
    expect(seriousOnly(await runAxe(page))).toEqual([]);
  });

  it('draws 30 days of history and exports exactly what the service returns', async () => {
    await page.evaluate((id) => (location.hash = `#/history/${id}`), ACCOUNT_ID);
    await page.waitForSelector('[data-testid="history-range"]');
    await page.selectOption('[data-testid="history-range"]', '30d');
    const samples: number[] = [];
    const queries: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.evaluate(() => performance.clearMeasures('history-load'));
      await page.click('[data-testid="history-load"]');
      const handle = await page.waitForFunction(
        () => performance.getEntriesByName('history-load')[0]?.duration,
        null,
        { timeout: 30_000 },
      );
      samples.push((await handle.jsonValue()) as number);
      queries.push(
        await page.evaluate(() => performance.getEntriesByName('history-query')[0]?.duration ?? NaN),
      );
    }
    samples.sort((a, b) => a - b);
    queries.sort((a, b) => a - b);
    const summary = await page.$eval('[data-testid="history-summary"]', (p) => ({
      ...(p as HTMLElement).dataset,
    }));
    const points = Number(summary.points);
    console.log(
      `BENCH ui.history30d.sqlite: click→drawn median ${samples[2]!.toFixed(0)} ms, max ${samples[4]!.toFixed(0)} ms (n=5; click→answer median ${queries[2]!.toFixed(0)} ms), ${points} points drawn from ${Math.round((Date.now() - seededFromMs) / 60_000)} stored minutes, load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    );
    expect(points).toBeGreaterThan(1000);

    const direct = await api.call('history.query', {
      accountId: ACCOUNT_ID,
      from: summary.from!,
      to: summary.to!,
      maxPoints: 3000,
    });
    expect(direct.points.length).toBe(points);
    const lines = await downloadedLines(page, '[data-testid="history-csv"]');
    expect(lines[0]).toBe(
      'time_utc,equity,margin_ratio_pct,distance_to_liquidation_pct,distance_pct cross book,distance_pct ETH (isolated),alerts',
    );
    // Percent, exactly: the service's decimal times 100 (distance as its absolute value).
    const pct = (v: string | null, abs = false) =>
      v === null ? '' : (abs ? new Decimal(v).abs() : new Decimal(v)).times(100).toString();
    const subject = (p: (typeof direct.points)[number], key: string) =>
      p.subjects?.find((d) => d.subject === key)?.distance ?? null;
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 6).join(','))).toEqual(
      direct.points.map((p) =>
        [
          p.at,
          p.equity,
          pct(p.marginRatio),
          pct(p.minDistanceToLiquidation, true),
          pct(subject(p, 'cross')),
          pct(subject(p, 'position:ETH:both')),
        ].join(','),
      ),
    );
    // One line per subject in the distance chart, named in words.
    expect(
      await page.$$eval('[data-testid="chart-legend"] li', (items) =>
        items.map((li) => li.textContent?.trim()),
      ),
    ).toEqual(['cross book', 'ETH (isolated)']);

    const firstRowEquity = await page.$eval(
      '[data-testid="history-table"] tbody tr td[data-raw]',
      (td) => (td as HTMLElement).dataset.raw,
    );
    expect(firstRowEquity).toBe(direct.points[direct.points.length - 1]!.equity);
    await screenshot(page, '08-offline-history');
    expect(seriousOnly(await runAxe(page))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
