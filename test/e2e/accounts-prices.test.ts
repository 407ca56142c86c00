// Settings → add / remove exchange accounts against the local Binance USDⓈ-M server through the real
// headless service, and the account detail's candle chart against prices.query. Also proves the key
// never comes back: not in the DOM, not in any WebSocket frame from the server, not in the SQLite files.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_1M } from '../fixtures';
import { capturedBinanceAccount, klinesFromCsv } from '../servers/binance/fixtures';
import { startBinanceServer, type BinanceTestServer } from '../servers/binance/server';
import type { BinanceAccountState } from '../servers/binance/state';
import { ApiClient } from './support/api-client';
import { launchChromium, runAxe, screenshot, seriousOnly, watchPageProblems } from './support/browser';
import { startHeadless, type RunningHeadless } from './support/headless-process';
import { VENUE_CATALOG, type VenueDescriptor } from '../../src/venues/catalog';

// Distinct, recognisable credentials per key kind (64 characters, like Binance's).
const cred = (tag: string) => ({
  apiKey: `${tag}K`.padEnd(64, 'k').replace(/[^A-Za-z0-9]/g, 'x'),
  secret: `${tag}S`.padEnd(64, 's').replace(/[^A-Za-z0-9]/g, 'y') + 'Q7',
});
const READ_ONLY = cred('ReadOnly');
const TRADING = cred('TradingOn');
const WITHDRAW = cred('WithdrawOn');
const WRONG_SECRET = 'WrongSecretWrongSecretWrongSecretWrongSecretWrongSecretWrongZZ';
const ALL_SECRETS = [READ_ONLY.secret, TRADING.secret, WITHDRAW.secret, WRONG_SECRET];

/** Real 1-minute BTCUSDT perp candles, moved to end at the current minute and scaled to the account's mark. */
function recentKlines(markPrice: string, minutes: number): Array<[number, string, string, string, string]> {
  const rows = klinesFromCsv(MARKET_1M.BTCUSDT, minutes);
  const lastClose = Number(rows[rows.length - 1]![4]);
  const scale = Number(markPrice) / lastClose;
  const lastMinute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
  const shift = lastMinute - rows[rows.length - 1]![0];
  const px = (s: string) => (Number(s) * scale).toFixed(2);
  return rows.map(([t, o, h, l, c]) => [t + shift, px(o), px(h), px(l), px(c)]);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

describe('accounts in Settings and the price chart (local Binance server)', () => {
  let dataDir: string;
  let binance: BinanceTestServer;
  let service: RunningHeadless;
  let api: ApiClient;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const framesFromServer: string[] = [];
  let mainId = '';

  beforeAll(async () => {
    const readOnly = capturedBinanceAccount(READ_ONLY.apiKey, READ_ONLY.secret);
    const trading = capturedBinanceAccount(TRADING.apiKey, TRADING.secret).account;
    trading.permissions = { ...trading.permissions, enableFutures: true };
    const withdraw = capturedBinanceAccount(WITHDRAW.apiKey, WITHDRAW.secret).account;
    withdraw.permissions = { ...withdraw.permissions, enableWithdrawals: true };
    const accounts: BinanceAccountState[] = [readOnly.account, trading, withdraw];
    binance = await startBinanceServer({
      markets: [readOnly.market],
      accounts,
      // Marks stream every 500 ms but keep their price unless a test moves it.
      markIntervalMs: 500,
      klines: { BTCUSDT: recentKlines(readOnly.market.markPrice, 360) },
    });
    dataDir = mkdtempSync(join(tmpdir(), 'mw-e2e-accounts-'));
    service = await startHeadless({ dataDir, demoSpeed: 0.001, env: { MARGINWATCH_NO_KEYRING: '1' } });
    api = await ApiClient.connect(service.origin, service.token);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    problems = watchPageProblems(page);
    page.on('websocket', (ws) => ws.on('framereceived', (f) => framesFromServer.push(String(f.payload))));
    await page.goto(service.url);
    await page.waitForSelector('[data-account="demo"]');
  });

  afterAll(async () => {
    await browser?.close();
    api?.close();
    if (service) expect(await service.stop()).toBe(0);
    await binance?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function addAccount(name: string, key: { apiKey: string; secret: string }, verdict: string) {
    // Through the dashboard, so Settings opens with a fresh form (no earlier verdict on screen).
    await page.evaluate(() => (location.hash = '#/'));
    await page.waitForSelector('[data-account="demo"]');
    await page.evaluate(() => (location.hash = '#/settings'));
    await page.waitForSelector('[data-testid="add-account-form"]');
    await page.fill('[data-testid="add-name"]', name);
    await page.selectOption('[data-testid="add-source"]', 'binance-usdm');
    await page.click('[data-testid="add-account-form"] summary');
    await page.fill('[data-testid="add-option-restUrl"]', binance.baseUrl);
    await page.fill('[data-testid="add-option-spotUrl"]', binance.baseUrl);
    await page.fill('[data-testid="add-option-wsUrl"]', binance.wsUrl);
    await page.fill('[data-testid="add-apikey"]', key.apiKey);
    await page.fill('[data-testid="add-secret"]', key.secret);
    await page.click('[data-testid="add-submit"]');
    await page.waitForSelector(`[data-testid="add-result"][data-verdict="${verdict}"]`, { timeout: 30_000 });
    // The secret never stays in the form once sent. After a refusal everything else typed is kept (the
    // trader re-enters only the secret) and focus is on the secret; after a success the form is empty.
    expect(await page.inputValue('[data-testid="add-secret"]')).toBe('');
    if (verdict === 'ok' || verdict === 'warn-trading') {
      expect(await page.inputValue('[data-testid="add-apikey"]')).toBe('');
    } else {
      expect(await page.inputValue('[data-testid="add-apikey"]')).toBe(key.apiKey);
      expect(await page.inputValue('[data-testid="add-name"]')).toBe(name);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('add-secret');
    }
    return (await page.textContent('[data-testid="add-result"]')) ?? '';
  }

  async function accountNamed(name: string) {
    return (await api.call('state.get', {})).accounts.find((a) => a.name === name);
  }

  it('adds a read-only key; the account shows on the dashboard with its positions', async () => {
    const text = await addAccount('Binance main', READ_ONLY, 'ok');
    expect(text).toContain('Added “Binance main”');
    const added = await accountNamed('Binance main');
    expect(added?.source).toBe('binance-usdm');
    mainId = added!.id;
    await page.evaluate(() => (location.hash = '#/'));
    await page.waitForSelector(`[data-account="${mainId}"] [data-field="equity"]`, { timeout: 30_000 });
    const row = `[data-testid="positions-table"] tr[data-key="${mainId}/BTCUSDT/both"]`;
    await page.waitForSelector(row, { timeout: 30_000 });
    const view = (await accountNamed('Binance main'))!;
    expect(await page.getAttribute(`${row} [data-field="markPrice"]`, 'data-raw')).toBe(
      view.snapshot!.positions[0]!.markPrice,
    );
    await screenshot(page, 'accounts-added-dashboard');
  });

  it('adds a trading-enabled key with a loud warning', async () => {
    const text = await addAccount('Binance trading', TRADING, 'warn-trading');
    expect(text).toContain('TRADING IS ENABLED');
    expect(await page.isVisible('[data-testid="add-result"][data-verdict="warn-trading"]')).toBe(true);
    expect(await accountNamed('Binance trading')).toBeDefined();
    await screenshot(page, 'accounts-trading-warning');
    expect(seriousOnly(await runAxe(page))).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'accounts-trading-warning-dark');
    expect(seriousOnly(await runAxe(page))).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('refuses a withdraw-enabled key with its message and adds nothing', async () => {
    const text = await addAccount('Binance withdraw', WITHDRAW, 'refuse-withdraw');
    expect(text).toContain('Not added');
    expect(text).toMatch(/WITHDRAW/);
    expect(await page.isVisible('[data-testid="add-allow-withdraw"]')).toBe(true);
    expect(await accountNamed('Binance withdraw')).toBeUndefined();
    await screenshot(page, 'accounts-withdraw-refused');
  });

  it('adds a withdraw-enabled key only after the explicit override and a confirmation', async () => {
    await addAccount('Binance withdraw', WITHDRAW, 'refuse-withdraw');
    await page.check('[data-testid="add-allow-withdraw"]');
    await page.fill('[data-testid="add-apikey"]', WITHDRAW.apiKey);
    await page.fill('[data-testid="add-secret"]', WITHDRAW.secret);
    await page.click('[data-testid="add-submit"]');
    expect(await page.textContent('[data-testid="confirm-withdraw"]')).toContain('can withdraw funds');
    expect(await accountNamed('Binance withdraw')).toBeUndefined(); // nothing sent before "yes"
    await page.click('[data-testid="confirm-withdraw-yes"]');
    await page.waitForSelector('[data-testid="add-result"]:has-text("Added by override")', {
      timeout: 30_000,
    });
    expect(await page.inputValue('[data-testid="add-secret"]')).toBe('');
    expect(await accountNamed('Binance withdraw')).toBeDefined();
  });

  it('names the field of a malformed entry before asking the service', async () => {
    await page.evaluate(() => (location.hash = '#/'));
    await page.waitForSelector('[data-account="demo"]');
    await page.evaluate(() => (location.hash = '#/settings'));
    // The form links to the chosen exchange's key page from the venue catalog, opened outside the app.
    for (const venue of VENUE_CATALOG as readonly VenueDescriptor[]) {
      await page.selectOption('[data-testid="add-source"]', venue.id);
      const link = page.locator('[data-testid="add-key-page"]');
      if (!venue.keyPage) {
        expect(await link.count(), venue.id).toBe(0);
        continue;
      }
      expect(await link.getAttribute('href'), venue.id).toBe(venue.keyPage);
      expect(await link.getAttribute('rel'), venue.id).toContain('noopener');
    }
    await page.selectOption('[data-testid="add-source"]', 'binance-usdm');
    await page.fill('[data-testid="add-name"]', 'Typo');
    await page.fill('[data-testid="add-apikey"]', READ_ONLY.apiKey);
    await page.fill('[data-testid="add-secret"]', READ_ONLY.secret);
    await page.click('[data-testid="add-account-form"] summary');
    await page.fill('[data-testid="add-option-restUrl"]', 'fapi.binance.com');
    await page.click('[data-testid="add-submit"]');
    await page.waitForSelector('[data-testid="add-problem"][data-field="restUrl"]');
    expect(await page.getAttribute('[data-testid="add-option-restUrl"]', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('add-account-restUrl');
    expect(await accountNamed('Typo')).toBeUndefined();
    // Not sent, so the key is still in the form for the corrected attempt; leave it empty for the DOM check.
    await page.fill('[data-testid="add-apikey"]', '');
    await page.fill('[data-testid="add-secret"]', '');
  });

  it('says "invalid" for a wrong secret and adds nothing', async () => {
    const text = await addAccount(
      'Binance wrong',
      { apiKey: READ_ONLY.apiKey, secret: WRONG_SECRET },
      'invalid',
    );
    expect(text).toContain('Not added');
    expect(await accountNamed('Binance wrong')).toBeUndefined();
  });

  it('removes an account after confirmation; it disappears from the dashboard', async () => {
    const trading = (await accountNamed('Binance trading'))!;
    const opener = `[data-account-row="${trading.id}"] [data-testid="remove-account"]`;
    // The confirmation is a modal dialog: focus starts inside, Tab stays inside, Escape closes it and
    // focus returns to the button that opened it.
    await page.click(opener);
    await page.waitForSelector('[data-testid="remove-dialog"][open]');
    expect(await page.textContent('[data-testid="remove-dialog"]')).toContain(
      'erases the stored key; its history stays',
    );
    const inDialog = () =>
      page.evaluate(() => !!document.activeElement?.closest('[data-testid="remove-dialog"]'));
    expect(await inDialog()).toBe(true);
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await inDialog(), `focus after ${i + 1} Tab(s)`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="remove-dialog"]:not([open])', { state: 'attached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'remove-account',
    );
    await page.click(opener);
    await page.click('[data-testid="remove-dialog"] [data-testid="confirm-remove"]');
    await page.waitForSelector(`[data-account-row="${trading.id}"]`, { state: 'detached' });
    expect(await accountNamed('Binance trading')).toBeUndefined();
    await page.evaluate(() => (location.hash = '#/'));
    await page.waitForSelector(`[data-account="${mainId}"]`);
    expect(await page.$(`[data-account="${trading.id}"]`)).toBeNull();
    // A late event from the removed account must not bring it back.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await page.$(`[data-account="${trading.id}"]`)).toBeNull();
    await screenshot(page, 'accounts-removed');
  });

  it('never shows, sends back or stores a secret in readable form', async () => {
    const dom = await page.evaluate(
      () =>
        document.documentElement.outerHTML +
        [...document.querySelectorAll('input')].map((i) => (i as HTMLInputElement).value).join('\n'),
    );
    for (const secret of ALL_SECRETS) {
      expect(dom.includes(secret), 'secret in DOM').toBe(false);
      expect(
        framesFromServer.some((f) => f.includes(secret)),
        'secret in a server frame',
      ).toBe(false);
    }
    expect(framesFromServer.length).toBeGreaterThan(0);
    const files = filesUnder(dataDir);
    expect(files.some((f) => /\.(db|sqlite3?)$/.test(f))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of [...ALL_SECRETS, READ_ONLY.apiKey, TRADING.apiKey]) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret.slice(0, 8)}… in ${file}`).toBe(false);
      }
    }
  });

  it('keeps the detail chart moving with live marks', async () => {
    await page.evaluate((id) => (location.hash = `#/account/${encodeURIComponent(id)}`), mainId);
    await page.waitForSelector('[data-testid="price-chart"]:not([data-drawn-candles="-1"])', {
      timeout: 30_000,
    });
    const before = Number(await page.getAttribute('[data-testid="price-chart"]', 'data-last-close'));
    const moved = (Math.round(before * 1.003 * 10) / 10).toFixed(1);
    binance.setMarkPrice('BTCUSDT', moved);
    await page.waitForSelector(`[data-testid="price-chart"][data-last-close="${Number(moved)}"]`, {
      timeout: 30_000,
    });
    binance.setMarkPrice('BTCUSDT', String(before));
  });

  it('draws the candles prices.query returns, with the liquidation line at the report price', async () => {
    // Offline from here on: the venue is gone, the chart must come from the local history, and no
    // new data can change it between the UI's query and ours.
    await binance.close();
    await page.evaluate(() => (location.hash = '#/'));
    await page.waitForSelector('[data-account="demo"]');
    await page.evaluate((id) => (location.hash = `#/account/${encodeURIComponent(id)}`), mainId);
    await page.waitForSelector('[data-testid="price-chart"]:not([data-drawn-candles="-1"])', {
      timeout: 30_000,
    });
    const range = await page.$eval('[data-testid="price-range"]', (el) => ({
      ...(el as HTMLElement).dataset,
    }));
    const drawn = await page.$eval('[data-testid="price-chart"]', (el) => ({
      ...(el as HTMLElement).dataset,
    }));
    const direct = await api.call('prices.query', {
      accountId: mainId,
      symbol: range.symbol!,
      from: range.from!,
      to: range.to!,
      maxPoints: 360,
    });
    expect(direct.candles.length).toBeGreaterThan(100); // the venue's backfill reached the history
    expect(Number(drawn.drawnCandles)).toBe(direct.candles.length);
    expect(Number(drawn.lastClose)).toBe(Number(direct.candles[direct.candles.length - 1]!.close));

    const report = (await api.call('state.get', {})).accounts.find((a) => a.id === mainId)!.report!;
    const liquidation = report.positions.find((p) => p.symbol === range.symbol)!.liquidationPrice;
    const lines = await page.$$eval('[data-testid="price-lines"] li', (items) =>
      items.map((li) => ({
        tone: (li as HTMLElement).dataset.tone,
        price: Number((li as HTMLElement).dataset.price),
      })),
    );
    expect(lines.find((l) => l.tone === 'liquidation')?.price).toBe(Number(liquidation));
    expect(lines.some((l) => l.tone === 'entry')).toBe(true);
    await screenshot(page, 'account-detail-candles');
    expect(seriousOnly(await runAxe(page))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
