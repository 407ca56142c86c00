// Collateral valuation per venue (issue 16): hand-worked examples from the venues' documentation,
// the captured Binance Multi-Assets account, and the properties the issue names.
import Decimal from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../fixtures';
import type { AccountSnapshot, Collateral } from '../../../src/domain/contracts';
import { computeMarginReport, parseSnapshot, shockSnapshot } from '../../../src/domain/margin';
import { baseAssetOf, collateralRule, collateralValueAt } from '../../../src/domain/margin/collateral';
import { Dec } from '../../../src/domain/margin/decimal';
import { d, position, snapshot } from './helpers';

const fixture = <T>(name: string): T => readFixtureJson<T>('captured', name);

const valueOf = (c: Collateral): string => collateralValueAt(collateralRule(c), new Dec(c.price)).toFixed();

/** Bybit help centre "Understanding Collateral Value Ratios in Unified Trading Account": BTC tiers. */
const BYBIT_BTC_TIERS = [
  { floor: '0', cap: '10', ratio: '0.98' },
  { floor: '10', cap: '20', ratio: '0.95' },
  { floor: '20', cap: '30', ratio: '0.9' },
  { floor: '30', cap: '40', ratio: '0.85' },
  { floor: '40', cap: '50', ratio: '0.8' },
  { floor: '50', ratio: '0' },
];

describe('Bybit UTA collateral value ratio (tiered by coin quantity)', () => {
  it('values each slice of the holding at its tier ratio (docs tier table, hand-worked)', () => {
    // 25 BTC at 40,000 USD: 10 × 0.98 + 10 × 0.95 + 5 × 0.9 = 23.8 BTC counted → 952,000 USD.
    const btc = { asset: 'BTC', amount: '25', price: '40000', haircut: '0', tiers: BYBIT_BTC_TIERS };
    expect(valueOf(btc)).toBe('952000');
    // Beyond the last cap nothing more counts: 60 BTC → 10·(0.98+0.95+0.9+0.85+0.8) = 44.8 BTC.
    expect(valueOf({ ...btc, amount: '60' })).toBe(new Decimal('44.8').times(40000).toFixed());
  });

  it('a negative balance counts in full, and a coin switched off as collateral counts 0', () => {
    // Docs: "The Collateral Value Ratio only applies to assets with a positive balance"; the switch is
    // the coin's margin-collateral setting (v5 /account/set-collateral-switch).
    const base = { asset: 'BTC', price: '40000', haircut: '0', tiers: BYBIT_BTC_TIERS };
    expect(valueOf({ ...base, amount: '-2' })).toBe('-80000');
    expect(valueOf({ ...base, amount: '2', collateralSwitch: false })).toBe('0');
    expect(valueOf({ ...base, amount: '-2', collateralSwitch: false })).toBe('-80000');
  });
});

describe('OKX discount-rate tiers (tiered by value)', () => {
  it('values each slice of the USD value at its discount rate (illustrative table, hand-worked)', () => {
    // Shape of /api/v5/public/discount-rate-interest-free-quota `details` (minAmt, maxAmt,
    // discountRate); the figures here are illustrative, not OKX's current table.
    const eth = {
      asset: 'ETH',
      amount: '100',
      price: '3000',
      haircut: '0',
      tierBasis: 'value' as const,
      tiers: [
        { floor: '0', cap: '100000', ratio: '1' },
        { floor: '100000', cap: '250000', ratio: '0.95' },
        { floor: '250000', ratio: '0.9' },
      ],
    };
    // 300,000 USD: 100,000 × 1 + 150,000 × 0.95 + 50,000 × 0.9 = 287,500.
    expect(valueOf(eth)).toBe('287500');
  });
});

describe('Binance USDⓈ-M Multi-Assets (asset index × (1 − bid buffer))', () => {
  it('price = index and haircut = bidBuffer give the docs bidRate (Multi-Assets-Mode-Asset-Index example)', () => {
    // Docs example ADAUSD: index 1.92957370, bidBuffer 0.1, bidRate 1.73661633.
    expect(valueOf({ asset: 'ADA', amount: '1', price: '1.92957370', haircut: '0.10000000' })).toBe(
      '1.73661633',
    );
  });

  interface AccountPayload {
    totalWalletBalance: string;
    totalMarginBalance: string;
    totalMaintMargin: string;
    assets: { asset: string; walletBalance: string; crossWalletBalance: string }[];
    positions: { symbol: string; positionAmt: string; notional: string; maintMargin: string }[];
  }
  const account = fixture<AccountPayload>('binance_um_account_v2_multiassets_ccxt.json');
  const risk = fixture<{ responses: Record<string, string>[][] }>(
    'binance_um_positionRisk_v3_BTCUSDT_cross_ccxt.json',
  );
  const BTC_BRACKET_1 = [
    { floor: '0', cap: '50000', maintenanceRate: '0.004', maintenanceAmount: '0', maxLeverage: '125' },
  ];
  const usdt = account.assets.find((a) => a.asset === 'USDT')!;
  const usdc = account.assets.find((a) => a.asset === 'USDC')!;
  const captured = (usdcPerUnit: string, mark: string): AccountSnapshot =>
    snapshot({
      crossWalletBalance: usdt.crossWalletBalance,
      // The asset index at that instant was not captured: USDC at 1 with haircut 1 − (value per unit).
      collateral: [
        {
          asset: 'USDC',
          amount: usdc.walletBalance,
          price: '1',
          haircut: new Decimal(1).minus(usdcPerUnit).toFixed(),
        },
      ],
      positions: [
        position({
          size: '0.009',
          entryPrice: '67445.9',
          markPrice: mark,
          leverage: '80',
          tiers: BTC_BRACKET_1,
        }),
      ],
    });

  it('reproduces the captured account totals to the cent with USDC at 1 (index not captured)', () => {
    const p = account.positions[0]!;
    const mark = new Decimal(p.notional).div(p.positionAmt).toFixed();
    const report = computeMarginReport(captured('1', mark));
    const cent = '0.01';
    expect(d(report.account.walletBalance).minus(account.totalWalletBalance).abs().lt(cent)).toBe(true);
    expect(d(report.account.marginBalance).minus(account.totalMarginBalance).abs().lt(cent)).toBe(true);
    expect(d(report.account.maintenanceMargin).minus(account.totalMaintMargin).abs().lt(cent)).toBe(true);
    expect(report.positions[0]!.maintenanceMargin).toBe(p.maintMargin);
    // The residual of the wallet: 22 USDC counted as 21.99645279 (25.72610060 − 3.72964781), i.e. at
    // 0.99983876… per USDC — the USDC bidRate of /fapi/v1/assetIndex at that instant.
    const counted = d(account.totalWalletBalance).minus(usdt.walletBalance);
    expect(counted.toFixed()).toBe('21.99645279');
    const report2 = computeMarginReport(captured(counted.div(22).toFixed(), mark));
    expect(d(report2.account.walletBalance).eq(account.totalWalletBalance)).toBe(true);
  });

  it('liquidation price: the residual is the USDC bidRate at the positionRisk instant (missing input)', () => {
    for (const [row] of risk.responses) {
      const r = row!;
      // With USDC at 1 the LP is off by cents-to-dollars: 0.0035 USDT of wallet moves LP by ≈ 0.39.
      const atPar = computeMarginReport(captured('1', r.markPrice!)).positions[0]!.liquidationPrice!;
      const gap = d(atPar).minus(r.liquidationPrice!).abs();
      expect(gap.gt('0.01')).toBe(true);
      expect(gap.div(r.liquidationPrice!).lt('0.00001')).toBe(true);
      // Binance's LP implies the USDC value per unit (BN-UM-LP solved for WB, bracket 1, cum 0):
      // WB = q·EP − LP·q·(1 − MMR); that value is within 0.1 % of par (a buffer-sized haircut) and,
      // put back as the collateral's haircut, reproduces Binance's LP to its printed 8 decimals.
      const q = new Decimal('0.009');
      const wallet = q.times('67445.9').minus(q.times(r.liquidationPrice!).times('0.996'));
      const perUsdc = wallet.minus(usdt.crossWalletBalance).div(22);
      expect(perUsdc.gt('0.999') && perUsdc.lt('1')).toBe(true);
      const implied = computeMarginReport(captured(perUsdc.toFixed(), r.markPrice!)).positions[0]!;
      expect(d(implied.liquidationPrice).minus(r.liquidationPrice!).abs().lte('0.00000001')).toBe(true);
    }
  });
});

describe('collateral contract', () => {
  it('rejects tiers that are not contiguous or ratios above 1, naming the field', () => {
    const base = snapshot({
      collateral: [{ asset: 'BTC', amount: '1', price: '60000', haircut: '0', tiers: BYBIT_BTC_TIERS }],
    });
    expect(parseSnapshot(base).ok).toBe(true);
    const gap = structuredClone(base);
    gap.collateral![0]!.tiers![1]!.floor = '11';
    const bad = parseSnapshot(gap);
    expect(bad.ok ? '' : `${bad.error.path}: ${bad.error.reason}`).toMatch(
      /^collateral\[0\]\.tiers\[1\]\.floor: must equal/,
    );
    const ratio = structuredClone(base);
    ratio.collateral![0]!.tiers![0]!.ratio = '1.2';
    const bad2 = parseSnapshot(ratio);
    expect(bad2.ok ? '' : bad2.error.path).toBe('collateral[0].tiers[0].ratio');
  });

  it('reads base assets from every venue symbol style', () => {
    expect(
      ['BTCUSDT', 'BTCUSD_PERP', 'BTC-USDT-SWAP', 'BTC-PERPETUAL', 'BTC', 'BTCUSDC'].map(baseAssetOf),
    ).toEqual(Array(6).fill('BTC'));
  });
});

describe('collateral properties', () => {
  const RUNS = { numRuns: 80, seed: 20261205 };
  const amountArb = fc.integer({ min: 1, max: 5000 }).map((n) => new Decimal(n).div(100).toFixed());
  const haircutArb = fc.integer({ min: 0, max: 1000 }).map((n) => new Decimal(n).div(1000).toFixed());
  const account = (amount: string, haircut: string): AccountSnapshot =>
    snapshot({
      crossWalletBalance: '2000',
      collateral: [{ asset: 'BTC', amount, price: '60000', haircut }],
      positions: [position({ symbol: 'ETHUSDT', size: '20', entryPrice: '3000', markPrice: '2900' })],
    });

  it('more haircut never gives a higher margin balance', () => {
    fc.assert(
      fc.property(amountArb, haircutArb, haircutArb, (amount, h1, h2) => {
        const [lo, hi] = d(h1).lte(h2) ? [h1, h2] : [h2, h1];
        const a = computeMarginReport(account(amount, lo)).account;
        const b = computeMarginReport(account(amount, hi)).account;
        expect(d(b.marginBalance).lte(a.marginBalance)).toBe(true);
        expect(d(b.marginRatio).gte(d(a.marginRatio))).toBe(true);
      }),
      RUNS,
    );
  });

  it('a shock to the collateral asset moves the margin balance by amount × price × shock × (1 − haircut)', () => {
    const shockArb = fc.integer({ min: -500, max: 500 }).map((n) => new Decimal(n).div(1000).toFixed());
    fc.assert(
      fc.property(amountArb, haircutArb, shockArb, (amount, haircut, shock) => {
        const before = computeMarginReport(account(amount, haircut)).account;
        const after = computeMarginReport(
          shockSnapshot(account(amount, haircut), { shocks: { BTC: shock }, fundingHours: 0 }),
        ).account;
        const expected = d(amount).times(60000).times(shock).times(d(1).minus(haircut));
        // Binance prints truncated at 8 dp: one unit of difference either way.
        expect(
          d(after.marginBalance).minus(before.marginBalance).minus(expected).abs().lte('0.00000002'),
        ).toBe(true);
        const direction = d(after.marginRatio).cmp(d(before.marginRatio));
        if (d(shock).isZero() || d(haircut).eq(1)) expect(direction).toBe(0);
        else expect(direction).toBe(d(shock).isNegative() ? 1 : -1);
      }),
      RUNS,
    );
  });

  it("a '*' shock leaves stablecoin collateral alone and moves the rest", () => {
    const s = snapshot({
      crossWalletBalance: '0',
      collateral: [
        { asset: 'USDC', amount: '1000', price: '1', haircut: '0' },
        { asset: 'ETH', amount: '1', price: '3000', haircut: '0.1' },
      ],
      positions: [position({ size: '0.1' })],
    });
    const shocked = shockSnapshot(s, { shocks: { '*': '-0.1' }, fundingHours: 0 });
    expect(shocked.collateral!.map((c) => c.price)).toEqual(['1', '2700']);
  });
});
