// The demo-tape replay (api `replay.run`) told in plain words: when each alert would have fired,
// when the exchange liquidated, and how much warning the trader had before that.
import type { DemoReplayResult } from '../../api/messages';
import { levelRank, LEVEL_LABELS, type AlertLevel } from './levels';
import { baseSubject, isLiquidationAlert, subjectLabel } from './subjects';

export interface ReplayAlertRow {
  at: string;
  level: AlertLevel;
  /** "Margin call on BTCUSDT long" */
  text: string;
}

export interface ReplayLiquidationRow {
  at: string;
  label: string;
  price: string;
  /** The first margin-call-or-worse alert on the same position before the liquidation (null: none came). */
  warnedAt: string | null;
  /** Liquidation time minus `warnedAt`, in ms (null without a warning). */
  leadMs: number | null;
}

export interface ReplayStory {
  alerts: ReplayAlertRow[];
  liquidations: ReplayLiquidationRow[];
}

/** Alert lines in time order and, for each liquidation, its lead time from the first margin call or worse. */
export function replayStory(result: Pick<DemoReplayResult, 'lines'>): ReplayStory {
  const alerts: ReplayAlertRow[] = [];
  const liquidations: ReplayLiquidationRow[] = [];
  const firstSevere = new Map<string, string>();
  for (const line of result.lines) {
    if (line.kind === 'alert') {
      // The "Liquidated" alert repeats the liquidation line; it is shown there.
      if (isLiquidationAlert({ subject: line.subject, kind: 'level' })) continue;
      alerts.push({
        at: line.t,
        level: line.level,
        text: `${LEVEL_LABELS[line.level]} on ${subjectLabel(line.subject)}`,
      });
      const key = baseSubject(line.subject);
      if (levelRank(line.level) >= levelRank('margin-call') && !firstSevere.has(key))
        firstSevere.set(key, line.t);
    } else if (line.kind === 'liquidated') {
      const warnedAt = firstSevere.get(baseSubject(line.subject)) ?? null;
      const lead = warnedAt === null ? null : Date.parse(line.t) - Date.parse(warnedAt);
      liquidations.push({
        at: line.t,
        label: subjectLabel(line.subject),
        price: line.price,
        warnedAt,
        leadMs: lead !== null && Number.isFinite(lead) ? lead : null,
      });
    }
  }
  return { alerts, liquidations };
}

/** A tape time as "10:12:20 UTC" (the tape is history; the trader's zone would only confuse). */
export function replayClock(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(11, 19)} UTC` : '—';
}

/** A lead time as "10 min 0 s", "1 h 2 min 5 s", "40 s". */
export function formatLead(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return 'no warning';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${m} min ${s} s`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}
