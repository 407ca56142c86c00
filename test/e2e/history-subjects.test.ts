// The History view's distance chart against a synthetic service: one line per subject (the cross book
// and an isolated position), named in words in a legend, the liquidation marker on the liquidated
// subject's own line, and a CSV with a percent column per subject.
import { describe, expect, it } from 'vitest';
import { downloadedLines, runAxe, screenshot, seriousOnly } from './support/browser';
import { SyntheticMonitor } from './support/synthetic-monitor';
import { useSyntheticWindow } from './support/synthetic-window';

const INTERNAL_ID = /\b[a-z]+:(position|system|account|cross)(:[A-Za-z0-9_-]+)+/;

describe('history distance per subject', () => {
  const w = useSyntheticWindow({
    monitor: { accounts: 1, positionsPerAccount: 4, historyDays: 1 },
    viewport: { width: 1280, height: 900 },
  });

  it('draws one absolute line per subject with a legend in words and the liquidation on its own line', async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    // The liquidated position's line stops there; the cross book runs to the end.
    w.api.endSubject('position:SYN3USDT:both', Date.parse(tenMinutesAgo));
    w.api.pushAlert(
      SyntheticMonitor.alert('liq1', 'critical', 'liquidated:position:SYN3USDT:both', {
        title: 'Liquidated: SYN3USDT',
        state: 'closed',
        openedAt: tenMinutesAgo,
        closedAt: tenMinutesAgo,
      }),
    );
    await w.page.evaluate(() => (location.hash = '#/history/syn-0'));
    const legend = await w.page.waitForSelector('[data-testid="chart-legend"]');
    await w.page.waitForSelector('[data-testid="chart"]:not([data-drawn-points="-1"])');
    const entries = await legend.$$eval('li', (items) =>
      items.map((li) => ({
        subject: (li as HTMLElement).dataset.subject,
        text: li.textContent?.trim().replace(/\s+/g, ' '),
        markers: Number((li as HTMLElement).dataset.markers),
        ended: (li as HTMLElement).dataset.ended,
      })),
    );
    expect(entries).toEqual([
      { subject: 'cross', text: 'cross book', markers: 0, ended: 'false' },
      {
        subject: 'position:SYN3USDT:both',
        text: expect.stringMatching(/^SYN3USDT short \(isolated\) \(ended .+\)$/),
        markers: 1,
        ended: 'true',
      },
    ]);
    const caption = await w.page.textContent('figure:has([data-testid="chart-legend"]) figcaption');
    expect(caption).toMatch(/per position and cross book/);
    expect(await w.page.evaluate(() => document.body.innerText)).not.toMatch(INTERNAL_ID);

    const lines = await downloadedLines(w.page, '[data-testid="history-csv"]');
    expect(lines[0]).toBe(
      'time_utc,equity,margin_ratio_pct,distance_to_liquidation_pct,distance_pct cross book,distance_pct SYN3USDT short (isolated),alerts',
    );
    // Each subject's column is its distance in percent (the synthetic feed's values are 4-dp fractions).
    for (const line of lines.slice(1, 20)) {
      const cells = line.split(',');
      for (const cell of cells.slice(4, 6)) expect(Number(cell)).toBeGreaterThan(0);
    }
    await screenshot(w.page, 'history-per-subject');
    expect(seriousOnly(await runAxe(w.page))).toEqual([]);
    expect(w.problems).toEqual([]);
  });
});
