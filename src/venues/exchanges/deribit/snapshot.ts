// Deribit v2 raw payloads → AccountSnapshot for one currency. Pure; Deribit sends JSON numbers,
// kept as their exact text by the lossless parser. Inverse futures ("reversed") have `size` in USD;
// contracts = size / contract_size. Deribit's standard futures margin is not tiered like the
// others (MARGIN-FORMULAS.md §7, unverified), so no tier table is given; the venue's own
// maintenance margin and estimated liquidation price are passed for cross-checking.
import Decimal from 'decimal.js';
import { SNAPSHOT_SCHEMA, type AccountSnapshot, type Position } from '../../../domain/contracts';
import { validSnapshot } from '../shared/validSnapshot';
import { decimalField, decimalOf, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';

type Row = Record<string, unknown>;

export interface DeribitRaw {
  currency: string;
  /** private/get_account_summary result */
  summary: Row;
  /** private/get_positions result (futures) */
  positions: Row[];
  /** public/get_instruments result, by instrument_name */
  instruments: Map<string, Row>;
  /** public/ticker result, by instrument_name (perpetual funding) */
  tickers: Map<string, Row>;
  asOfMs: number;
}

export function buildDeribitSnapshot(raw: DeribitRaw): AccountSnapshot {
  const positions: Position[] = [];
  raw.positions.forEach((p, i) => {
    const at = `positions[${i}]`;
    const name = stringField(p.instrument_name, `${at}.instrument_name`);
    const size = decimalOf(p.size, `${at}.size`);
    if (size.isZero() || p.direction === 'zero') return;
    const inst = raw.instruments.get(name);
    if (!inst) throw new VenueFailure('malformed-payload', `instruments has no entry for ${name}`);
    const inverse = inst.instrument_type === 'reversed';
    const contractSize = decimalOf(inst.contract_size, `instruments[${name}].contract_size`);
    // Inverse: size is USD, contract_size USD per contract. Linear: size is in the base currency.
    const contracts = inverse ? size.abs().div(contractSize) : size.abs();
    const liq = p.estimated_liquidation_price;
    const ticker = raw.tickers.get(name);
    const position: Position = {
      symbol: name,
      contractType: inverse ? 'inverse' : 'linear',
      marginMode: 'cross',
      positionSide: 'both',
      side: p.direction === 'sell' ? 'short' : 'long',
      size: contracts.toFixed(),
      contractSize: inverse ? contractSize.toFixed() : '1',
      entryPrice: decimalField(p.average_price, `${at}.average_price`),
      markPrice: decimalField(p.mark_price, `${at}.mark_price`),
      leverage: decimalField(p.leverage, `${at}.leverage`),
      reported: {
        ...(liq !== null && liq !== undefined && !new Decimal(decimalField(liq, `${at}.estimated_liquidation_price`)).isZero()
          ? { liquidationPrice: decimalField(liq, `${at}.estimated_liquidation_price`) }
          : {}),
        maintenanceMargin: decimalField(p.maintenance_margin, `${at}.maintenance_margin`),
        initialMargin: decimalField(p.initial_margin, `${at}.initial_margin`),
        unrealizedPnl: decimalField(p.floating_profit_loss, `${at}.floating_profit_loss`),
      },
      tickSize: decimalField(inst.tick_size, `instruments[${name}].tick_size`),
      lotSize: decimalField(inst.min_trade_amount, `instruments[${name}].min_trade_amount`),
    };
    if (ticker && ticker.funding_8h !== undefined && ticker.funding_8h !== null) position.fundingRate = decimalField(ticker.funding_8h, `ticker[${name}].funding_8h`);
    positions.push(position);
  });
  const snapshot: AccountSnapshot = {
    schema: SNAPSHOT_SCHEMA,
    venue: 'deribit',
    asOf: new Date(raw.asOfMs).toISOString(),
    positionMode: 'oneway',
    settleAsset: raw.currency,
    // `balance` is the cash balance, before unrealised PnL (equity = balance + floating PnL + options value).
    crossWalletBalance: decimalField(raw.summary.balance, 'account_summary.balance'),
    positions,
  };
  return validSnapshot(snapshot);
}
