// Binance USDⓈ-M raw payloads → AccountSnapshot. Pure: every number is the exact string Binance
// sent (see MARGIN-FORMULAS.md §1.4 for the field meanings), validated against the contract.
import { SNAPSHOT_SCHEMA, type AccountSnapshot, type Position, type Tier } from '../../../domain/contracts';
import { absDecimal, decimalField, decimalOf, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';
import { validSnapshot } from '../shared/validSnapshot';
import { addMarketFacts, tiersFrom } from './snapshotParts';
import { binanceMultiAssetsCollateral } from './collateral';

type Row = Record<string, unknown>;

/** Everything one full sync reads. Raw JSON as parsed (numbers kept as strings). */
export interface BinanceUsdmRaw {
  /** GET /fapi/v2/account */
  account: Row;
  /** GET /fapi/v3/positionRisk (open positions only) */
  positionRisk: Row[];
  /** GET /fapi/v1/leverageBracket, by symbol */
  brackets: Map<string, Row[]>;
  /** GET /fapi/v1/assetIndex (all rows): Multi-Assets accounts only, for collateral[] (issue 16). */
  assetIndex?: Row[];
  /** GET /fapi/v1/premiumIndex, by symbol */
  premium: Map<string, Row>;
  /** GET exchangeInfo symbols, by symbol (contractSize and marginAsset: COIN-M) */
  filters: Map<string, { tickSize?: string; stepSize?: string; contractSize?: string; marginAsset?: string }>;
  /** COIN-M: the margin coin this account view is for. */
  settleAsset?: string;
  /** Exchange time the data reflects (ms). */
  asOfMs: number;
}

function rows(value: unknown, path: string): Row[] {
  if (!Array.isArray(value)) throw new VenueFailure('malformed-payload', `exchange sent no list at ${path}`);
  return value as Row[];
}

// Tier tables only change with a REST read (new row arrays); an unchanged payload reuses them.
const tierCache = new WeakMap<Row[], Tier[]>();

export function bracketTiers(brackets: Row[], path: string): Tier[] {
  const cached = tierCache.get(brackets);
  if (cached) return cached.map((t) => ({ ...t }));
  const tiers = tiersFrom(brackets, path, 'notionalFloor', 'notionalCap');
  tierCache.set(brackets, tiers);
  return tiers.map((t) => ({ ...t }));
}

export function buildUsdmSnapshot(raw: BinanceUsdmRaw): AccountSnapshot {
  const accountPositions = rows(raw.account.positions, 'account.positions');
  const hedge = accountPositions.some((p) => p.positionSide === 'LONG' || p.positionSide === 'SHORT');
  const positions: Position[] = [];
  raw.positionRisk.forEach((risk, i) => {
    const at = `positionRisk[${i}]`;
    const amount = decimalOf(risk.positionAmt, `${at}.positionAmt`);
    if (amount.isZero()) return;
    const symbol = stringField(risk.symbol, `${at}.symbol`);
    const sideField = stringField(risk.positionSide, `${at}.positionSide`);
    const accountRow = accountPositions.find((p) => p.symbol === symbol && p.positionSide === sideField);
    if (!accountRow) throw new VenueFailure('malformed-payload', `account.positions has no row for ${symbol} ${sideField}`);
    const isolated = accountRow.isolated === true || accountRow.isolated === 'true';
    const positionSide = sideField === 'LONG' ? 'long' : sideField === 'SHORT' ? 'short' : 'both';
    const brackets = raw.brackets.get(symbol);
    const liquidation = decimalOf(risk.liquidationPrice, `${at}.liquidationPrice`);
    const position: Position = {
      symbol,
      contractType: 'linear',
      marginMode: isolated ? 'isolated' : 'cross',
      positionSide,
      side: positionSide === 'both' ? (amount.isNegative() ? 'short' : 'long') : positionSide,
      size: absDecimal(risk.positionAmt, `${at}.positionAmt`),
      contractSize: '1',
      entryPrice: decimalField(risk.entryPrice, `${at}.entryPrice`),
      markPrice: decimalField(risk.markPrice, `${at}.markPrice`),
      leverage: decimalField(accountRow.leverage, `account.positions[${symbol}].leverage`),
    };
    position.reported = {
      // Binance writes "0" when no price can liquidate the position; passed on as "0" so the
      // engine can cross-check that too.
      liquidationPrice: liquidation.toFixed(),
      maintenanceMargin: decimalField(risk.maintMargin, `${at}.maintMargin`),
      initialMargin: decimalField(risk.initialMargin, `${at}.initialMargin`),
      unrealizedPnl: decimalField(risk.unRealizedProfit, `${at}.unRealizedProfit`),
    };
    if (isolated) position.isolatedMargin = decimalField(risk.isolatedWallet, `${at}.isolatedWallet`);
    if (brackets) position.tiers = bracketTiers(brackets, `leverageBracket[${symbol}].brackets`);
    addMarketFacts(position, raw);
    positions.push(position);
  });

  // Multi-Assets: USDT stays the cross wallet and every other asset is collateral at the asset
  // index with its haircut, instead of Binance's USD total counted as stable cash.
  const multi = raw.assetIndex ? binanceMultiAssetsCollateral(raw.account, raw.assetIndex) : null;
  return validSnapshot({
    schema: SNAPSHOT_SCHEMA,
    venue: 'binance-usdm',
    asOf: new Date(raw.asOfMs).toISOString(),
    positionMode: hedge ? 'hedge' : 'oneway',
    // Single-asset mode: the total is the USDT wallet, the cross collateral excluding unrealised PnL.
    settleAsset: 'USDT',
    crossWalletBalance: multi ? multi.crossWalletBalance : decimalField(raw.account.totalCrossWalletBalance, 'account.totalCrossWalletBalance'),
    positions,
    ...(multi ? { collateral: multi.collateral } : {}),
  });
}

/** The account-level margin ratio Binance shows (MM / margin balance), for cross-checking. */
export function binanceAccountMarginRatio(account: Row): string | null {
  const mm = decimalOf(account.totalMaintMargin, 'account.totalMaintMargin');
  const balance = decimalOf(account.totalMarginBalance, 'account.totalMarginBalance');
  return balance.isZero() ? null : mm.div(balance).toFixed();
}
