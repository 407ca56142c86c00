// Hyperliquid perpetuals (linear, USDC), isolated and cross. Formulas: MARGIN-FORMULAS.md (design notes; per-formula sources in docs/ENGINE.md) §6.
import type { Tier } from '../../contracts';
import { Dec, ZERO } from '../decimal';
import { type MaintenanceTerms, type Rulebook, silent } from '../rulebook';
import { fallbackTerms, tierIndexAtApprox } from '../tiers';
import { atMark, noFee, sameRatio } from './table';

interface HlTier {
  floor: Dec;
  terms: MaintenanceTerms;
}

const cache = new WeakMap<readonly Tier[], HlTier[]>();

/**
 * HL-MM / HL-TIERS (Hyperliquid docs "Liquidations" and "Margin tiers"): the maintenance margin rate is
 * half the initial margin rate at the tier's max leverage, MMR = 1 / (2 × maxLeverage), and the
 * deduction follows deduction(n) = deduction(n−1) + lowerBound(n) × (MMR(n) − MMR(n−1)). We derive both
 * from the tier's maxLeverage and lower bound (the documented rule), not from the snapshot's rate.
 */
function hyperliquidTiers(tiers: readonly Tier[]): HlTier[] {
  let out = cache.get(tiers);
  if (!out) {
    out = [];
    let previousRate = ZERO;
    let deduction = ZERO;
    tiers.forEach((tier, i) => {
      const maxLeverage = new Dec(tier.maxLeverage);
      const floor = new Dec(tier.floor);
      const rate = new Dec(1).div(maxLeverage.times(2));
      if (i > 0) deduction = deduction.plus(floor.times(rate.minus(previousRate)));
      previousRate = rate;
      out!.push({ floor, terms: { rate, amount: deduction, maxLeverage, key: String(i) } });
    });
    cache.set(tiers, out);
  }
  return out;
}

export const hyperliquid: Rulebook = {
  venue: 'hyperliquid',
  // Hyperliquid prints USD amounts with 6 dp and prices with up to 8; we print 8 dp half-up.
  print: { decimals: 8, mode: 'half-up' },
  contractTypes: ['linear'],
  maintenanceTerms: (input, warn) => {
    const { position } = input;
    if (!position.tiers || position.tiers.length === 0) {
      warn(
        `tier table missing for ${position.symbol}: used MMR = 1/(2 × leverage) as a conservative stand-in`,
      );
      return fallbackTerms(new Dec(position.leverage));
    }
    const tiers = hyperliquidTiers(position.tiers);
    // Solver lookups at hypothetical prices: decided on the double approximation when no floor is near
    // (same tier as the scan below; tiers.ts), so the exact value is not computed.
    if (warn === silent && input.approxNotional !== undefined) {
      const index = tierIndexAtApprox(position.tiers, input.approxNotional);
      if (index !== null) return tiers[index]!.terms;
    }
    const { notional } = input;
    let chosen = tiers[0]!;
    for (const tier of tiers) {
      if (notional.gte(tier.floor)) chosen = tier;
      else break;
    }
    return chosen.terms;
  },
  // HL-LP: liq_price = price − side × margin_available / size / (1 − l × side): no fee term.
  feeRate: noFee,
  feeInTrigger: false,
  maintenanceValueAt: atMark,
  venueMarginRatio: sameRatio,
};
