// Collateral endpoints through the local exchange servers (issue 16): the servers serve the documented
// shapes, the pure readers turn them (with the account payloads) into collateral[], and the engine
// values them — Binance Multi-Assets, Bybit UTA, OKX multi-currency.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../fixtures';
import { computeMarginReport, parseSnapshot } from '../../../src/domain/margin';
import { createVenueSession } from '../../../src/venues/exchanges';
import { FAST } from './binanceHarness';
import type { AccountSnapshot } from '../../../src/domain/contracts';
import type { VenueSession } from '../../../src/venues/types';
import { binanceMultiAssetsCollateral } from '../../../src/venues/exchanges/binance/collateral';
import { bybitUtaCollateral } from '../../../src/venues/exchanges/bybit/collateral';
import { okxMultiCurrencyCollateral } from '../../../src/venues/exchanges/okx/collateral';
import { capturedAssetIndex, capturedBinanceAccount, syntheticBinanceAccount } from '../../servers/binance/fixtures';
import { startBinanceServer, type BinanceTestServer } from '../../servers/binance/server';
import { bybitMarket, capturedBybitAccount } from '../../servers/bybit/fixtures';
import { startBybitServer, type BybitTestServer } from '../../servers/bybit/server';
import { capturedOkxAccount, okxMarket } from '../../servers/okx/fixtures';
import { startOkxServer, type OkxTestServer } from '../../servers/okx/server';

type Row = Record<string, unknown>;
const docs = readFixtureJson<Record<string, unknown>>('collateral', 'venue-collateral-docs-examples.json');

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
});

async function getJson(url: string, headers: Record<string, string> = {}): Promise<Row> {
  const res = await fetch(url, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Row;
}

/** A REST-polled session against a local server, stopped after the test. */
function polledSession(
  source: 'binance-usdm' | 'okx',
  restUrl: string,
  secret: { apiKey: string; secret: string; passphrase?: string },
  options: Record<string, string> = {},
): VenueSession {
  const session = createVenueSession({ id: source, name: source, source, options: { restUrl, wsUrl: 'off', ...options } }, secret, { tuning: FAST });
  closers.push(() => session.stop());
  return session;
}

const snapshotWith = (over: Partial<AccountSnapshot>): AccountSnapshot => {
  const parsed = parseSnapshot({
    schema: 'marginwatch.snapshot/1',
    venue: 'binance-usdm',
    asOf: '2024-07-28T10:06:06.529Z',
    positionMode: 'oneway',
    settleAsset: 'USDT',
    crossWalletBalance: '0',
    positions: [],
    ...over,
  });
  if (!parsed.ok) throw new Error(`${parsed.error.path}: ${parsed.error.reason}`);
  return parsed.value;
};

describe('collateral endpoints on the local servers', () => {
  it('Binance: signed /fapi/v2/account + public /fapi/v1/assetIndex → USDC collateral at its bid rate', async () => {
    const { account, market } = capturedBinanceAccount('bnKey', 'bnSecret');
    const usdc = {
      symbol: 'USDCUSD',
      time: 1722161166529,
      index: '0.99993876',
      bidBuffer: '0.00010000',
      askBuffer: '0.00010000',
    };
    const server: BinanceTestServer = await startBinanceServer({
      markets: [market],
      accounts: [account],
      assetIndex: [...(docs.binanceAssetIndex as Row[]), usdc],
    });
    closers.push(() => server.close());
    const index = (await getJson(`${server.baseUrl}/fapi/v1/assetIndex`)) as unknown as Row[];
    expect(index.map((r) => r.symbol)).toEqual(['ADAUSD', 'USDCUSD']);
    const one = await getJson(`${server.baseUrl}/fapi/v1/assetIndex?symbol=ADAUSD`);
    expect(one.bidRate).toBe('1.73661633');
    const query = `timestamp=${Date.now()}`;
    const signature = createHmac('sha256', 'bnSecret').update(query).digest('hex');
    const acct = await getJson(`${server.baseUrl}/fapi/v2/account?${query}&signature=${signature}`, {
      'X-MBX-APIKEY': 'bnKey',
    });
    const read = binanceMultiAssetsCollateral(acct, index)!;
    expect(read.crossWalletBalance).toBe('3.72964781');
    const report = computeMarginReport(
      snapshotWith({ crossWalletBalance: read.crossWalletBalance, collateral: read.collateral }),
    );
    // 3.72964781 + 22 × 0.99993876 × (1 − 0.0001) = 25.72610066 (8 dp, truncated). The USDC index row is a
    // constructed value (the real one at that instant was not captured): Binance's total was 25.72610060.
    expect(report.account.walletBalance).toBe('25.72610066');
    expect(report.account.collateral?.[0]).toMatchObject({
      asset: 'USDC',
      linkedSymbol: null,
      haircut: '0.0001',
    });
  });

  it('Bybit: public tiers + signed wallet-balance and collateral-info → tiered BTC collateral', async () => {
    const account = capturedBybitAccount('byKey', 'bySecret');
    account.collateralInfo = [
      { currency: 'BTC', collateralSwitch: true, marginCollateral: true, collateralRatio: '0.85' },
    ];
    const server: BybitTestServer = await startBybitServer({
      accounts: [account],
      ...bybitMarket(),
      collateralRatios: docs.bybitCollateral as Row[],
    });
    closers.push(() => server.close());
    const tiers = (
      (await getJson(`${server.baseUrl}/v5/spot-margin-trade/collateral?currency=BTC`)).result as Row
    ).list as Row[];
    const signed = async (p: string, query = ''): Promise<Row> => {
      const ts = String(Date.now());
      const sign = createHmac('sha256', 'bySecret').update(`${ts}byKey5000${query}`).digest('hex');
      const body = await getJson(`${server.baseUrl}${p}${query ? `?${query}` : ''}`, {
        'X-BAPI-API-KEY': 'byKey',
        'X-BAPI-TIMESTAMP': ts,
        'X-BAPI-RECV-WINDOW': '5000',
        'X-BAPI-SIGN': sign,
      });
      expect(body.retCode).toBe(0);
      return body.result as Row;
    };
    const wallet = ((await signed('/v5/account/wallet-balance', 'accountType=UNIFIED')).list as Row[])[0]!;
    const info = (await signed('/v5/account/collateral-info')).list as Row[];
    const collateral = bybitUtaCollateral(wallet, tiers, info);
    const report = computeMarginReport(snapshotWith({ venue: 'bybit', settleAsset: 'USD', collateral }));
    // Docs examples: 0.805994 BTC worth 12,920.95352538 USD counted at 0.85.
    expect(Math.abs(Number(report.account.walletBalance) - 12920.95352538 * 0.85)).toBeLessThan(1e-6);
  });

  it('OKX: public discount-rate tiers + the account balance → BTC counted at its discounted equity', async () => {
    const account = capturedOkxAccount('okKey', 'okSecret', 'okPass');
    account.balance = docs.okxBalance as Row;
    const server: OkxTestServer = await startOkxServer({
      accounts: [account],
      ...okxMarket(),
      discounts: docs.okxDiscount as Row[],
    });
    closers.push(() => server.close());
    const body = await getJson(`${server.baseUrl}/api/v5/public/discount-rate-interest-free-quota?ccy=BTC`);
    expect(body.code).toBe('0');
    const collateral = okxMultiCurrencyCollateral(account.balance, body.data as Row[]);
    const report = computeMarginReport(
      snapshotWith({ venue: 'okx', collateral: collateral.filter((c) => c.asset === 'BTC') }),
    );
    expect(report.account.walletBalance).toBe('1785000');
  });

  it('Bybit reader (linear UTA): the session snapshot carries the tiered coins instead of the USD total', async () => {
    const account = capturedBybitAccount('byKey', 'bySecret');
    account.positions = [];
    account.collateralInfo = [{ currency: 'BTC', collateralSwitch: true, marginCollateral: true }];
    const server: BybitTestServer = await startBybitServer({
      accounts: [account],
      ...bybitMarket(),
      collateralRatios: docs.bybitCollateral as Row[],
    });
    closers.push(() => server.close());
    const session = createVenueSession(
      {
        id: 'by',
        name: 'by',
        source: 'bybit',
        options: { restUrl: server.baseUrl, wsUrl: 'off', category: 'linear', settleCoin: 'USDT' },
      },
      { apiKey: 'byKey', secret: 'bySecret' },
      { tuning: FAST },
    );
    closers.push(() => session.stop());
    const snap = await session.fetchSnapshot();
    expect(snap.crossWalletBalance).toBe('0');
    expect(snap.collateral?.[0]).toMatchObject({ asset: 'BTC', amount: '0.805994', tierBasis: 'amount' });
    expect(server.requests.some((r) => r.path === '/v5/account/collateral-info')).toBe(true);
  });

  it('Binance session (Multi-Assets): collateral[] at the asset index with its haircut, the index read once per minute', async () => {
    const { account, market } = capturedBinanceAccount('bnKey', 'bnSecret');
    const server = await startBinanceServer({ markets: [market], accounts: [account], assetIndex: capturedAssetIndex() });
    closers.push(() => server.close());
    const session = polledSession('binance-usdm', server.baseUrl, { apiKey: 'bnKey', secret: 'bnSecret' }, { spotUrl: server.baseUrl });
    const snap = await session.fetchSnapshot();
    expect(snap.crossWalletBalance).toBe('3.72964781');
    expect(snap.collateral).toEqual([{ asset: 'USDC', amount: '22', price: '0.99993876', haircut: '0.0001' }]);
    const report = computeMarginReport(snap);
    // 3.72964781 + 22 × 0.99993876 × (1 − 0.0001): the haircut, not Binance's USD total, sets the balance.
    expect(report.account.walletBalance).toBe('25.72610066');
    const noHaircut = computeMarginReport({ ...snap, collateral: [{ ...snap.collateral![0]!, haircut: '0' }] });
    expect(Number(noHaircut.account.marginBalance) - Number(report.account.marginBalance)).toBeCloseTo(22 * 0.99993876 * 0.0001, 7);
    await session.fetchSnapshot();
    const indexReads = server.requests.filter((r) => r.path === '/fapi/v1/assetIndex');
    expect(indexReads).toHaveLength(1);
    expect(indexReads[0]!.weight).toBe(10);
  });

  it('Binance session (single-asset): no assetIndex call and no collateral[]', async () => {
    const { account, markets } = syntheticBinanceAccount('bnKey', 'bnSecret', 1);
    account.assets.push({ ...account.assets[0]!, asset: 'USDC', crossWalletBalance: '50', walletBalance: '50' });
    const server = await startBinanceServer({ markets, accounts: [account] });
    closers.push(() => server.close());
    const session = polledSession('binance-usdm', server.baseUrl, { apiKey: 'bnKey', secret: 'bnSecret' }, { spotUrl: server.baseUrl });
    const snap = await session.fetchSnapshot();
    expect(snap.crossWalletBalance).toBe('100000');
    expect(snap.collateral).toBeUndefined();
    expect(server.requests.some((r) => r.path === '/fapi/v1/assetIndex')).toBe(false);
  });

  it('OKX session (multi-currency, acctLv 3): every currency is collateral with its discount tiers', async () => {
    const account = capturedOkxAccount('okKey', 'okSecret', 'okPass');
    account.acctLv = '3';
    account.positions = [];
    account.balance = docs.okxBalance as Row;
    const server = await startOkxServer({ accounts: [account], ...okxMarket(), discounts: docs.okxDiscount as Row[] });
    closers.push(() => server.close());
    const session = polledSession('okx', server.baseUrl, { apiKey: 'okKey', secret: 'okSecret', passphrase: 'okPass' });
    const snap = await session.fetchSnapshot();
    expect(snap.crossWalletBalance).toBe('0');
    expect(snap.collateral?.map((c) => c.asset)).toEqual(['BTC', 'USDT']);
    expect(snap.collateral?.[0]).toMatchObject({ amount: '30', price: '60000', tierBasis: 'amount' });
    const report = computeMarginReport(snap);
    // BTC: 20 × 60000 × 1 + 10 × 60000 × 0.975 = 1,785,000; USDT (no discount row): 50,005 USD.
    expect(report.account.walletBalance).toBe('1835005');
    await session.fetchSnapshot();
    expect(server.requests.filter((r) => r.path === '/api/v5/public/discount-rate-interest-free-quota')).toHaveLength(1);
  });

  it('OKX session (single-currency, acctLv 2): no discount-rate call, the settle cash stays the cross wallet', async () => {
    const account = capturedOkxAccount('okKey', 'okSecret', 'okPass');
    const server = await startOkxServer({ accounts: [account], ...okxMarket(), discounts: docs.okxDiscount as Row[] });
    closers.push(() => server.close());
    const session = polledSession('okx', server.baseUrl, { apiKey: 'okKey', secret: 'okSecret', passphrase: 'okPass' });
    const snap = await session.fetchSnapshot();
    expect(snap.collateral).toBeUndefined();
    expect(server.requests.some((r) => r.path === '/api/v5/public/discount-rate-interest-free-quota')).toBe(false);
  });
});
