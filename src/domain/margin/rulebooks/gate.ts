// Gate.io futures, isolated (linear; inverse form unverified). Formulas: MARGIN-FORMULAS.md (design notes; per-formula sources in docs/ENGINE.md) §5.
import type { Rulebook } from '../rulebook';
import { atMark, sameRatio, tableTerms, takerFee } from './table';

export const gate: Rulebook = {
  venue: 'gate',
  print: { decimals: 8, mode: 'half-up' },
  contractTypes: ['linear', 'inverse'],
  // Gate risk limits are by position value; MM = value × MMR (Gate help "Liquidation price, bankruptcy price").
  maintenanceTerms: (input, warn) => tableTerms(input, 'notional', warn),
  // OKX-GATE-LIN-ISO-LP: LP = (EP ∓ margin/(multiplier·size)) / (1 ∓ (MMR + takerFee)) — the taker fee
  // joins the MMR. Implementation-verified only (freqtrade synthetic tests); inverse form unverified.
  feeRate: takerFee,
  feeInTrigger: true,
  maintenanceValueAt: atMark,
  venueMarginRatio: sameRatio,
};
