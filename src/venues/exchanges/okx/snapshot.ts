// OKX v5 raw payloads → AccountSnapshot. Pure; numbers are the strings OKX sent.
// MARGIN-FORMULAS.md §4: tiers are in contracts (minSz/maxSz) with no deduction (MM = |pos|·ctVal·
// mark·MMR); the liquidation trigger includes the taker fee, so takerFeeRate is always set.
// OKX's mgnRatio (equity / (MM + fee), falling toward danger) is NOT our marginRatio and is not
// passed as reported.marginRatio.
import Decimal from 'decimal.js';
import { SNAPSHOT_SCHEMA, type AccountSnapshot, type Position, type Tier } from '../../../domain/contracts';
import { validSnapshot } from '../shared/validSnapshot';
import { absDecimal, decimalField, decimalOf, millisField, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';
import { okxMultiCurrencyCollateral } from './collateral';

type Row = Record<string, unknown>;

export interface OkxRaw {
  settleCcy: string;
  /** /api/v5/account/balance data[0] */
  balance: Row;
  /** /api/v5/account/config data[0] */
  config: Row;
  /** /api/v5/account/positions data (SWAP + FUTURES) */
  positions: Row[];
  /** /api/v5/public/instruments, by instId */
  instruments: Map<string, Row>;
  /** /api/v5/public/position-tiers rows, by `${instFamily}:${mgnMode}` */
  tiers: Map<string, Row[]>;
  /** /api/v5/public/mark-price, by instId */
  marks: Map<string, Row>;
  /** /api/v5/public/funding-rate, by instId */
  funding: Map<string, Row>;
  /** /api/v5/account/trade-fee taker, by instFamily (OKX writes fees as negative numbers) */
  takerFees: Map<string, string>;
  /** /api/v5/public/discount-rate-interest-free-quota data: multi-currency / portfolio accounts only (issue 16). */
  discounts?: Row[];
  asOfMs: number;
}

export function okxTiers(rows: Row[], path: string): Tier[] {
  return rows
    .map((r, i) => ({
      floor: decimalField(r.minSz, `${path}[${i}].minSz`),
      cap: decimalField(r.maxSz, `${path}[${i}].maxSz`),
      maintenanceRate: decimalField(r.mmr, `${path}[${i}].mmr`),
      maintenanceAmount: '0',
      maxLeverage: decimalField(r.maxLever, `${path}[${i}].maxLever`),
    }))
    .sort((a, b) => new Decimal(a.floor).cmp(b.floor));
}

export function buildOkxSnapshot(raw: OkxRaw): AccountSnapshot {
  const positions: Position[] = [];
  let isolatedMargins = new Decimal(0);
  raw.positions.forEach((p, i) => {
    const at = `positions[${i}]`;
    const instId = stringField(p.instId, `${at}.instId`);
    const pos = decimalOf(p.pos, `${at}.pos`);
    if (pos.isZero()) return;
    const inst = raw.instruments.get(instId);
    if (!inst) throw new VenueFailure('malformed-payload', `instruments has no entry for ${instId}`);
    if (inst.settleCcy !== raw.settleCcy) return; // another margin currency: a separate account view
    const instFamily = String(inst.instFamily ?? inst.uly ?? '');
    const mgnMode = p.mgnMode === 'isolated' ? 'isolated' : 'cross';
    const posSide = String(p.posSide);
    const mark = raw.marks.get(instId);
    const markPx = p.markPx !== undefined && p.markPx !== '' ? p.markPx : mark?.markPx;
    const funding = raw.funding.get(instId);
    const tierRows = raw.tiers.get(`${instFamily}:${mgnMode}`);
    const fee = raw.takerFees.get(instFamily);
    const position: Position = {
      symbol: instId,
      contractType: inst.ctType === 'inverse' ? 'inverse' : 'linear',
      marginMode: mgnMode,
      positionSide: posSide === 'long' ? 'long' : posSide === 'short' ? 'short' : 'both',
      side: posSide === 'long' ? 'long' : posSide === 'short' ? 'short' : pos.isNegative() ? 'short' : 'long',
      size: absDecimal(p.pos, `${at}.pos`),
      contractSize: decimalField(inst.ctVal, `instruments[${instId}].ctVal`),
      entryPrice: decimalField(p.avgPx, `${at}.avgPx`),
      markPrice: decimalField(markPx, `markPrice[${instId}].markPx`),
      leverage: decimalField(p.lever, `${at}.lever`),
      takerFeeRate: fee ? decimalOf(fee, `tradeFee[${instFamily}].taker`).abs().toFixed() : '0',
      reported: {
        ...(p.liqPx !== '' && p.liqPx !== undefined ? { liquidationPrice: decimalField(p.liqPx, `${at}.liqPx`) } : {}),
        ...(p.mmr !== '' && p.mmr !== undefined ? { maintenanceMargin: decimalField(p.mmr, `${at}.mmr`) } : {}),
        ...(p.imr !== '' && p.imr !== undefined ? { initialMargin: decimalField(p.imr, `${at}.imr`) } : {}),
        unrealizedPnl: decimalField(p.upl, `${at}.upl`),
      },
    };
    if (mgnMode === 'isolated') {
      position.isolatedMargin = decimalField(p.margin, `${at}.margin`);
      isolatedMargins = isolatedMargins.plus(position.isolatedMargin);
    }
    if (tierRows) position.tiers = okxTiers(tierRows, `positionTiers[${instFamily}]`);
    if (funding) {
      position.fundingRate = decimalField(funding.fundingRate, `fundingRate[${instId}].fundingRate`);
      position.nextFundingTime = new Date(millisField(funding.fundingTime, `fundingRate[${instId}].fundingTime`)).toISOString();
    }
    if (typeof inst.tickSz === 'string') position.tickSize = decimalField(inst.tickSz, `instruments[${instId}].tickSz`);
    if (typeof inst.lotSz === 'string') position.lotSize = decimalField(inst.lotSz, `instruments[${instId}].lotSz`);
    positions.push(position);
  });
  const detail = ((raw.balance.details ?? []) as Row[]).find((d) => d.ccy === raw.settleCcy);
  // cashBal is the currency's cash (no uPnL) and still holds isolated positions' margin.
  const cash = detail ? decimalOf(detail.cashBal, `balance.details[${raw.settleCcy}].cashBal`) : new Decimal(0);
  const cross = cash.minus(isolatedMargins);
  // Multi-currency / portfolio: every currency is collateral in USD with its discount tiers, the
  // cross wallet is 0, and the settle currency's entry gives up what isolated positions hold.
  const collateral = raw.discounts ? okxMultiCurrencyCollateral(raw.balance, raw.discounts) : undefined;
  const settleEntry = collateral?.find((c) => c.asset === raw.settleCcy);
  if (settleEntry) settleEntry.amount = new Decimal(settleEntry.amount).minus(isolatedMargins).toFixed();
  const snapshot: AccountSnapshot = {
    schema: SNAPSHOT_SCHEMA,
    venue: 'okx',
    asOf: new Date(raw.asOfMs).toISOString(),
    positionMode: raw.config.posMode === 'long_short_mode' ? 'hedge' : 'oneway',
    settleAsset: raw.settleCcy,
    crossWalletBalance: collateral ? (settleEntry ? '0' : new Decimal(0).minus(isolatedMargins).toFixed()) : cross.toFixed(),
    positions,
    ...(collateral ? { collateral } : {}),
  };
  return validSnapshot(snapshot);
}
