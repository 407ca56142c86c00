// Binance USDⓈ-M over CCXT against the local server: the normalised snapshot carries exactly the
// decimal strings of the captured real payloads, and mark history pages through klines.
import Decimal from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { accountSnapshotSchema } from '../../../src/domain/contracts';
import { MARKET_1M, readFixtureJson } from '../../fixtures';
import { klinesFromCsv } from '../../servers/binance/fixtures';
import { startHarness, type Harness } from './binanceHarness';

const capturedRisk = readFixtureJson<{ responses: { liquidationPrice: string }[][] }>('captured/binance_um_positionRisk_v3_BTCUSDT_cross_ccxt.json').responses[0]![0]!;
const capturedAccount = readFixtureJson<{ totalCrossWalletBalance: string }>('captured/binance_um_account_v2_multiassets_ccxt.json');
const capturedBrackets = readFixtureJson<{ brackets: Record<'notionalFloor' | 'notionalCap' | 'maintMarginRatio' | 'cum' | 'initialLeverage', string>[] }>('brackets/binance_um_BTCUSDT_2024-10.json').brackets;

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('Binance USDⓈ-M snapshot', () => {
  it('normalises the captured account exactly', async () => {
    h = await startHarness();
    const snap = await h.session.fetchSnapshot();
    expect(accountSnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap.venue).toBe('binance-usdm');
    expect(snap.positionMode).toBe('oneway');
    expect(snap.settleAsset).toBe('USDT');
    // Multi-Assets: the USDT wallet stays the cross wallet, the 22 USDC become collateral at the
    // asset index with its bid buffer (the index row is constructed: see capturedAssetIndex).
    expect(snap.crossWalletBalance).toBe('3.72964781');
    expect(snap.collateral).toHaveLength(1);
    expect(snap.collateral![0]).toMatchObject({ asset: 'USDC', amount: '22', price: '0.99993876', haircut: '0.0001' });
    const wallet = new Decimal(snap.crossWalletBalance).plus(new Decimal('22').times('0.99993876').times('0.9999'));
    expect(wallet.minus(capturedAccount.totalCrossWalletBalance).abs().lte('0.0000001')).toBe(true);
    expect(snap.positions).toHaveLength(1);
    const p = snap.positions[0]!;
    expect(p).toMatchObject({
      symbol: 'BTCUSDT',
      contractType: 'linear',
      marginMode: 'cross',
      positionSide: 'both',
      side: 'long',
      size: '0.009',
      contractSize: '1',
      entryPrice: '67445.9',
      markPrice: '67502.68519858',
      leverage: '80',
      fundingRate: '0.0001',
      nextFundingTime: '2024-07-28T16:00:00.000Z',
      tickSize: '0.1',
      lotSize: '0.001',
    });
    expect(p.reported).toEqual({
      liquidationPrice: '64846.9875379',
      maintenanceMargin: '2.43009666',
      initialMargin: '7.59405208',
      unrealizedPnl: '0.51106678',
    });
    expect(new Decimal(p.reported!.liquidationPrice!).eq(capturedRisk.liquidationPrice)).toBe(true);
    // The account's own bracket table, every row, exact (the server sends them as bare JSON numbers).
    expect(p.tiers).toHaveLength(capturedBrackets.length);
    p.tiers!.forEach((tier, i) => {
      const b = capturedBrackets[i]!;
      expect(new Decimal(tier.floor).eq(b.notionalFloor) && new Decimal(tier.cap).eq(b.notionalCap)).toBe(true);
      expect(new Decimal(tier.maintenanceRate).eq(b.maintMarginRatio) && new Decimal(tier.maintenanceAmount).eq(b.cum)).toBe(true);
      expect(tier.maxLeverage).toBe(b.initialLeverage);
    });
    expect(p.tiers![2]).toEqual({ floor: '600000', cap: '3000000', maintenanceRate: '0.0065', maintenanceAmount: '950', maxLeverage: '75' });
  });

  it('reads hedge mode and a short leg from the docs example rows', async () => {
    h = await startHarness();
    const account = h.server.account(h.client.exchange.apiKey);
    account.positions[0]!.positionSide = 'SHORT';
    account.positions[0]!.positionAmt = '-0.009';
    const snap = await h.session.fetchSnapshot();
    expect(snap.positionMode).toBe('hedge');
    expect(snap.positions[0]).toMatchObject({ positionSide: 'short', side: 'short', size: '0.009' });
  });

  it('backfills 1-minute mark candles across pages, oldest first', async () => {
    const rows = klinesFromCsv(MARKET_1M.BTCUSDT, 2500);
    h = await startHarness({ server: { klines: { BTCUSDT: rows } } });
    const from = rows[10]![0];
    const to = rows[2400]![0];
    const candles = await h.session.markHistory('BTCUSDT', from, to);
    expect(candles).toHaveLength(2391);
    expect(candles[0]).toEqual({ time: from, open: Number(rows[10]![1]), high: Number(rows[10]![2]), low: Number(rows[10]![3]), close: Number(rows[10]![4]) });
    expect(candles.at(-1)!.time).toBe(to);
    expect(candles.every((c, i) => i === 0 || c.time > candles[i - 1]!.time)).toBe(true);
    // Three pages of at most 1000 at weight 5 each.
    expect(h.server.requests.filter((r) => r.path === '/fapi/v1/markPriceKlines').map((r) => r.weight)).toEqual([5, 5, 5]);
  });
});
