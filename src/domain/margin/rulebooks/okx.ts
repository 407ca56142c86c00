// OKX v5 perpetual/futures, isolated and cross. Formulas: MARGIN-FORMULAS.md (design notes; per-formula sources in docs/ENGINE.md) §4.
import type { Rulebook } from '../rulebook';
import { atMark, tableTerms, takerFee } from './table';

export const okx: Rulebook = {
  venue: 'okx',
  // OKX prints long decimals (mgnRatio "140.49930117599155"); we print 8 dp half-up and compare with
  // the venue's figures at the coarser of the two precisions.
  print: { decimals: 8, mode: 'half-up' },
  contractTypes: ['linear', 'inverse'],
  // §4.3: OKX tiers are by position size in CONTRACTS, not notional (OKX help "Tiered maintenance margin
  // ratio rules"). MM (linear) = |pos| × ctVal × markPx × MMR(tier) (OKX-MGNRATIO). OKX has no
  // maintenance amount; tiers carry maintenanceAmount "0".
  maintenanceTerms: (input, warn) => tableTerms(input, 'contracts', warn),
  // §4.3: "isolated: per instrument & direction; cross: all positions of the underlying summed".
  // The underlying is the instId without its contract suffix (BTC-USDT-SWAP, BTC-USDT-250328 → BTC-USDT).
  crossTierGroup: (position) => position.symbol.split('-').slice(0, 2).join('-'),
  // OKX-MGNRATIO: liquidation when equity ≤ MM + liquidation fee, fee = |pos| × ctVal × markPx × takerFee.
  // Verified: reproduces the captured BTC-USDT-SWAP mgnRatio 140.49930117599155.
  feeRate: takerFee,
  feeInTrigger: true,
  maintenanceValueAt: atMark,
  // OKX-MGNRATIO: mgnRatio = equity / (MM + liquidation fee); falls toward danger, 1 = liquidation.
  venueMarginRatio: ({ marginBalance, maintenanceMargin, fee }) => {
    const requirement = maintenanceMargin.plus(fee);
    return requirement.isZero() ? null : marginBalance.div(requirement);
  },
};
