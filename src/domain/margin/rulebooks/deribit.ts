// Deribit futures/perpetuals, standard margin. Formulas: MARGIN-FORMULAS.md (design notes; per-formula sources in docs/ENGINE.md) §7.1 (DRB-FUT).
// UNVERIFIED numerically: no exchange-produced number could be reproduced; older pages disagree
// (5 %/3 %, 10 %/3 %). We implement the newest official statement (2022-01-11 announcement).
import { Dec } from '../decimal';
import type { Rulebook } from '../rulebook';
import { atMark, noFee, sameRatio, tableTerms } from './table';

/** DRB-FUT: MM rate = base + size_in_coin × slope (support.deribit.com article 25944826427293). */
const SCHEDULES: Record<string, { base: Dec; slope: Dec }> = {
  BTC: { base: new Dec('0.01'), slope: new Dec('0.00005') }, // 1 % + size_BTC × 0.005 %
  ETH: { base: new Dec('0.01'), slope: new Dec('0.000004') }, // 1 % + size_ETH × 0.0004 %
};

function currencyOf(symbol: string): string {
  return symbol.split(/[-_/]/)[0]!.toUpperCase();
}

export const deribit: Rulebook = {
  venue: 'deribit',
  print: { decimals: 8, mode: 'half-up' },
  contractTypes: ['linear', 'inverse'],
  maintenanceTerms: (input, warn) => {
    const { position, notional, contracts } = input;
    const schedule = SCHEDULES[currencyOf(position.symbol)];
    if (!schedule) return tableTerms(input, 'notional', warn);
    // Size in coin: inverse notional is already in coin; linear size = contracts × contract size.
    const sizeCoin = position.contractType === 'inverse' ? notional : contracts.times(position.contractSize);
    const rate = schedule.base.plus(sizeCoin.times(schedule.slope));
    // The rate moves continuously with size; the key lets the LP iteration stop once it is stable to
    // 1e-12 of the rate.
    return { rate, amount: new Dec(0), maxLeverage: null, key: rate.toSignificantDigits(12).toString() };
  },
  // Liquidation when equity < MM; the 0.75 % / 0.9 % liquidation fee is charged after, not in the trigger.
  feeRate: noFee,
  feeInTrigger: false,
  maintenanceValueAt: atMark,
  venueMarginRatio: sameRatio,
};
