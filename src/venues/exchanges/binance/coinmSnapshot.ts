// Binance COIN-M raw payloads → AccountSnapshot for one margin coin (MARGIN-FORMULAS.md §2).
// Pure. Positions from /dapi/v1/positionRisk (leverage and marginType are on the row), brackets
// from /dapi/v2/leverageBracket in coin notional (qtyFloor/qtyCap), contract size (USD per
// contract) and margin asset from exchangeInfo, cross wallet from the coin's asset row.
import { SNAPSHOT_SCHEMA, type AccountSnapshot, type Position, type Tier } from '../../../domain/contracts';
import { absDecimal, decimalField, decimalOf, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';
import { validSnapshot } from '../shared/validSnapshot';
import { addMarketFacts, tiersFrom } from './snapshotParts';
import type { BinanceUsdmRaw } from './usdmSnapshot';

type Row = Record<string, unknown>;

export function coinmTiers(brackets: Row[], path: string): Tier[] {
  return tiersFrom(brackets, path, 'qtyFloor', 'qtyCap');
}

export function buildCoinmSnapshot(raw: BinanceUsdmRaw): AccountSnapshot {
  const settle = raw.settleAsset ?? 'BTC';
  const hedge = raw.positionRisk.some((p) => p.positionSide === 'LONG' || p.positionSide === 'SHORT');
  const positions: Position[] = [];
  raw.positionRisk.forEach((risk, i) => {
    const at = `positionRisk[${i}]`;
    const amount = decimalOf(risk.positionAmt, `${at}.positionAmt`);
    if (amount.isZero()) return;
    const symbol = stringField(risk.symbol, `${at}.symbol`);
    const info = raw.filters.get(symbol);
    if (!info?.contractSize) throw new VenueFailure('malformed-payload', `exchangeInfo has no contractSize for ${symbol}`);
    if (info.marginAsset && info.marginAsset !== settle) return; // another coin: another account view
    const sideField = stringField(risk.positionSide, `${at}.positionSide`);
    const positionSide = sideField === 'LONG' ? 'long' : sideField === 'SHORT' ? 'short' : 'both';
    const isolated = risk.marginType === 'isolated';
    const accountRow = ((raw.account.positions ?? []) as Row[]).find((p) => p.symbol === symbol && p.positionSide === sideField);
    const position: Position = {
      symbol,
      contractType: 'inverse',
      marginMode: isolated ? 'isolated' : 'cross',
      positionSide,
      side: positionSide === 'both' ? (amount.isNegative() ? 'short' : 'long') : positionSide,
      size: absDecimal(risk.positionAmt, `${at}.positionAmt`),
      contractSize: decimalField(info.contractSize, `exchangeInfo[${symbol}].contractSize`),
      entryPrice: decimalField(risk.entryPrice, `${at}.entryPrice`),
      markPrice: decimalField(risk.markPrice, `${at}.markPrice`),
      leverage: decimalField(risk.leverage ?? accountRow?.leverage, `${at}.leverage`),
    };
    position.reported = {
      liquidationPrice: decimalField(risk.liquidationPrice, `${at}.liquidationPrice`),
      unrealizedPnl: decimalField(risk.unRealizedProfit, `${at}.unRealizedProfit`),
    };
    if (isolated) position.isolatedMargin = decimalField(risk.isolatedWallet, `${at}.isolatedWallet`);
    const brackets = raw.brackets.get(symbol);
    if (brackets) position.tiers = coinmTiers(brackets, `leverageBracket[${symbol}].brackets`);
    addMarketFacts(position, raw);
    positions.push(position);
  });
  const asset = ((raw.account.assets ?? []) as Row[]).find((a) => a.asset === settle);
  return validSnapshot({
    schema: SNAPSHOT_SCHEMA,
    venue: 'binance-coinm',
    asOf: new Date(raw.asOfMs).toISOString(),
    positionMode: hedge ? 'hedge' : 'oneway',
    settleAsset: settle,
    crossWalletBalance: asset ? decimalField(asset.crossWalletBalance, `account.assets[${settle}].crossWalletBalance`) : '0',
    positions,
  });
}
