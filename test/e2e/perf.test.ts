// UI load measurements with the browser's Performance API, printed (not asserted as timings):
// 200 positions updating 10× a second → long tasks; 30 days of 1-minute history → click to drawn.
// Driven by a synthetic MonitorApi behind the real headless server so the load is exact.
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
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
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
    await page.waitForFunction(() => document.querySelector('[data-testid="positions-table"]')?.getAttribute('data-total') === '200', null, { timeout: 30_000 });
    await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks = []));
    api.startTicking(100);
    const firstMark = await page.$eval('[data-testid="positions-table"] tbody tr[data-key] [data-field="markPrice"]', (td) => (td as HTMLElement).dataset.raw);
    await page.waitForTimeout(10_000);
    const lastMark = await page.$eval('[data-testid="positions-table"] tbody tr[data-key] [data-field="markPrice"]', (td) => (td as HTMLElement).dataset.raw);
    api.stop();
    const tasks = (await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks)).sort((a, b) => a - b);
    await screenshot(page, 'perf-200-positions');
    console.log(
      `BENCH ui.positions200x10hz: 10 s, ${tasks.length} long tasks (>50 ms); longest ${tasks.length ? tasks[tasks.length - 1]!.toFixed(1) : '0'} ms; p50 ${quantile(tasks, 0.5).toFixed(1)} ms`,
    );
    // The feed really reached the table while measuring.
    expect(lastMark).not.toBe(firstMark);
  });

  it('30 days of 1-minute history: click to drawn chart', async () => {
    const samples: number[] = [];
    let points = 0;
    await page.evaluate(() => (location.hash = '#/history/syn-0'));
    await page.waitForSelector('[data-testid="history-range"]');
    await page.selectOption('[data-testid="history-range"]', '30d');
    for (let i = 0; i < 5; i++) {
      await page.evaluate(() => performance.clearMeasures('history-load'));
      await page.click('[data-testid="history-load"]');
      const ms = await page.waitForFunction(() => performance.getEntriesByName('history-load')[0]?.duration, null, { timeout: 30_000 });
      samples.push((await ms.jsonValue()) as number);
      points = Number(await page.$eval('[data-testid="history-summary"]', (p) => (p as HTMLElement).dataset.points));
    }
    samples.sort((a, b) => a - b);
    await screenshot(page, 'perf-history-30d');
    console.log(`BENCH ui.history30d: ${api.lastHistoryRawPoints} minute points in range, ${points} returned (maxPoints 3000), click→drawn median ${quantile(samples, 0.5).toFixed(0)} ms, max ${samples[samples.length - 1]!.toFixed(0)} ms (n=${samples.length}, synthetic in-process query)`);
    expect(api.lastHistoryRawPoints).toBeGreaterThan(43_000);
    expect(points).toBeGreaterThan(2500);
  });
});
