// Cross-check against the figures the exchange itself reported (issue 3 §5): flag a difference larger
// than one unit of the coarser of the venue's printed precision and ours.
import type { Discrepancy, ReportedFigures } from '../contracts';
import { Dec, decimalsOf, plain, printWith, type PrintRule } from './decimal';

export interface OurFigures {
  liquidationPrice: Dec | null;
  maintenanceMargin: Dec;
  marginRatio: Dec | null;
  unrealizedPnl: Dec;
  initialMargin: Dec;
}

const FIELDS = [
  'liquidationPrice',
  'maintenanceMargin',
  'marginRatio',
  'unrealizedPnl',
  'initialMargin',
] as const;

/** Venues print "0" or "" for "no liquidation price" (Binance "0", Bybit ""). */
function venueHasNoPrice(text: string): boolean {
  return text.trim() === '' || new Dec(text).isZero();
}

export function findDiscrepancy(
  reported: ReportedFigures | undefined,
  ours: OurFigures,
  print: PrintRule,
): Discrepancy | null {
  if (!reported) return null;
  for (const field of FIELDS) {
    const venueText = reported[field];
    if (venueText === undefined) continue;
    const mine = ours[field];
    if (field === 'liquidationPrice' && venueHasNoPrice(venueText)) {
      if (mine === null) continue;
      return { field, ours: printWith(print, mine), venue: venueText, relative: null };
    }
    const venue = new Dec(venueText);
    if (mine === null) return { field, ours: null, venue: venueText, relative: null };
    const decimals = Math.min(decimalsOf(venueText), print.decimals);
    const tolerance = new Dec(10).pow(-decimals);
    const diff = mine.minus(venue).abs();
    if (diff.gt(tolerance)) {
      const relative = venue.isZero() ? null : plain(diff.div(venue.abs()).toSignificantDigits(6));
      return { field, ours: printWith(print, mine), venue: venueText, relative };
    }
  }
  return null;
}
