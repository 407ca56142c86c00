// Binance USDⓈ-M futures (linear, USDT/USDC-margined).
// Formulas: MARGIN-FORMULAS.md (design notes; per-formula sources in docs/ENGINE.md) §1 (BN-UM-*). The liquidation price itself is solved by
// the venue-free engine (solve.ts), which is the closed form BN-UM-LP generalised to any level.
import type { Rulebook } from '../rulebook';
import { atMark, noFee, sameRatio, tableTerms } from './table';

export const binanceUsdm: Rulebook = {
  venue: 'binance-usdm',
  // BN-UM-FIELDS / §1.5: printed position fields have 8 decimals, truncated (ROUND_DOWN), e.g.
  // 607.52416678722 → "607.52416678".
  print: { decimals: 8, mode: 'truncate' },
  contractTypes: ['linear'],
  // BN-UM-MM: MM = notional × maintMarginRatio(bracket) − cum(bracket), bracket by position notional
  // (Binance docs "Notional and Leverage Brackets"; always the account's own bracket response).
  maintenanceTerms: (input, warn) => tableTerms(input, 'notional', warn),
  // BN-UM-LP has no fee term: liquidation when margin balance = maintenance margin.
  feeRate: noFee,
  feeInTrigger: false,
  maintenanceValueAt: atMark,
  // BN-UM-MR: the UI "Margin Ratio" is MM / margin balance, our normalised ratio.
  venueMarginRatio: sameRatio,
};
