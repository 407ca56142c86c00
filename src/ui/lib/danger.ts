// The danger strip's one line: the most endangered subject across all accounts, now. It reads the
// service's danger verdict (AccountView.danger, from the danger model) and, for a service without
// it, falls back to the positions table's own ordering (open alert levels, then time to trigger).
import type { AccountView } from '../../api/messages';
import { levelRank, type AlertLevel } from './levels';
import type { PositionRow } from './positions';
import { mostEndangered } from './positions';

/** The fields of the danger model's per-subject verdict the strip shows. */
export interface DangerSubjectLike {
  subject: string;
  label: string;
  level: AlertLevel;
  reason?: string;
  symbol: string;
  markPrice: string | null;
  triggerPrice: string | null;
  distance: string | null;
  p1h: number | null;
  ttfMedianMin: number | null;
  action: { text: string } | null;
  alternatives?: { text: string }[];
}

export interface DangerStripItem {
  accountId: string;
  accountName: string;
  /** Machine key of the subject, for the detail route only (never shown). */
  subjectKey: string;
  label: string;
  level: AlertLevel;
  reason: string | null;
  /** |distance| to the trigger as a fraction of the mark. */
  distance: string | null;
  triggerPrice: string | null;
  tickSize: string | null;
  quoteAsset: string;
  p1h: number | null;
  ttfMedianMin: number | null;
  action: string | null;
  /** Other actions that also restore safety ("reduce ETHUSDT by 7.177 ETH"), shown as "or …". */
  alternatives: string[];
  /** The account report's collateral-risk sentences, one line ("your BTC collateral covers less as BTC falls"). */
  collateralRisk: string | null;
}

/**
 * The verdict's restoring action for a subject once it is at warning or worse (at watch there is
 * nothing to do yet); where it is shown it replaces the ratio-target figures (top-up, reduction),
 * which answer another question and read 0 beside a danger.
 */
export function restoringAction<A>(
  subject: { level: AlertLevel; action: A | null } | null | undefined,
): A | null {
  return subject && levelRank(subject.level) >= levelRank('warning') ? subject.action : null;
}

/** Distinct collateral-risk reasons of the account's report on one line; null when it has none. */
function collateralRiskOf(account: AccountView | undefined): string | null {
  const reasons = [...new Set((account?.report?.account.collateralRisk ?? []).map((r) => r.reason.trim()))];
  const line = reasons.filter((r) => r !== '').join('; ');
  return line === '' ? null : line;
}

function dangerOf(account: AccountView): { worst: DangerSubjectLike | null } | null {
  return (account as { danger?: { worst: DangerSubjectLike | null } | null }).danger ?? null;
}

function fromVerdict(account: AccountView, d: DangerSubjectLike): DangerStripItem {
  const position = account.snapshot?.positions.find((p) => p.symbol === d.symbol);
  const quote = position?.contractType === 'inverse' ? 'USD' : (account.snapshot?.settleAsset ?? '');
  return {
    accountId: account.id,
    accountName: account.name,
    subjectKey: d.subject,
    label: d.label,
    level: d.level,
    reason: d.reason ?? null,
    distance: d.distance === null ? null : d.distance.replace(/^-/, ''),
    triggerPrice: d.triggerPrice,
    tickSize: position?.tickSize ?? null,
    quoteAsset: quote,
    p1h: d.p1h,
    ttfMedianMin: d.ttfMedianMin,
    action: d.action?.text ?? null,
    alternatives: (d.alternatives ?? []).map((a) => a.text),
    collateralRisk: collateralRiskOf(account),
  };
}

function fromRow(row: PositionRow, account: AccountView | undefined): DangerStripItem {
  const topUp = account?.report?.account.topUpToTarget;
  const needsTopUp = row.marginMode === 'cross' && topUp && Number(topUp) > 0;
  return {
    accountId: row.accountId,
    accountName: row.accountName,
    subjectKey: `position:${row.symbol}:${row.positionSide}`,
    label: `${row.symbol} ${row.side} (${row.marginMode})`,
    level: row.level,
    reason: null,
    distance: row.distanceToLiquidation === null ? null : row.distanceToLiquidation.replace(/^-/, ''),
    triggerPrice: row.liquidationPrice,
    tickSize: row.tickSize,
    quoteAsset: row.quoteAsset,
    p1h: row.probability1h,
    ttfMedianMin: row.medianMinutes,
    action: needsTopUp ? `top up ${topUp} ${row.settleAsset} to the cross wallet` : null,
    alternatives: [],
    collateralRisk: collateralRiskOf(account),
  };
}

/** Worse first: level, then sooner median time to trigger, then nearer distance. */
function worse(a: DangerStripItem, b: DangerStripItem): boolean {
  const byLevel = levelRank(a.level) - levelRank(b.level);
  if (byLevel !== 0) return byLevel > 0;
  const ta = a.ttfMedianMin ?? Infinity;
  const tb = b.ttfMedianMin ?? Infinity;
  if (ta !== tb) return ta < tb;
  return Math.abs(Number(a.distance ?? Infinity)) < Math.abs(Number(b.distance ?? Infinity));
}

/** `rowsOf` is only called for a service without the danger verdict (it costs a table's worth of work). */
export function worstDanger(accounts: AccountView[], rowsOf: () => PositionRow[]): DangerStripItem | null {
  let best: DangerStripItem | null = null;
  let rows: PositionRow[] | null = null;
  for (const account of accounts) {
    const verdict = dangerOf(account);
    let item: DangerStripItem | null = null;
    if (verdict) item = verdict.worst ? fromVerdict(account, verdict.worst) : null;
    else {
      rows ??= rowsOf();
      const top = mostEndangered(rows.filter((r) => r.accountId === account.id));
      item = top ? fromRow(top, account) : null;
    }
    if (item && (!best || worse(item, best))) best = item;
  }
  return best;
}
