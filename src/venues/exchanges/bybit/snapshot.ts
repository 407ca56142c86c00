// Bybit v5 raw payloads → AccountSnapshot (UTA). Pure; numbers are the strings Bybit sent.
// MARGIN-FORMULAS.md §3.4: totalMarginBalance = totalWalletBalance + totalPerpUPL and
// accountMMRate = totalMaintenanceMargin / totalMarginBalance, so the cross wallet is
// totalWalletBalance (USD value) for linear; for inverse it is the settle coin's own wallet.
import Decimal from 'decimal.js';
import { SNAPSHOT_SCHEMA, type AccountSnapshot, type Collateral, type Position, type Tier } from '../../../domain/contracts';
import { validSnapshot } from '../shared/validSnapshot';
import { bybitUtaCollateral } from './collateral';
import { absDecimal, decimalField, decimalOf, millisField, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';

type Row = Record<string, unknown>;

export interface BybitRaw {
  category: 'linear' | 'inverse';
  settleCoin: string;
  /** /v5/account/wallet-balance result.list[0] */
  wallet: Row;
  /** /v5/account/info result (marginMode) */
  accountInfo: Row;
  /** /v5/position/list result.list */
  positions: Row[];
  /** /v5/market/risk-limit list, by symbol */
  riskLimits: Map<string, Row[]>;
  /** /v5/market/tickers list, by symbol */
  tickers: Map<string, Row>;
  /** /v5/account/fee-rate list, by symbol */
  fees: Map<string, Row>;
  /** Linear UTA: /v5/spot-margin-trade/collateral list and /v5/account/collateral-info list (issue 16). */
  collateralTiers?: Row[];
  collateralInfo?: Row[];
  asOfMs: number;
}

/**
 * Risk-limit rows → tiers (notional in the settle unit). Bybit gives mmDeduction on tiered
 * tables; where it is empty the deduction follows the same recurrence as Binance's cum.
 */
export function bybitTiers(rows: Row[], path: string): Tier[] {
  const sorted = [...rows].sort((a, b) => decimalOf(a.riskLimitValue, `${path}.riskLimitValue`).cmp(decimalOf(b.riskLimitValue, `${path}.riskLimitValue`)));
  const tiers: Tier[] = [];
  let floor = new Decimal(0);
  let deduction = new Decimal(0);
  let previousRate: Decimal | null = null;
  sorted.forEach((row, i) => {
    const at = `${path}[${i}]`;
    const rate = decimalOf(row.maintenanceMargin, `${at}.maintenanceMargin`);
    if (previousRate) deduction = deduction.plus(floor.times(rate.minus(previousRate)));
    const given = typeof row.mmDeduction === 'string' && row.mmDeduction !== '' ? decimalOf(row.mmDeduction, `${at}.mmDeduction`) : null;
    const cap = decimalOf(row.riskLimitValue, `${at}.riskLimitValue`);
    tiers.push({
      floor: floor.toFixed(),
      cap: cap.toFixed(),
      maintenanceRate: rate.toFixed(),
      maintenanceAmount: (given ?? deduction).toFixed(),
      maxLeverage: decimalField(row.maxLeverage, `${at}.maxLeverage`),
    });
    previousRate = rate;
    floor = cap;
  });
  return tiers;
}

export function buildBybitSnapshot(raw: BybitRaw): AccountSnapshot {
  const accountIsolated = raw.accountInfo.marginMode === 'ISOLATED_MARGIN';
  const hedge = raw.positions.some((p) => String(p.positionIdx) === '1' || String(p.positionIdx) === '2');
  const positions: Position[] = [];
  raw.positions.forEach((p, i) => {
    const at = `position.list[${i}]`;
    const size = decimalOf(p.size, `${at}.size`);
    if (size.isZero()) return;
    const symbol = stringField(p.symbol, `${at}.symbol`);
    const side = p.side === 'Buy' ? 'long' : p.side === 'Sell' ? 'short' : null;
    if (!side) throw new VenueFailure('malformed-payload', `exchange sent side ${JSON.stringify(p.side)} at ${at}.side`);
    const isolated = accountIsolated || String(p.tradeMode) === '1';
    const ticker = raw.tickers.get(symbol);
    const fee = raw.fees.get(symbol);
    const limits = raw.riskLimits.get(symbol);
    const liq = typeof p.liqPrice === 'string' && p.liqPrice !== '' ? decimalOf(p.liqPrice, `${at}.liqPrice`) : null;
    const position: Position = {
      symbol,
      contractType: raw.category,
      marginMode: isolated ? 'isolated' : 'cross',
      positionSide: String(p.positionIdx) === '1' ? 'long' : String(p.positionIdx) === '2' ? 'short' : 'both',
      side,
      size: absDecimal(p.size, `${at}.size`),
      // Linear: 1 base unit per contract; inverse: 1 USD per contract.
      contractSize: '1',
      entryPrice: decimalField(p.avgPrice, `${at}.avgPrice`),
      markPrice: decimalField(p.markPrice, `${at}.markPrice`),
      leverage: decimalField(p.leverage, `${at}.leverage`),
      reported: {
        // Empty liqPrice = no liquidation price (portfolio margin, or fully collateralised).
        ...(liq && !liq.isZero() ? { liquidationPrice: liq.toFixed() } : {}),
        unrealizedPnl: decimalField(p.unrealisedPnl, `${at}.unrealisedPnl`),
        ...(p.positionMM !== undefined && p.positionMM !== '' ? { maintenanceMargin: decimalField(p.positionMM, `${at}.positionMM`) } : {}),
        ...(p.positionIM !== undefined && p.positionIM !== '' ? { initialMargin: decimalField(p.positionIM, `${at}.positionIM`) } : {}),
      },
    };
    if (isolated) position.isolatedMargin = decimalField(p.positionBalance, `${at}.positionBalance`);
    if (limits) position.tiers = bybitTiers(limits, `riskLimit[${symbol}]`);
    if (fee) position.takerFeeRate = decimalField(fee.takerFeeRate, `feeRate[${symbol}].takerFeeRate`);
    if (ticker) {
      position.fundingRate = decimalField(ticker.fundingRate, `tickers[${symbol}].fundingRate`);
      const next = millisField(ticker.nextFundingTime, `tickers[${symbol}].nextFundingTime`);
      if (next > 0) position.nextFundingTime = new Date(next).toISOString();
    }
    positions.push(position);
  });

  let crossWalletBalance: string;
  let collateral: Collateral[] | undefined;
  if (raw.category === 'linear' && raw.collateralTiers && raw.collateralTiers.length > 0) {
    // Every coin valued by its own tiers (and moving with its price) instead of Bybit's USD total.
    crossWalletBalance = '0';
    collateral = bybitUtaCollateral(raw.wallet, raw.collateralTiers, raw.collateralInfo ?? []);
  } else if (raw.category === 'linear') {
    crossWalletBalance = decimalField(raw.wallet.totalWalletBalance, 'wallet.totalWalletBalance');
  } else {
    const coin = ((raw.wallet.coin ?? []) as Row[]).find((c) => c.coin === raw.settleCoin);
    crossWalletBalance = coin ? decimalField(coin.walletBalance, `wallet.coin[${raw.settleCoin}].walletBalance`) : '0';
  }
  const snapshot: AccountSnapshot = {
    schema: SNAPSHOT_SCHEMA,
    venue: 'bybit',
    asOf: new Date(raw.asOfMs).toISOString(),
    positionMode: hedge ? 'hedge' : 'oneway',
    settleAsset: raw.settleCoin,
    crossWalletBalance,
    ...(collateral ? { collateral } : {}),
    positions,
  };
  return validSnapshot(snapshot);
}
