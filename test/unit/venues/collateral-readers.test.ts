// Venue collateral readers (issue 16): raw payloads → collateral[], valued by the engine's rule.
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../fixtures';
import { snapshotCollateralValue } from '../../../src/domain/margin/collateral';
import { computeMarginReport, parseSnapshot } from '../../../src/domain/margin';
import type { AccountSnapshot, Collateral } from '../../../src/domain/contracts';
import { binanceMultiAssetsCollateral } from '../../../src/venues/exchanges/binance/collateral';
import { bybitUtaCollateral } from '../../../src/venues/exchanges/bybit/collateral';
import { okxMultiCurrencyCollateral } from '../../../src/venues/exchanges/okx/collateral';

const json = <T>(f: string): T =>
  readFixtureJson<T>(f === 'venue-collateral-docs-examples.json' ? 'collateral' : 'captured', f);
type Row = Record<string, unknown>;
const docs = json<Record<string, unknown>>('venue-collateral-docs-examples.json');

const valueOf = (collateral: Collateral[], settleAsset = 'USD'): string => {
  const s: AccountSnapshot = {
    schema: 'marginwatch.snapshot/1',
    venue: 'bybit',
    asOf: '2024-05-01T00:00:00.000Z',
    positionMode: 'oneway',
    settleAsset,
    crossWalletBalance: '0',
    collateral,
    positions: [],
  };
  const parsed = parseSnapshot(s);
  if (!parsed.ok) throw new Error(`${parsed.error.path}: ${parsed.error.reason}`);
  return snapshotCollateralValue(parsed.value).toFixed();
};

describe('Binance Multi-Assets reader', () => {
  const account = json<Row>('binance_um_account_v2_multiassets_ccxt.json');
  const index = docs.binanceAssetIndex as Row[];

  it('keeps USDT as the cross wallet and values other assets at index × (1 − bidBuffer)', () => {
    const usdcIndex = [{ symbol: 'USDCUSD', index: '0.99993876', bidBuffer: '0.0001', askBuffer: '0.0001' }];
    const read = binanceMultiAssetsCollateral(account, usdcIndex)!;
    expect(read.crossWalletBalance).toBe('3.72964781');
    expect(read.collateral).toEqual([
      { asset: 'USDC', amount: '22', price: '0.99993876', haircut: '0.0001' },
    ]);
    expect(valueOf(read.collateral)).toBe(new Decimal('22').times('0.99993876').times('0.9999').toFixed());
  });

  it('docs example: a positive balance counts at bidRate, a negative one at askRate', () => {
    const withAda = (amount: string): Row => ({
      assets: [
        { asset: 'USDT', crossWalletBalance: '10' },
        { asset: 'ADA', crossWalletBalance: amount },
      ],
    });
    expect(valueOf(binanceMultiAssetsCollateral(withAda('1'), index)!.collateral)).toBe('1.73661633');
    expect(valueOf(binanceMultiAssetsCollateral(withAda('-1'), index)!.collateral)).toBe('-2.12253107');
  });

  it('single-asset accounts give null; a missing index row is an error naming it', () => {
    expect(
      binanceMultiAssetsCollateral({ assets: [{ asset: 'USDT', crossWalletBalance: '5' }] }, []),
    ).toBeNull();
    expect(() => binanceMultiAssetsCollateral(account, [])).toThrow(/USDCUSD/);
  });
});

describe('Bybit UTA reader', () => {
  const wallet = json<{ response: { result: { list: Row[] } } }>(
    'bybit_v5_wallet_balance_unified_docs_example.json',
  ).response.result.list[0]!;

  it('docs examples: BTC at usdValue/equity, tiered 0.85 below 1,000,000 BTC', () => {
    const c = bybitUtaCollateral(wallet, docs.bybitCollateral as Row[]);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ asset: 'BTC', amount: '0.805994', tierBasis: 'amount' });
    // 0.805994 BTC × 0.85 at 12,920.95352538 USD / 0.805994 BTC: 0.85 × 12,920.95352538.
    expect(new Decimal(valueOf(c)).minus(new Decimal('12920.95352538').times('0.85')).abs().lt('1e-8')).toBe(
      true,
    );
  });

  it('help-centre tier table, the collateral switch and a liability', () => {
    const w = {
      coin: [
        { coin: 'BTC', walletBalance: '25', equity: '25', usdValue: '1000000' },
        { coin: 'USDT', walletBalance: '-5000', equity: '-5000', usdValue: '-5000' },
        { coin: 'ETH', walletBalance: '2', equity: '2', usdValue: '6000' },
      ],
    };
    const tiers = docs.bybitHelpCentreTiers as Row[];
    // BTC 25 at 40,000: 23.8 BTC counted (952,000); USDT −5,000 in full; ETH switched off: 0.
    const c = bybitUtaCollateral(w, tiers, [
      { currency: 'ETH', collateralSwitch: false, marginCollateral: true },
    ]);
    expect(valueOf(c)).toBe('947000');
  });
});

describe('OKX multi-currency reader', () => {
  it('values by discount tiers in the currency, matching the balance’s own discounted equity', () => {
    const c = okxMultiCurrencyCollateral(docs.okxBalance as Row, docs.okxDiscount as Row[]);
    const btc = c.filter((x) => x.asset === 'BTC');
    expect(btc[0]!.tiers).toEqual([
      { floor: '0', cap: '20', ratio: '1' },
      { floor: '20', cap: '40', ratio: '0.975' },
      { floor: '40', ratio: '0.5' },
    ]);
    // 20 + 10 × 0.975 = 29.75 BTC at 60,000 = disEq.
    expect(valueOf(btc)).toBe((docs.okxBalance as { details: Row[] }).details[0]!.disEq as string);
    // USDT has no discount row: counted at full value.
    expect(valueOf(c.filter((x) => x.asset === 'USDT'))).toBe('50005');
  });

  it('feeds a cross snapshot whose BTC collateral moves with a BTC-USDT-SWAP long', () => {
    const c = okxMultiCurrencyCollateral(docs.okxBalance as Row, docs.okxDiscount as Row[]);
    const report = computeMarginReport({
      schema: 'marginwatch.snapshot/1',
      venue: 'okx',
      asOf: '2024-05-01T00:00:00.000Z',
      positionMode: 'oneway',
      settleAsset: 'USDT',
      crossWalletBalance: '0',
      collateral: c,
      positions: [
        {
          symbol: 'BTC-USDT-SWAP',
          contractType: 'linear',
          marginMode: 'cross',
          positionSide: 'both',
          side: 'long',
          size: '100',
          contractSize: '0.01',
          entryPrice: '60000',
          markPrice: '60000',
          leverage: '10',
          takerFeeRate: '0.0005',
        },
      ],
    });
    expect(report.account.collateralRisk?.[0]).toMatchObject({
      asset: 'BTC',
      symbol: 'BTC-USDT-SWAP',
      kind: 'wrong-way',
    });
  });
});
