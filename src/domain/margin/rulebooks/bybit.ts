// Bybit USDT/USDC linear and inverse, isolated and cross (classic formulas) + UTA account rates.
// Formulas: MARGIN-FORMULAS.md (design notes; per-formula sources in docs/ENGINE.md) §3.
import type { Rulebook } from '../rulebook';
import { noFee, sameRatio, tableTerms } from './table';

export const bybit: Rulebook = {
  venue: 'bybit',
  // BY-INV-FIELDS: −0.000294126597… is printed "−0.00029413": half-up (away from zero) at 8 dp.
  print: { decimals: 8, mode: 'half-up' },
  contractTypes: ['linear', 'inverse'],
  // Risk limit (tier) by position value; MM = PV × MMR − mmDeduction (BY-LIN-ISO-LP).
  maintenanceTerms: (input, warn) => tableTerms(input, 'notional', warn),
  // Classic articles (BY-LIN-ISO-LP, verified by the doc examples 19,700 / 9,850 / 8,160) have no fee
  // term. The 2026 UTA isolated article adds the estimated close fee (§3.2, unverified, sources
  // disagree); we implement the verified classic version.
  feeRate: noFee,
  feeInTrigger: false,
  // BY-LIN-ISO-LP: isolated IM and MM are fixed on the position value at ENTRY (PV = size × EP), so the
  // liquidation price is EP ∓ (IM − MM)/size. Cross (UTA) maintenance moves with the mark (BY-UTA-ACCOUNT).
  maintenanceValueAt: (position) => (position.marginMode === 'isolated' ? 'entry' : 'mark'),
  // BY-UTA-ACCOUNT: accountMMRate = totalMaintenanceMargin / totalMarginBalance — our normalised ratio.
  venueMarginRatio: sameRatio,
};
