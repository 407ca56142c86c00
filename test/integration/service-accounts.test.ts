// Adding and removing exchange accounts through the API, against the local Binance server that checks
// real signatures and serves the key's real permission flags.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMonitor, type RunningMonitor } from '../../src/service';
import { capturedBinanceAccount } from '../servers/binance/fixtures';
import { startBinanceServer } from '../servers/binance/server';

const resourcesDir = join(import.meta.dirname, '../../resources');
const KEY = 'rk3VqN8ZxYpL0mT7sW2aH5dC9eF1gJ4bQ6uR8iO0kM2nB4vX7zA9cS1dE3fG5hJ7';
const SECRET = 'sq9WbE2rT5yU8iO1pA4sD7fG0hJ3kL6zX9cV2bN5mQ8wE1rT4yU7iO0pA3sD6fG9';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(permissions: Record<string, boolean> = {}, keyAuditIntervalMs?: number) {
  const { account, market } = capturedBinanceAccount(KEY, SECRET);
  Object.assign(account.permissions, permissions);
  const server = await startBinanceServer({ markets: [market], accounts: [account], markIntervalMs: 200 });
  cleanup.push(() => server.close());
  const dataDir = mkdtempSync(join(tmpdir(), 'mw-accounts-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const monitor: RunningMonitor = await createMonitor({
    dataDir, shell: 'headless', resourcesDir, channels: [], log: () => {}, ...(keyAuditIntervalMs ? { keyAuditIntervalMs } : {}),
  });
  cleanup.push(() => monitor.close());
  const options = { restUrl: server.baseUrl, spotUrl: server.baseUrl, wsUrl: server.wsUrl };
  return { monitor, options, dataDir, account };
}

async function waitForAccount(monitor: RunningMonitor, id: string, ready: (a: { snapshot: unknown }) => boolean) {
  for (let i = 0; i < 200; i++) {
    const state = await monitor.call('state.get', {});
    const account = state.ok ? state.result.accounts.find((a) => a.id === id) : undefined;
    if (account && ready(account)) return account;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`account ${id} never became ready`);
}

describe('accounts through the API', () => {
  it('adds a read-only key, monitors it, and removes it with its secret', async () => {
    const { monitor, options, dataDir } = await setup();
    const added = await monitor.call('accounts.add', { name: 'main', source: 'binance-usdm', options, secret: { apiKey: KEY, secret: SECRET } });
    if (!added.ok) throw new Error(added.error.message);
    expect(added.result.check.verdict).toBe('ok');
    expect(JSON.stringify(added.result)).not.toContain(SECRET);
    const id = added.result.account!.id;
    const account = await waitForAccount(monitor, id, (a) => a.snapshot !== null);
    expect(account.report?.positions[0]?.symbol).toBe('BTCUSDT');

    const duplicate = await monitor.call('accounts.add', { name: 'main', source: 'binance-usdm', options, secret: { apiKey: KEY, secret: SECRET } });
    expect(duplicate.ok ? '' : duplicate.error.message).toMatch(/name: .*already exists/);

    // Price history of the account reaches the current minute.
    const prices = await monitor.call('prices.query', { accountId: id, symbol: 'BTCUSDT', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    if (!prices.ok) throw new Error(prices.error.message);
    expect(Math.floor(Date.now() / 60_000) * 60_000 - Date.parse(prices.result.candles.at(-1)!.at)).toBeLessThanOrEqual(60_000);

    const events: string[] = [];
    monitor.subscribe((e) => e.type === 'account-removed' && events.push(e.accountId));
    const removed = await monitor.call('accounts.remove', { accountId: id });
    expect(removed).toEqual({ ok: true, result: { removed: true } });
    expect(events).toEqual([id]);
    const after = await monitor.call('state.get', {});
    expect(after.ok && after.result.accounts.some((a) => a.id === id)).toBe(false);

    await monitor.close();
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('marginwatch.sqlite'))) {
      expect(readFileSync(join(dataDir, file)).includes(Buffer.from(SECRET)), file).toBe(false);
    }
  });

  it("keeps a real account's volatility apart from the demo's replayed tape of the same symbol", async () => {
    // The demo (on by default) replays BTCUSDT of May 2021; the stand-in serves no mark history and a
    // steady mark. Shared by symbol, the real account would inherit the demo's crash-day σ (and every
    // gap between the two price sources would read as a move).
    const { monitor, options } = await setup();
    const added = await monitor.call('accounts.add', { name: 'main', source: 'binance-usdm', options, secret: { apiKey: KEY, secret: SECRET } });
    if (!added.ok) throw new Error(added.error.message);
    const id = added.result.account!.id;
    const btcSubject = (a: { danger?: { subjects: { symbol: string; sigmaDistance1h: number | null }[] } | null }) =>
      a.danger?.subjects.find((s) => s.symbol === 'BTCUSDT');
    const demo = await waitForAccount(monitor, 'demo', (a) => (btcSubject(a as never)?.sigmaDistance1h ?? null) !== null);
    expect(btcSubject(demo as never)?.sigmaDistance1h).toBeGreaterThan(0);
    const real = await waitForAccount(monitor, id, (a) => btcSubject(a as never) !== undefined);
    expect(real.report?.positions[0]?.symbol).toBe('BTCUSDT');
    // No history of its own market yet: no σ-distance (the forecast falls back to its conservative σ).
    expect(btcSubject(real as never)?.sigmaDistance1h).toBeNull();
  });

  it('refuses a wrong secret and a withdrawal-enabled key, and warns on a trading key', async () => {
    const wrong = await setup();
    const invalid = await wrong.monitor.call('accounts.add', { name: 'x', source: 'binance-usdm', options: wrong.options, secret: { apiKey: KEY, secret: 'not-the-secret' } });
    if (!invalid.ok) throw new Error(invalid.error.message);
    expect(invalid.result).toMatchObject({ account: null, check: { verdict: 'invalid' } });

    const withdraw = await setup({ enableWithdrawals: true });
    const refused = await withdraw.monitor.call('accounts.add', { name: 'w', source: 'binance-usdm', options: withdraw.options, secret: { apiKey: KEY, secret: SECRET } });
    if (!refused.ok) throw new Error(refused.error.message);
    expect(refused.result).toMatchObject({ account: null, check: { verdict: 'refuse-withdraw' } });
    const state = await withdraw.monitor.call('state.get', {});
    expect(state.ok && state.result.accounts.map((a) => a.id)).toEqual(['demo']);

    const trading = await setup({ enableFutures: true });
    const warned = await trading.monitor.call('accounts.add', { name: 't', source: 'binance-usdm', options: trading.options, secret: { apiKey: KEY, secret: SECRET } });
    if (!warned.ok) throw new Error(warned.error.message);
    expect(warned.result.check.verdict).toBe('warn-trading');
    expect(warned.result.account).not.toBeNull();
  });

  it('warns when a key added read-only later gains withdrawal rights', async () => {
    const { monitor, options, account } = await setup({}, 200);
    const added = await monitor.call('accounts.add', { name: 'main', source: 'binance-usdm', options, secret: { apiKey: KEY, secret: SECRET } });
    if (!added.ok || !added.result.account) throw new Error('not added');
    const id = added.result.account.id;
    const permissionAlert = async () => {
      const list = await monitor.call('alerts.list', { state: 'all', accountId: id });
      return list.ok ? list.result.find((a) => a.subject === 'system:key-permissions' && a.state !== 'closed') : undefined;
    };
    await new Promise((r) => setTimeout(r, 800)); // a few audit passes with unchanged permissions
    expect(await permissionAlert()).toBeUndefined();

    account.permissions.enableWithdrawals = true; // changed on the exchange after it was added
    let alert;
    for (let i = 0; i < 100 && !alert; i++) {
      await new Promise((r) => setTimeout(r, 50));
      alert = await permissionAlert();
    }
    expect(alert).toMatchObject({ kind: 'system', level: 'warning' });
    expect(alert!.body).toMatch(/withdrawals enabled/);
  });
});
