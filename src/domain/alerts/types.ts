// Shapes the alert reducer works on. Everything here is plain JSON so the whole reducer state can be
// persisted and reloaded after a restart without losing an open episode or a pending repeat.
import type { AlertLevel } from './levels';

export type AlertKind = 'level' | 'predictive' | 'system';

/** Numbers a notification body carries; decimal strings as the report prints them. */
export interface NotificationFacts {
  marginRatio?: string;
  /** Signed distance to liquidation of the nearest position (fraction of mark). */
  distanceToLiquidation?: string;
  nearestSymbol?: string;
  topUpToTarget?: string;
  settleAsset?: string;
  /** The position or account is at or beyond its liquidation price (margin balance ≤ maintenance). */
  pastLiquidation?: boolean;
  probability1h?: number;
  probability15m?: number;
  /** Plain subject words ("BTCUSDT long (isolated)"). */
  subjectLabel?: string;
  /** The price at which the subject triggers (its engine liquidation price). */
  triggerPrice?: string;
  ttfMedianMin?: number;
  /** The one action that restores safety, as a sentence. */
  action?: string;
}

/** What one evaluation observed about one subject. */
export interface Observation {
  /** "account", "position:BTCUSDT:both", "predictive:account", "system:stale", ... */
  subject: string;
  kind: AlertKind;
  /** Level by the entry thresholds. */
  level: AlertLevel;
  /** Level by the release thresholds (≥ level): the episode keeps its level while this holds it. */
  holdLevel: AlertLevel;
  /** The monitor cannot see the account (stale, unreachable, key rejected): never silenced by quiet hours. */
  blind: boolean;
  /** How long the hold level must stay lower before the episode steps down or closes. */
  calmMs: number;
  title: string;
  body: string;
  facts: NotificationFacts;
  /** Predictive only: P(1 h); a doubling re-pushes (FORECAST.md §3.1). */
  score?: number;
  /** Channels that must not carry this alert (a failing channel cannot report its own failure). */
  excludeChannels?: string[];
}

export interface Episode {
  id: string;
  accountId: string;
  subject: string;
  kind: AlertKind;
  blind: boolean;
  level: AlertLevel;
  peakLevel: AlertLevel;
  openedAtMs: number;
  updatedAtMs: number;
  closedAtMs: number | null;
  /** When the hold level first fell below the episode level; null while it has not. */
  calmSinceMs: number | null;
  /** Highest level pushed in this episode; null before the first push. */
  notifiedLevel: AlertLevel | null;
  notifiedScore: number | null;
  lastNotifiedMs: number | null;
  /** Number of pushes so far; part of each push's idempotency key. */
  notifySeq: number;
  acknowledgedAtMs: number | null;
  snoozedUntilMs: number | null;
  /** Level at snooze time: a worse level breaks through the snooze. */
  snoozedLevel: AlertLevel | null;
  title: string;
  body: string;
  facts: NotificationFacts;
  excludeChannels: string[];
  /** Set when the venue liquidated (or auto-deleveraged) the subject, or the trader's own order closed it. */
  closedAs?: 'liquidated' | 'closed-by-trader';
}

export interface AlertsState {
  version: 1;
  accountId: string;
  /** Episode counter, part of episode ids. */
  seq: number;
  /** Open episodes by subject (at most one per subject). */
  open: Record<string, Episode>;
  /** First evaluation time: "no data yet" becomes stale after the same limit. */
  firstSeenMs: number | null;
  /** Start of the current run of exchange errors. */
  errorSinceMs: number | null;
  /** Subjects liquidated recently (key → ms): a liquidation is announced exactly once. */
  liquidated?: Record<string, number>;
}

export type PushReason = 'opened' | 'escalated' | 'repeat' | 'rising-probability' | 'liquidated';

/** A liquidation, auto-deleveraging or forced reduction the venue reported for a subject. */
export interface LiquidationEvent {
  /** Subject key (`position:BTCUSDT:long`, `cross`). */
  subject: string;
  kind: 'liquidation' | 'adl' | 'forced-reduction';
  /** Fill price as the venue printed it, when known. */
  price: string | null;
  atMs: number;
}

/** One push the pipeline must deliver exactly once per channel (idempotency key below). */
export interface NotificationIntent {
  /** `${episodeId}#${notifySeq}`: the same push always has the same key. */
  key: string;
  alertId: string;
  accountId: string;
  subject: string;
  kind: AlertKind;
  level: AlertLevel;
  reason: PushReason;
  title: string;
  body: string;
  urgency: 'normal' | 'critical';
  /** Critical level alerts play the alarm sound. */
  sound: boolean;
  facts: NotificationFacts;
  excludeChannels: string[];
  atMs: number;
}

export type EpisodeChange =
  'opened' | 'escalated' | 'deescalated' | 'closed' | 'acknowledged' | 'snoozed' | 'notified';

export type AlertEffect =
  | { type: 'episode'; change: EpisodeChange; episode: Episode }
  | { type: 'notify'; notification: NotificationIntent };

export interface ReduceResult {
  state: AlertsState;
  effects: AlertEffect[];
}

export function emptyAlertsState(accountId: string): AlertsState {
  return { version: 1, accountId, seq: 0, open: {}, firstSeenMs: null, errorSinceMs: null };
}
