// Hyperliquid raw /info payloads → AccountSnapshot. Pure; numbers are the strings Hyperliquid sent
// (bare JSON numbers like leverage.value are kept as their exact text by the lossless parser).
// Tiers follow MARGIN-FORMULAS.md §6.1 (HL-MM, HL-TIERS); margin accounting §6.2 (HL-ACCOUNT).
import Decimal from 'decimal.js';
import { SNAPSHOT_SCHEMA, type AccountSnapshot, type Position, type Tier } from '../../../domain/contracts';
import { validSnapshot } from '../shared/validSnapshot';
import { absDecimal, decimalField, decimalOf, millisField, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';

type Row = Record<string, unknown>;

/** The last tier has no upper bound; the contract needs a cap, so it gets this one. */
export const UNBOUNDED_CAP = '1000000000000000000';

export interface HyperliquidRaw {
  /** POST /info {type: "clearinghouseState", user} */
  state: Row;
  /** POST /info {type: "metaAndAssetCtxs"}: [meta, assetCtxs] */
  meta: Row;
  assetCtxs: Row[];
}

/**
 * Tiers of one margin table: MMR = 1/(2·maxLeverage); deduction(n) = deduction(n−1) + lowerBound(n)·(MMR(n) − MMR(n−1)).
 * Table ids below 50 are a single tier with maxLeverage = id (Hyperliquid docs, margin tiers).
 */
export function hyperliquidTiers(tableId: number, tables: Map<number, Row[]>, path: string): Tier[] {
  const rows = tables.get(tableId) ?? (tableId > 0 && tableId < 50 ? [{ lowerBound: '0', maxLeverage: String(tableId) }] : null);
  if (!rows || rows.length === 0) throw new VenueFailure('malformed-payload', `exchange sent no margin table ${tableId} for ${path}`);
  const tiers: Tier[] = [];
  let deduction = new Decimal(0);
  let previousRate: Decimal | null = null;
  rows.forEach((row, i) => {
    const floor = decimalOf(row.lowerBound, `${path}.marginTiers[${i}].lowerBound`);
    const maxLeverage = decimalOf(row.maxLeverage, `${path}.marginTiers[${i}].maxLeverage`);
    const rate = new Decimal(1).div(maxLeverage.times(2));
    if (previousRate) deduction = deduction.plus(floor.times(rate.minus(previousRate)));
    previousRate = rate;
    const next = rows[i + 1];
    tiers.push({
      floor: floor.toFixed(),
      cap: next ? decimalField(next.lowerBound, `${path}.marginTiers[${i + 1}].lowerBound`) : UNBOUNDED_CAP,
      maintenanceRate: rate.toFixed(),
      maintenanceAmount: deduction.toFixed(),
      maxLeverage: maxLeverage.toFixed(),
    });
  });
  return tiers;
}

/** HL-ACCOUNT: the cross wallet = cross accountValue − Σ cross uPnL (accountValue includes the uPnL). */
export function hyperliquidCrossWallet(crossMarginSummary: Row, crossUpnl: Decimal): string {
  return decimalOf(crossMarginSummary.accountValue, 'crossMarginSummary.accountValue').minus(crossUpnl).toFixed();
}

export function buildHyperliquidSnapshot(raw: HyperliquidRaw): AccountSnapshot {
  const universe = (raw.meta.universe ?? []) as Row[];
  if (!Array.isArray(universe)) throw new VenueFailure('malformed-payload', 'exchange sent no meta.universe');
  const tables = new Map<number, Row[]>();
  for (const entry of (raw.meta.marginTables ?? []) as unknown[]) {
    if (Array.isArray(entry)) tables.set(Number(entry[0]), ((entry[1] as Row)?.marginTiers ?? []) as Row[]);
  }
  const asOfMs = millisField(raw.state.time, 'clearinghouseState.time');
  const cross = (raw.state.crossMarginSummary ?? {}) as Row;
  let crossUpnl = new Decimal(0);
  const positions: Position[] = [];
  const assetPositions = (raw.state.assetPositions ?? []) as Row[];
  assetPositions.forEach((entry, i) => {
    const at = `assetPositions[${i}].position`;
    const p = (entry.position ?? {}) as Row;
    const coin = stringField(p.coin, `${at}.coin`);
    const szi = decimalOf(p.szi, `${at}.szi`);
    if (szi.isZero()) return;
    const index = universe.findIndex((u) => u.name === coin);
    if (index < 0) throw new VenueFailure('malformed-payload', `meta.universe has no entry for ${coin}`);
    const asset = universe[index]!;
    const ctx = raw.assetCtxs[index];
    if (!ctx) throw new VenueFailure('malformed-payload', `assetCtxs has no entry for ${coin}`);
    const leverage = (p.leverage ?? {}) as Row;
    const isolated = leverage.type === 'isolated';
    const upnl = decimalOf(p.unrealizedPnl, `${at}.unrealizedPnl`);
    if (!isolated) crossUpnl = crossUpnl.plus(upnl);
    const liq = p.liquidationPx === null || p.liquidationPx === undefined ? null : decimalField(p.liquidationPx, `${at}.liquidationPx`);
    const szDecimals = Number(asset.szDecimals);
    const position: Position = {
      symbol: coin,
      contractType: 'linear',
      marginMode: isolated ? 'isolated' : 'cross',
      positionSide: 'both',
      side: szi.isNegative() ? 'short' : 'long',
      size: absDecimal(p.szi, `${at}.szi`),
      contractSize: '1',
      entryPrice: decimalField(p.entryPx, `${at}.entryPx`),
      markPrice: decimalField(ctx.markPx, `assetCtxs[${index}].markPx`),
      leverage: decimalField(leverage.value, `${at}.leverage.value`),
      tiers: hyperliquidTiers(Number(asset.marginTableId ?? asset.maxLeverage), tables, `meta.universe[${coin}]`),
      reported: {
        ...(liq ? { liquidationPrice: liq } : {}),
        unrealizedPnl: upnl.toFixed(),
        initialMargin: decimalField(p.marginUsed, `${at}.marginUsed`),
      },
      fundingRate: decimalField(ctx.funding, `assetCtxs[${index}].funding`),
      // Hyperliquid settles funding every hour on the hour.
      nextFundingTime: new Date(Math.floor(asOfMs / 3_600_000) * 3_600_000 + 3_600_000).toISOString(),
    };
    // marginUsed includes uPnL (= rawUsd + positionValue); the contract wants margin excluding it.
    if (isolated) position.isolatedMargin = decimalOf(p.marginUsed, `${at}.marginUsed`).minus(upnl).toFixed();
    if (Number.isInteger(szDecimals) && szDecimals >= 0) position.lotSize = new Decimal(10).pow(-szDecimals).toFixed();
    positions.push(position);
  });
  const snapshot: AccountSnapshot = {
    schema: SNAPSHOT_SCHEMA,
    venue: 'hyperliquid',
    asOf: new Date(asOfMs).toISOString(),
    positionMode: 'oneway',
    settleAsset: 'USDC',
    // Cross account value includes cross positions' uPnL; the contract wants it excluded.
    crossWalletBalance: hyperliquidCrossWallet(cross, crossUpnl),
    positions,
  };
  return validSnapshot(snapshot);
}
