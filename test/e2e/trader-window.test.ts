// The trader's window in a browser tab (headless mode), driven by a synthetic service whose alert
// pushes the test controls exactly: the positions table at 1024 px, browser notifications and the
// audible alarm (window.Notification and AudioContext stubbed and recorded), the tab title and
// favicon, toasts, the unreached-critical banner, keyboard focus and the disconnected state.
import { describe, expect, it } from 'vitest';
import { runAxe, screenshot, seriousOnly } from './support/browser';
import { browserRecord, stubBrowserChannels } from './support/browser-stubs';
import { SyntheticMonitor } from './support/synthetic-monitor';
import { useSyntheticWindow } from './support/synthetic-window';

const recorded = browserRecord;

const INTERNAL_ID = /\b[a-z]+:(position|system|account|cross)(:[A-Za-z0-9_-]+)+/;

describe('the trader window in a browser tab', () => {
  const w = useSyntheticWindow({
    monitor: { accounts: 1, positionsPerAccount: 12, historyDays: 1 },
    viewport: { width: 1024, height: 700 },
    initScript: stubBrowserChannels('granted'),
  });

  it('fits 1024 px with no horizontal scroll, level first and visible on every row, most endangered first', async () => {
    w.api.pushAlert(SyntheticMonitor.alert('w1', 'warning', 'position:SYN7USDT:both'));
    w.api.pushAlert(SyntheticMonitor.alert('m1', 'margin-call', 'position:SYN3USDT:both'));
    await w.page.waitForSelector('tr[data-key$="/SYN3USDT/both"][data-level="margin-call"]');
    const layout = await w.page.evaluate(() => {
      const table = document.querySelector('[data-testid="positions-table"]')!;
      const viewport = document.querySelector('[data-testid="positions-viewport"]') as HTMLElement;
      const rows = [...table.querySelectorAll('tbody tr[data-key]')] as HTMLElement[];
      return {
        pageScroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        tableScroll: viewport.scrollWidth - viewport.clientWidth,
        firstHeader: table.querySelector('thead th')?.textContent?.trim(),
        levels: rows.map((r) => r.dataset.level),
        levelVisible: rows.every((r) => {
          const badge = r.querySelector('td:first-child [data-level]') as HTMLElement | null;
          const box = badge?.getBoundingClientRect();
          return !!box && box.width > 0 && box.left >= 0 && box.right <= window.innerWidth;
        }),
      };
    });
    expect(layout.pageScroll).toBe(0);
    expect(layout.tableScroll).toBe(0);
    expect(layout.firstHeader).toMatch(/^Level/);
    expect(layout.levels.slice(0, 2)).toEqual(['margin-call', 'warning']);
    expect(layout.levelVisible).toBe(true);
    await screenshot(w.page, 'trader-dashboard-1024');
    // The full column set at 1440 px.
    await w.page.setViewportSize({ width: 1440, height: 900 });
    const columns = await w.page.$$eval('[data-testid="positions-table"] thead th', (ths) =>
      ths.filter((th) => getComputedStyle(th).display !== 'none').map((th) => th.textContent?.trim() ?? ''),
    );
    expect(columns.join('|')).toMatch(/Unrealised P&L.*Size.*Entry.*Margin.*Funding/);
    expect(
      await w.page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      ),
    ).toBe(0);
    await w.page.setViewportSize({ width: 1024, height: 700 });
  });

  it('shows one browser notification per pushed alert, sounds the alarm, and the title follows a critical alert', async () => {
    const before = await recorded(w.page);
    w.api.pushAlert(
      SyntheticMonitor.alert('c1', 'critical', 'position:SYN5USDT:both', { title: 'Liquidation imminent' }),
    );
    const titleChange = await w.page.waitForFunction(() => /CRITICAL/.test(document.title), null, {
      timeout: 1000,
    });
    await titleChange.dispose();
    // An update of the same alert (no level change) is not a new notification.
    w.api.pushAlert(
      SyntheticMonitor.alert('c1', 'critical', 'position:SYN5USDT:both', { body: 'Still imminent.' }),
    );
    w.api.pushAlert(SyntheticMonitor.alert('w2', 'warning', 'position:SYN9USDT:both'));
    await w.page.waitForFunction(
      (n) =>
        (window as unknown as { __record: { notifications: unknown[] } }).__record.notifications.length >= n,
      before.notifications.length + 2,
    );
    await w.page.waitForTimeout(300);
    const after = await recorded(w.page);
    const fresh = after.notifications.slice(before.notifications.length);
    expect(fresh.map((n) => n.tag)).toEqual(['c1', 'w2']);
    expect(fresh[0]!.body).toContain('SYN5USDT');
    expect(fresh.map((n) => `${n.title} ${n.body}`).join(' ')).not.toMatch(INTERNAL_ID);
    expect(after.tones).toBeGreaterThan(before.tones);
    expect(await w.page.title()).toMatch(/^\(\d+\) CRITICAL · MarginWatch$/);
    expect(await w.page.getAttribute('link[rel="icon"]', 'data-level')).toBe('critical');
    expect(await w.page.getAttribute('link[rel="icon"]', 'href')).toMatch(/^data:image\/svg\+xml,/);
  });

  it('turns the alarm off with the visible toggle', async () => {
    await w.page.click('[data-testid="sound-toggle"]');
    expect(await w.page.getAttribute('[data-testid="sound-toggle"]', 'aria-pressed')).toBe('false');
    const before = await recorded(w.page);
    w.api.pushAlert(SyntheticMonitor.alert('w3', 'warning', 'position:SYN2USDT:both'));
    await w.page.waitForFunction(
      (n) =>
        (window as unknown as { __record: { notifications: unknown[] } }).__record.notifications.length > n,
      before.notifications.length,
    );
    expect((await recorded(w.page)).tones).toBe(before.tones);
    await w.page.click('[data-testid="sound-toggle"]');
  });

  it('toasts follow their alert, close on Escape, never cover the table, and speak plain words', async () => {
    await w.page.waitForSelector('[data-testid="toast"][data-alert="c1"]');
    expect(await w.page.textContent('[data-testid="toast"][data-alert="c1"]')).toContain('Still imminent.');
    // Not over the positions table: the toasts are in the page flow above it.
    const overlap = await w.page.evaluate(() => {
      const table = document.querySelector('[data-testid="positions-table"]')!.getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid="toast"]')].some((t) => {
        const b = t.getBoundingClientRect();
        return b.bottom > table.top && b.top < table.bottom && b.right > table.left && b.left < table.right;
      });
    });
    expect(overlap).toBe(false);
    const count = await w.page.$$eval('[data-testid="toast"]', (t) => t.length);
    await w.page.keyboard.press('Escape');
    await w.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="toast"]').length === n - 1,
      count,
    );
    // Closing the alert takes its toast away.
    w.api.pushAlert(SyntheticMonitor.alert('w2', 'warning', 'position:SYN9USDT:both', { state: 'closed' }));
    await w.page.waitForSelector('[data-testid="toast"][data-alert="w2"]', { state: 'detached' });
    expect(await w.page.evaluate(() => document.body.innerText)).not.toMatch(INTERNAL_ID);
    await w.page.evaluate(() => (location.hash = '#/alerts'));
    await w.page.waitForSelector('[data-testid="alerts-list"]');
    expect(await w.page.evaluate(() => document.body.innerText)).not.toMatch(INTERNAL_ID);
    await screenshot(w.page, 'trader-alerts-1024');
  });

  it('says plainly when a critical alert reached no channel, until it is acknowledged', async () => {
    const other = await w.browser.newPage({ viewport: { width: 1024, height: 700 } });
    await other.addInitScript(stubBrowserChannels('denied'));
    await other.goto(w.server.url);
    w.api.pushAlert(
      SyntheticMonitor.alert('c2', 'critical', 'position:SYN1USDT:both', {
        title: 'Liquidation imminent: SYN1USDT',
        deliveries: [
          {
            channel: 'os',
            status: 'failed',
            attempts: 1,
            at: new Date().toISOString(),
            detail: 'no notification server',
          },
        ],
      }),
    );
    const banner = await other.waitForSelector('[data-testid="unreached-critical"][data-alert="c2"]');
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('reached no notification channel');
    expect(text).toContain('desktop notification: not delivered: no notification server');
    expect(text).toMatch(/site settings|Settings → Notification channels/);
    expect(seriousOnly(await runAxe(other))).toEqual([]);
    await screenshot(other, 'trader-unreached-critical');
    await other.click('[data-testid="unreached-critical"][data-alert="c2"] button.ack');
    await other.waitForSelector('[data-testid="unreached-critical"][data-alert="c2"]', { state: 'detached' });
    await other.close();
  });

  it('moves focus to the view heading on Alt+1…5 and keeps radio groups one tab stop', async () => {
    await w.page.evaluate(() => (location.hash = '#/'));
    await w.page.waitForSelector('[data-testid="positions-table"]');
    await w.page.keyboard.press('Alt+2');
    await w.page.waitForFunction(
      () =>
        document.activeElement?.tagName === 'H1' && document.activeElement.textContent?.trim() === 'Alerts',
    );
    await w.page.keyboard.press('Alt+4');
    await w.page.waitForFunction(
      () =>
        document.activeElement?.tagName === 'H1' && document.activeElement.textContent?.trim() === 'History',
    );
    await w.page.keyboard.press('Alt+3');
    await w.page.waitForSelector('input[type="radio"][value="all"]');
    const names = await w.page.$$eval('input[type="radio"]', (inputs) =>
      inputs.map((i) => (i as HTMLInputElement).name),
    );
    expect(new Set(names).size).toBe(1);
    expect(names[0]).not.toBe('');
  });

  it('dims the figures and says "last update HH:MM:SS" when the service connection drops', async () => {
    await w.page.evaluate(() => (location.hash = '#/'));
    await w.page.waitForSelector('[data-testid="positions-table"] tbody tr[data-key]');
    await w.server.close();
    const banner = await w.page.waitForSelector('[data-testid="disconnected"]', { timeout: 20_000 });
    expect(await banner.textContent()).toMatch(/last update \d{2}:\d{2}:\d{2}/);
    const dimmed = await w.page.$eval(
      '[data-testid="positions-table"] td.num',
      (td) => getComputedStyle(td).fontStyle,
    );
    expect(dimmed).toBe('italic');
    await screenshot(w.page, 'trader-disconnected');
  });

  it('produced no CSP refusal or page error', () => {
    expect(w.problems).toEqual([]);
  });
});
