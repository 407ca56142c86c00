// Against a synthetic service whose pushes the test controls: the account page's collateral breakdown
// and collateral-risk sentences (only when the report has collateral), and the storage health banners
// (red while the database cannot save, amber on low disk) appearing and clearing with the status.
import { describe, expect, it } from 'vitest';
import { runAxe, screenshot, seriousOnly } from './support/browser';
import { usdtAndBtcCollateral, withReportAccount } from './support/synthetic-monitor';
import { useSyntheticWindow } from './support/synthetic-window';

describe('account collateral and storage health in the window', () => {
  const w = useSyntheticWindow({
    monitor: { accounts: 1, positionsPerAccount: 2, historyDays: 1 },
    viewport: { width: 1280, height: 900 },
  });

  it('shows the collateral breakdown and its risk sentences only when the report has collateral', async () => {
    await w.page.evaluate(() => (location.hash = '#/account/syn-0'));
    await w.page.waitForSelector('h1:has-text("Synthetic 0")');
    expect(await w.page.$('section[aria-label="Collateral"]')).toBeNull();
    expect(await w.page.$('[data-testid="collateral-risk"]')).toBeNull();

    const reason = 'your BTC collateral covers less as BTC falls';
    w.api.updateAccount(0, (a) =>
      withReportAccount(a, {
        collateral: usdtAndBtcCollateral('SYN0USDT'),
        collateralRisk: [
          { asset: 'BTC', symbol: 'SYN0USDT', kind: 'wrong-way', valuePerPercentFall: '-285', reason },
        ],
      }),
    );
    await w.page.waitForSelector('section[aria-label="Collateral"] tr[data-asset="BTC"]');
    const assets = await w.page.$$eval('section[aria-label="Collateral"] tbody tr', (trs) =>
      trs.map((tr) => (tr as HTMLElement).dataset.asset),
    );
    expect(assets).toEqual(['USDT', 'BTC']);
    const risk = await w.page.$$eval('[data-testid="collateral-risk"] li', (lis) =>
      lis.map((li) => li.textContent ?? ''),
    );
    expect(risk).toHaveLength(1);
    expect(risk[0]).toContain(reason);
    // The sentence is shown once on the page, next to the danger figures, not again under the table
    // (the danger strip on top of every view carries it too, for the worst subject's account).
    const times = await w.page.evaluate((r) => {
      const main = document.querySelector('main') ?? document.body;
      return (main as HTMLElement).innerText.split(r).length - 1;
    }, reason);
    expect(times).toBe(1);
    expect(await w.page.textContent('[data-testid="danger-strip"] [data-field="collateral-risk"]')).toBe(
      reason,
    );
    await screenshot(w.page, 'account-collateral');
    expect(seriousOnly(await runAxe(w.page)), 'serious accessibility violations').toEqual([]);
  });

  it('a red banner while storage cannot save, an amber note on low disk, gone when healthy', async () => {
    expect(await w.page.$('[data-testid="storage-failing"]')).toBeNull();
    w.api.setStatus({
      storage: {
        summary: 'degraded: storage',
        failing: 'disk full at /synthetic',
        lowDisk: null,
        freeBytes: 0,
      },
    });
    const banner = await w.page.waitForSelector('[data-testid="storage-failing"]');
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('MarginWatch cannot save');
    expect(text).toContain('disk full at /synthetic');
    expect(text).toContain('alerts still go out but history is not being kept');
    // Persistent: it stays on every view.
    await w.page.evaluate(() => (location.hash = '#/alerts'));
    await w.page.waitForSelector('h1:has-text("Alerts")');
    expect(await w.page.$('[data-testid="storage-failing"]')).not.toBeNull();
    await screenshot(w.page, 'storage-failing');

    w.api.setStatus({
      storage: { summary: 'ok', failing: null, lowDisk: '40 MB free at /synthetic', freeBytes: 40e6 },
    });
    await w.page.waitForSelector('[data-testid="storage-failing"]', { state: 'detached' });
    const note = (await w.page.textContent('[data-testid="storage-low-disk"]')) ?? '';
    expect(note).toContain('40 MB free at /synthetic');
    expect(seriousOnly(await runAxe(w.page)), 'serious accessibility violations').toEqual([]);

    w.api.setStatus({ storage: { summary: 'ok', failing: null, lowDisk: null, freeBytes: 5e9 } });
    await w.page.waitForSelector('[data-testid="storage-low-disk"]', { state: 'detached' });
    expect(w.problems).toEqual([]);
  });
});
