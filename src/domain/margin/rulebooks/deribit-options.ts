// Deribit inverse options, standard margin — DRB-OPT-STD (MARGIN-FORMULAS.md (design notes; per-formula sources in docs/ENGINE.md) §7.2).
// UNVERIFIED: the only source with these numbers is a third-party copy
// (doc.tslab.pro "Deribit margin requirements calculation"); an old official page says MM 10 % of the
// underlying, and Aevo publishes 0.1 for the same structure. All amounts per 1 coin of underlying, in coin.
import type { OptionTerms } from '../../contracts';
import { Dec, ZERO } from '../decimal';

const IM_BASE = new Dec('0.15');
const IM_FLOOR = new Dec('0.1');
const MM_BASE = new Dec('0.075');

export interface OptionMargins {
  /** Initial margin per unit of underlying (coin). */
  initial: Dec;
  /** Maintenance margin per unit of underlying (coin). */
  maintenance: Dec;
}

/**
 * Short call: IM = max(0.15 − OTM/U, 0.1) + mark ; MM = 0.075 + mark.
 * Short put : MM = max(0.075, 0.075 × mark) + mark ; IM = max(max(0.15 − OTM/U, 0.1) + mark, MM).
 * Long      : premium already paid, no margin.
 * OTM = out-of-the-money amount in quote currency (call: max(0, K − U); put: max(0, U − K)).
 */
export function optionMargins(
  option: OptionTerms,
  side: 'long' | 'short',
  mark: Dec,
  underlying: Dec = new Dec(option.underlyingPrice),
): OptionMargins {
  if (side === 'long') return { initial: ZERO, maintenance: ZERO };
  const strike = new Dec(option.strike);
  const otm = option.type === 'call' ? strike.minus(underlying) : underlying.minus(strike);
  const otmFraction = otm.isPositive() ? otm.div(underlying) : ZERO;
  const imRate = Dec.max(IM_BASE.minus(otmFraction), IM_FLOOR).plus(mark);
  if (option.type === 'call') return { initial: imRate, maintenance: MM_BASE.plus(mark) };
  const maintenance = Dec.max(MM_BASE, MM_BASE.times(mark)).plus(mark);
  return { initial: Dec.max(imRate, maintenance), maintenance };
}
