// UI load measurements with the browser's Performance API, printed (not asserted as timings):
// 200 positions updating 10× a second → long tasks. Driven by a synthetic MonitorApi behind the real
// headless server so the load is exact. (30 days of history, click → drawn, is measured against the
// real service and SQLite in offline-history.test.ts.)
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeadlessServer, type HeadlessServer } from '../../src/headless/server';
import { launchChromium, repoRoot, screenshot } from './support/browser';
import { SyntheticMonitor } from './support/synthetic-monitor';

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

describe('UI under load (synthetic feed)', () => {
  let api: SyntheticMonitor;
  let server: HeadlessServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    api = new SyntheticMonitor({ accounts: 2, positionsPerAccount: 100, historyDays: 30 });
    server = await startHeadlessServer({ api, port: 0, staticDir: resolve(repoRoot, 'dist-ui') });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: { at: number; ms: number }[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
          w.__longTasks.push({ at: entry.startTime, ms: entry.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
  });

  afterAll(async () => {
    api?.stop();
    await browser?.close();
    await server?.close();
  });

  it('200 positions updating 10 times a second: longest task', async () => {
    await page.goto(server.url);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="positions-table"]')?.getAttribute('data-total') === '200',
      null,
      { timeout: 30_000 },
    );
    await page.evaluate(() => ((window as unknown as { __longTasks: unknown[] }).__longTasks = []));
    // The machine is shared: the load average goes next to the figures it may have inflated.
    const loadBefore = loadavg()[0]!;
    const tickStart = await page.evaluate(() => performance.now());
    api.startTicking(100);
    const firstMark = await page.$eval(
      '[data-testid="positions-table"] tbody tr[data-key] [data-field="markPrice"]',
      (td) => (td as HTMLElement).dataset.raw,
    );
    await page.waitForTimeout(10_000);
    const lastMark = await page.$eval(
      '[data-testid="positions-table"] tbody tr[data-key] [data-field="markPrice"]',
      (td) => (td as HTMLElement).dataset.raw,
    );
    api.stop();
    const loadAfter = loadavg()[0]!;
    const long = await page.evaluate(
      () => (window as unknown as { __longTasks: { at: number; ms: number }[] }).__longTasks,
    );
    const tasks = long.map((t) => t.ms).sort((a, b) => a - b);
    await screenshot(page, 'perf-200-positions');
    console.log(
      `BENCH ui.positions200x10hz: 10 s, ${api.eventsPushed} account events (200 positions each 100 ms); ` +
        `${tasks.length} long tasks (>50 ms); longest ${tasks.length ? tasks[tasks.length - 1]!.toFixed(1) : '0'} ms; ` +
        `p50 ${quantile(tasks, 0.5).toFixed(1)} ms; at ${long.map((t) => `+${Math.round(t.at - tickStart)} ms`).join(', ') || '-'}; ` +
        `load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${availableParallelism()} cores`,
    );
    // The feed really reached the table while measuring.
    expect(lastMark).not.toBe(firstMark);
  });
});
