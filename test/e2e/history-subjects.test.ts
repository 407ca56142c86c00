// The History view's distance chart against a synthetic service: one line per subject (the cross book
// and an isolated position), named in words in a legend, the liquidation marker on the liquidated
// subject's own line, and a CSV with a percent column per subject.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessServer } from '../../src/headless/server';
import { downloadedLines, runAxe, screenshot, seriousOnly } from './support/browser';
import { SyntheticMonitor } from './support/synthetic-monitor';
import { closeSyntheticWindow, openSyntheticWindow } from './support/synthetic-window';

const INTERNAL_ID = /\b[a-z]+:(position|system|account|cross)(:[A-Za-z0-9_-]+)+/;

describe('history distance per subject', () => {
  let api: SyntheticMonitor;
  let server: HeadlessServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ api, server, browser, page, problems } = await openSyntheticWindow({
      monitor: { accounts: 1, positionsPerAccount: 4, historyDays: 1 },
      viewport: { width: 1280, height: 900 },
    }));
  });

  afterAll(() => closeSyntheticWindow({ api, server, browser }));

  it('draws one absolute line per subject with a legend in words and the liquidation on its own line', async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    api.pushAlert(
      SyntheticMonitor.alert('liq1', 'critical', 'liquidated:position:SYN3USDT:both', {
        title: 'Liquidated: SYN3USDT',
        state: 'closed',
        openedAt: tenMinutesAgo,
        closedAt: tenMinutesAgo,
      }),
    );
    await page.evaluate(() => (location.hash = '#/history/syn-0'));
    const legend = await page.waitForSelector('[data-testid="chart-legend"]');
    await page.waitForSelector('[data-testid="chart"]:not([data-drawn-points="-1"])');
    const entries = await legend.$$eval('li', (items) =>
      items.map((li) => ({
        subject: (li as HTMLElement).dataset.subject,
        text: li.textContent?.trim(),
        markers: Number((li as HTMLElement).dataset.markers),
      })),
    );
    expect(entries).toEqual([
      { subject: 'cross', text: 'cross book', markers: 0 },
      { subject: 'position:SYN3USDT:both', text: 'SYN3USDT short (isolated)', markers: 1 },
    ]);
    const caption = await page.textContent('figure:has([data-testid="chart-legend"]) figcaption');
    expect(caption).toMatch(/per position and cross book/);
    expect(await page.evaluate(() => document.body.innerText)).not.toMatch(INTERNAL_ID);

    const lines = await downloadedLines(page, '[data-testid="history-csv"]');
    expect(lines[0]).toBe(
      'time_utc,equity,margin_ratio_pct,distance_to_liquidation_pct,distance_pct cross book,distance_pct SYN3USDT short (isolated),alerts',
    );
    // Each subject's column is its distance in percent (the synthetic feed's values are 4-dp fractions).
    for (const line of lines.slice(1, 20)) {
      const cells = line.split(',');
      for (const cell of cells.slice(4, 6)) expect(Number(cell)).toBeGreaterThan(0);
    }
    await screenshot(page, 'history-per-subject');
    expect(seriousOnly(await runAxe(page))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
