// The alert reducer: (previous state, what the monitor knows now) → (new state, effects).
// One observation per danger subject (each isolated position, the cross book; the danger model in
// ../danger decides its level from σ-distance, calibrated probabilities and margin ratio), one per
// data-health concern; the episode machine decides what opens, escalates, closes and gets pushed.
// A subject the venue liquidated is announced once and its episode closed as liquidated. No I/O, no clock.
import type { AccountSnapshot, MarginReport, PositionReport } from '../contracts';
import { parseSubject, positionSubjectOf, subjectKey, subjectLabel } from '../contracts/subject';
import type { AccountForecast } from '../forecast/types';
import type { VenueHealth } from '../contracts/health';
import type { DangerVerdict, SubjectDanger } from '../danger';
import { advisedDanger, type SubjectAdvice } from './dangerVerdict';
import { levelRank, type AlertLevel } from './levels';
import type { AlertSettings } from './settings';
import { finiteOrNull } from './classify';
import { advanceEpisodes } from './episodes';
import { dangerBody, dangerTitle, durationText, liquidatedBody, LEVEL_LABEL } from './format';
import {
  emptyAlertsState,
  type AlertEffect,
  type AlertsState,
  type Episode,
  type LiquidationEvent,
  type NotificationFacts,
  type Observation,
  type ReduceResult,
} from './types';

// Callers (the replay) import the verdict from here.
export { dangerVerdict } from './dangerVerdict';

export interface MonitorStatus {
  /** Time since the data path last handed the pipeline anything (monotonic clock). */
  silentMs: number;
  /** Set after the watchdog saw a sleep/resume or event-loop gap, until fresh data arrives. */
  resumedAfterGapMs: number | null;
}

/** What the data path knows about an account at one evaluation (the service hands this in). */
export interface AlertEvaluationInput {
  report: MarginReport | null;
  forecast: AccountForecast | null;
  health: VenueHealth;
  /** Shown in notification titles; defaults to the account id. */
  accountName?: string;
  /** Set when a periodic re-check finds the key's permissions widened since it was added (e.g. trading or withdrawals enabled). */
  keyPermissionsNotice?: string | null;
  /** The snapshot the report was computed from (marks, sizes for advice). */
  snapshot?: AccountSnapshot | null;
  /** σ per √minute of each symbol's 1-minute log returns (the forecast's market state). */
  volatility?: Record<string, number | null>;
  /** Liquidations / ADL / forced reductions the venue reported since the last evaluation. */
  venueEvents?: readonly LiquidationEvent[];
  /** Subject keys the trader closed or reduced by their own order since the last evaluation. */
  closedByTrader?: readonly string[];
  /** The venue stream that carries the trader's orders was live, so "no order from you" is a fact. */
  traderOrdersVisible?: boolean;
}

/** One evaluation: the account's data plus the settings, clock and monitor state it is judged with. */
export interface AlertInput extends AlertEvaluationInput {
  accountId: string;
  settings: AlertSettings;
  nowMs: number;
  /** Minutes east of UTC for quiet hours (the pipeline passes the OS time zone). */
  utcOffsetMin?: number;
  monitor?: MonitorStatus;
}

const UNREACHABLE_CODES = new Set([
  'network',
  'timeout',
  'maintenance',
  'ip-banned',
  'rate-limited',
  'stream-stalled',
]);
const KEY_CODES = new Set(['invalid-key', 'permission-denied']);

export function positionSubject(p: Pick<PositionReport, 'symbol' | 'positionSide'>): string {
  return subjectKey(positionSubjectOf(p));
}

/** A liquidation is announced once; a second report of it within this time is the same one. */
const LIQUIDATION_MEMORY_MS = 10 * 60_000;

export function reduceAlerts(previous: AlertsState | null, input: AlertInput): ReduceResult {
  const base = previous ?? emptyAlertsState(input.accountId);
  if (base.accountId !== input.accountId)
    throw new Error(`alert state belongs to ${base.accountId}, not ${input.accountId}`);
  const state: AlertsState = {
    ...base,
    open: { ...base.open },
    firstSeenMs: base.firstSeenMs ?? input.nowMs,
    errorSinceMs: input.health.state === 'error' ? (base.errorSinceMs ?? input.nowMs) : null,
  };
  const label = input.accountName ?? input.accountId;
  const s = input.settings;
  const observations: Observation[] = [];
  const effects: AlertEffect[] = [];

  const advised = input.report
    ? advisedDanger(input.report, input.forecast, input.snapshot, input.volatility, s)
    : null;
  const verdict = advised?.verdict ?? null;
  // The venue's own liquidation reports first: the report may still show those positions.
  for (const ev of input.venueEvents ?? []) announceLiquidation(state, ev.subject, ev.price, ev.kind, input, label, effects);
  if (input.report && advised && verdict) {
    const reported = new Set((input.venueEvents ?? []).map((e) => e.subject));
    observations.push(...dangerObservations(verdict, advised.advice, input, label).filter((o) => !reported.has(o.subject)));
    observations.push(...input.report.positions.map((p) => discrepancyObservation(`system:discrepancy:${p.symbol}:${p.positionSide}`, p, label, s)));
    observations.push(...goneObservations(state, verdict, input, label, effects));
  }
  const riskNow = verdict?.level ?? 'ok';
  observations.push(...systemObservations(input, state, riskNow, label));

  const advanced = advanceEpisodes(state, observations, {
    nowMs: input.nowMs,
    settings: s,
    utcOffsetMin: input.utcOffsetMin ?? 0,
  });
  return { state: advanced.state, effects: [...effects, ...advanced.effects] };
}

function dangerFacts(d: SubjectDanger, action: string | null, settleAsset: string): NotificationFacts {
  const facts: NotificationFacts = { subjectLabel: d.label, nearestSymbol: d.symbol, settleAsset };
  if (d.marginRatio !== null) facts.marginRatio = d.marginRatio;
  if (d.distance !== null) facts.distanceToLiquidation = d.distance;
  if (d.triggerPrice !== null) facts.triggerPrice = d.triggerPrice;
  if (d.pastTrigger) facts.pastLiquidation = true;
  if (d.p1h !== null) facts.probability1h = d.p1h;
  if (d.ttfMedianMin !== null) facts.ttfMedianMin = d.ttfMedianMin;
  if (action) facts.action = action;
  return facts;
}

/** One observation per danger subject; the predictive and the level alert are the same episode. */
function dangerObservations(verdict: DangerVerdict, advice: ReadonlyMap<string, SubjectAdvice>, input: AlertInput, label: string): Observation[] {
  const s = input.settings;
  const report = input.report!;
  const calmMs = s.hysteresis.levelCalmMin * 60_000;
  const out: Observation[] = [];
  for (const d of verdict.subjects) {
    const facts = dangerFacts(d, advice.get(d.key)?.text ?? null, report.settleAsset);
    const obs: Observation = {
      subject: d.key,
      kind: 'level',
      level: d.level,
      holdLevel: d.holdLevel,
      blind: false,
      calmMs,
      title: dangerTitle(d.level, label, d.label, facts),
      body: dangerBody(facts, d.reason),
      facts,
    };
    if (d.p1h !== null) obs.score = d.p1h;
    out.push(obs);
  }
  return out;
}

/**
 * Subjects that are gone from the report: a subject at margin call or worse that vanished without the
 * trader's own order was liquidated; anything else just ends. Legacy subjects end too.
 */
function goneObservations(
  state: AlertsState,
  verdict: DangerVerdict,
  input: AlertInput,
  label: string,
  effects: AlertEffect[],
): Observation[] {
  const present = new Set(verdict.subjects.map((d) => d.key));
  for (const p of input.report!.positions) present.add(`system:discrepancy:${p.symbol}:${p.positionSide}`);
  const traderClosed = new Set(input.closedByTrader ?? []);
  const out: Observation[] = [];
  for (const [key, ep] of Object.entries(state.open)) {
    if (present.has(key)) continue;
    const subject = parseSubject(key);
    const danger = subject !== null && (subject.type === 'position' || subject.type === 'cross');
    if (danger && traderClosed.has(key)) {
      // The trader's own order closed it: the episode ends that way, with no liquidation alert.
      delete state.open[key];
      effects.push({ type: 'episode', change: 'closed', episode: { ...ep, closedAtMs: input.nowMs, updatedAtMs: input.nowMs, closedAs: 'closed-by-trader' } });
      continue;
    }
    if (danger && ep.kind === 'level' && levelRank(ep.level) >= levelRank('margin-call')) {
      announceLiquidation(state, key, ep.facts.triggerPrice ?? null, 'liquidation', input, label, effects);
      // Already announced (the venue said so first): the episode still ends.
      if (state.open[key]) out.push(okObservation(key, ep.kind));
      continue;
    }
    const legacy = key === 'account' || key.startsWith('predictive:');
    if (danger || legacy || key.startsWith('system:discrepancy:')) out.push(okObservation(key, ep.kind));
  }
  return out;
}

/** Closes the subject's episode as liquidated and pushes one critical marker, exactly once. */
function announceLiquidation(
  state: AlertsState,
  key: string,
  price: string | null,
  kind: LiquidationEvent['kind'],
  input: AlertInput,
  label: string,
  effects: AlertEffect[],
): void {
  const now = input.nowMs;
  const memory: Record<string, number> = {};
  for (const [k, t] of Object.entries(state.liquidated ?? {})) if (now - t < LIQUIDATION_MEMORY_MS && t <= now) memory[k] = t;
  state.liquidated = memory;
  if (memory[key] !== undefined) return;
  const subject = parseSubject(key);
  if (!subject || (subject.type !== 'position' && subject.type !== 'cross')) return;
  memory[key] = now;
  const open = state.open[key];
  if (open) {
    const closed: Episode = { ...open, closedAtMs: now, updatedAtMs: now, closedAs: 'liquidated' };
    delete state.open[key];
    effects.push({ type: 'episode', change: 'closed', episode: closed });
  }
  const words = open?.facts.subjectLabel ?? subjectLabel(subject);
  const markerKey = subjectKey({ type: 'liquidated', of: subject });
  state.seq += 1;
  const facts: NotificationFacts = { subjectLabel: words, pastLiquidation: true, ...(price ? { triggerPrice: price } : {}) };
  const title = `${kind === 'adl' ? 'Auto-deleveraged' : kind === 'forced-reduction' ? 'Force-reduced' : 'Liquidated'}: ${label} ${words}`;
  const body = liquidatedBody(kind, words, price, input.traderOrdersVisible === true && kind === 'liquidation' && !input.venueEvents?.some((e) => e.subject === key));
  const marker: Episode = {
    id: `${state.accountId}/${markerKey}/${now}-${state.seq}`,
    accountId: state.accountId,
    subject: markerKey,
    kind: 'level',
    blind: false,
    level: 'critical',
    peakLevel: 'critical',
    openedAtMs: open?.openedAtMs ?? now,
    updatedAtMs: now,
    closedAtMs: now,
    calmSinceMs: null,
    notifiedLevel: 'critical',
    notifiedScore: null,
    lastNotifiedMs: now,
    notifySeq: 1,
    acknowledgedAtMs: null,
    snoozedUntilMs: null,
    snoozedLevel: null,
    title,
    body,
    facts,
    excludeChannels: [],
    closedAs: 'liquidated',
  };
  effects.push({ type: 'episode', change: 'opened', episode: { ...marker, closedAtMs: null } });
  effects.push({
    type: 'notify',
    notification: {
      key: `${marker.id}#1`,
      alertId: marker.id,
      accountId: state.accountId,
      subject: markerKey,
      kind: 'level',
      level: 'critical',
      reason: 'liquidated',
      title,
      body,
      urgency: 'critical',
      sound: true,
      facts,
      excludeChannels: [],
      atMs: now,
    },
  });
  effects.push({ type: 'episode', change: 'closed', episode: marker });
}

function okObservation(subject: string, kind: Observation['kind']): Observation {
  return {
    subject,
    kind,
    level: 'ok',
    holdLevel: 'ok',
    blind: false,
    calmMs: 0,
    title: '',
    body: '',
    facts: {},
  };
}

function discrepancyObservation(
  subject: string,
  p: PositionReport,
  label: string,
  s: AlertSettings,
): Observation {
  const d = p.discrepancy;
  const relative = d ? finiteOrNull(d.relative) : null;
  const bad = d !== null && (relative === null || Math.abs(relative) > s.discrepancyTolerance);
  const level: AlertLevel = bad ? 'warning' : 'ok';
  const detail = d
    ? `${p.symbol} ${d.field}: ours ${d.ours ?? 'none'}, exchange ${d.venue}${relative !== null ? ` (${(relative * 100).toFixed(2)}% apart)` : ''}.`
    : '';
  return {
    subject,
    kind: 'system',
    level,
    holdLevel: level,
    blind: false,
    calmMs: s.hysteresis.systemCalmMin * 60_000,
    title: `Engine and exchange disagree: ${label} ${p.symbol}`,
    body: `${detail} Check the account's tier table and settings; trust the exchange's number until this is resolved.`,
    facts: {},
  };
}

function systemObservations(
  input: AlertInput,
  state: AlertsState,
  riskNow: AlertLevel,
  label: string,
): Observation[] {
  const s = input.settings;
  const { health, nowMs } = input;
  const calmMs = s.hysteresis.systemCalmMin * 60_000;
  const highRisk = levelRank(riskNow) >= levelRank(s.staleness.highRiskFrom);
  const blindLevel: AlertLevel = highRisk ? 'critical' : 'warning';
  const limitMs = (highRisk ? s.staleness.maxAgeHighRiskSec : s.staleness.maxAgeSec) * 1000;
  const stopped = health.state === 'stopped';
  const sys = (
    subject: string,
    firing: boolean,
    level: AlertLevel,
    blind: boolean,
    title: string,
    body: string,
  ): Observation => ({
    subject,
    kind: 'system',
    level: firing && !stopped ? level : 'ok',
    holdLevel: firing && !stopped ? level : 'ok',
    blind,
    calmMs,
    title,
    body,
    facts: {},
  });

  const asOfMs = health.dataAsOf === null ? null : Date.parse(health.dataAsOf);
  const validAsOf = asOfMs !== null && Number.isFinite(asOfMs) ? asOfMs : null;
  const ageMs = validAsOf !== null ? nowMs - validAsOf : nowMs - (state.firstSeenMs ?? nowMs);
  const stale = health.state === 'stale' || ageMs > limitMs;
  const staleWhy =
    validAsOf === null
      ? `No data for ${durationText(ageMs)} since the monitor started.`
      : `Newest data is ${durationText(ageMs)} old.`;

  const errorCode = health.lastError?.code;
  const errorFor = state.errorSinceMs === null ? 0 : nowMs - state.errorSinceMs;
  const unreachable =
    health.state === 'error' &&
    errorCode !== undefined &&
    UNREACHABLE_CODES.has(errorCode) &&
    errorFor >= s.unreachableAfterSec * 1000;
  const keyRejected = errorCode !== undefined && KEY_CODES.has(errorCode) && health.state !== 'live';
  const aheadMs = validAsOf !== null ? validAsOf - nowMs : 0;
  const skewed = errorCode === 'clock-skew' || aheadMs > s.clockSkewToleranceSec * 1000;
  const mon = input.monitor;
  const blind = mon !== undefined && (mon.silentMs > limitMs || mon.resumedAfterGapMs !== null);
  const riskNote = highRisk
    ? ` The account is at ${LEVEL_LABEL[riskNow]}: check it on the exchange now.`
    : '';
  const errorText = health.lastError ? ` ${health.lastError.message}` : '';

  return [
    sys('system:stale', stale, blindLevel, true, `Data stale: ${label}`, `${staleWhy}${riskNote}`),
    sys(
      'system:unreachable',
      unreachable,
      blindLevel,
      true,
      `Exchange unreachable: ${label}`,
      `No answer from the exchange for ${durationText(errorFor)}.${errorText}${riskNote}`,
    ),
    sys(
      'system:key',
      keyRejected,
      'critical',
      true,
      `API key rejected: ${label}`,
      `The exchange refused the read-only key (${errorCode ?? 'unknown'}); the account is not monitored.${errorText}`,
    ),
    sys(
      'system:key-permissions',
      !!input.keyPermissionsNotice,
      'warning',
      false,
      `API key permissions changed: ${label}`,
      `${input.keyPermissionsNotice ?? ''} Replace it with a read-only key.`,
    ),
    sys(
      'system:clock-skew',
      skewed,
      'warning',
      false,
      `Clock skew: ${label}`,
      aheadMs > 0
        ? `Exchange data is ${durationText(aheadMs)} ahead of this computer's clock.${errorText}`
        : `Clock skew reported.${errorText}`,
    ),
    sys(
      'system:blind',
      blind,
      blindLevel,
      true,
      `Monitor blind: ${label}`,
      mon?.resumedAfterGapMs != null
        ? `The monitor was paused for ${durationText(mon.resumedAfterGapMs)} (sleep or stall); waiting for fresh data.${riskNote}`
        : `No data reached the alert pipeline for ${durationText(mon?.silentMs ?? 0)}.${riskNote}`,
    ),
  ];
}
