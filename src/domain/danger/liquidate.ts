// What the exchange does to an account whose marks crossed liquidation, by the venue's rules: an
// isolated position past its own liquidation price is closed and loses its isolated margin (the
// liquidation fee comes out of that margin on Binance-style venues, so the loss is capped by it);
// when the cross ratio reaches 1 every cross position is closed and the cross wallet keeps what is
// left of its margin balance, never below zero. Used by the replay and by what-if.
import Decimal from 'decimal.js';
import type { AccountSnapshot, MarginReport } from '../contracts';
import { CROSS_SUBJECT, positionSubjectOf, subjectKey, subjectLabel } from '../contracts/subject';

export interface ClosedByVenue {
  /** Subject key: the isolated position, or `cross` for the cross book (once). */
  subject: string;
  label: string;
  /** The engine's liquidation price of that subject. */
  price: string;
  /** What the account loses: the isolated margin, or the cross wallet's loss. */
  loss: string;
}

export interface VenueLiquidation {
  /** The account after the exchange closed what it liquidates (input snapshot untouched). */
  after: AccountSnapshot;
  closed: ClosedByVenue[];
  /** Indexes into the input snapshot's positions that were closed. */
  closedIndexes: number[];
}

/** Positions of `symbols` (all when omitted) whose mark in `snapshot` crossed liquidation per `report`. */
export function liquidateByVenueRules(snapshot: AccountSnapshot, report: MarginReport, symbols?: ReadonlySet<string>): VenueLiquidation {
  const drop = new Set<number>();
  const closed: ClosedByVenue[] = [];
  snapshot.positions.forEach((p, i) => {
    const r = report.positions[i];
    if (p.marginMode !== 'isolated' || !r?.liquidationPrice || (symbols && !symbols.has(p.symbol))) return;
    const mark = new Decimal(p.markPrice);
    if (p.side === 'long' ? mark.lte(r.liquidationPrice) : mark.gte(r.liquidationPrice)) {
      drop.add(i);
      const subject = positionSubjectOf({ ...p, marginMode: 'isolated' });
      closed.push({ subject: subjectKey(subject), label: subjectLabel(subject), price: r.liquidationPrice, loss: new Decimal(p.isolatedMargin ?? 0).toString() });
    }
  });
  const after: AccountSnapshot = { ...snapshot, positions: [...snapshot.positions] };
  const ratio = report.account.marginRatio;
  const cross = snapshot.positions.map((p, i) => ({ p, i })).filter(({ p }) => p.marginMode === 'cross');
  if (ratio !== null && new Decimal(ratio).gte(1) && cross.length > 0) {
    let pnl = new Decimal(0);
    let price: string | null = null;
    for (const { p, i } of cross) {
      drop.add(i);
      pnl = pnl.plus(report.positions[i]?.unrealizedPnl ?? 0);
      if (price === null && (!symbols || symbols.has(p.symbol))) price = report.positions[i]?.liquidationPrice ?? p.markPrice;
    }
    const wallet = new Decimal(snapshot.crossWalletBalance);
    const left = Decimal.max(0, wallet.plus(pnl));
    after.crossWalletBalance = left.toString();
    closed.push({ subject: subjectKey(CROSS_SUBJECT), label: subjectLabel(CROSS_SUBJECT), price: price ?? cross[0]!.p.markPrice, loss: wallet.minus(left).toString() });
  }
  after.positions = snapshot.positions.filter((_, i) => !drop.has(i));
  return { after, closed, closedIndexes: [...drop].sort((a, b) => a - b) };
}
