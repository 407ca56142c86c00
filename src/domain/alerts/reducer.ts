// The alert reducer: (previous state, what the monitor knows now) → (new state, effects).
// Builds one observation per subject (account, positions, forecast, data health) and lets the
// episode machine decide what opens, escalates, closes and gets pushed. No I/O, no clock.
import type { MarginReport, PositionReport } from '../contracts';
import type { AccountForecast, LevelForecast } from '../forecast/types';
import type { VenueHealth } from '../contracts/health';
import { levelRank, worstLevel, type AlertLevel } from './levels';
import type { AlertSettings } from './settings';
import { classify, finiteOrNull, isolatedRatioFromDistance, positionDirection } from './classify';
import { advanceEpisodes } from './episodes';
import { durationText, levelBody, levelTitle, predictiveBody, LEVEL_LABEL } from './format';
import {
  emptyAlertsState,
  type AlertsState,
  type NotificationFacts,
  type Observation,
  type ReduceResult,
} from './types';

export interface MonitorStatus {
  /** Time since the data path last handed the pipeline anything (monotonic clock). */
  silentMs: number;
  /** Set after the watchdog saw a sleep/resume or event-loop gap, until fresh data arrives. */
  resumedAfterGapMs: number | null;
}

export interface AlertInput {
  accountId: string;
  /** Shown in titles; defaults to the id. */
  accountName?: string;
  report: MarginReport | null;
  forecast: AccountForecast | null;
  health: VenueHealth;
  settings: AlertSettings;
  nowMs: number;
  /** Minutes east of UTC for quiet hours (the pipeline passes the OS time zone). */
  utcOffsetMin?: number;
  monitor?: MonitorStatus;
  /** Set when a periodic re-check finds the key's permissions widened since it was added (e.g. trading or withdrawals enabled). */
  keyPermissionsNotice?: string | null;
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
  return `position:${p.symbol}:${p.positionSide}`;
}

export function reduceAlerts(previous: AlertsState | null, input: AlertInput): ReduceResult {
  const base = previous ?? emptyAlertsState(input.accountId);
  if (base.accountId !== input.accountId)
    throw new Error(`alert state belongs to ${base.accountId}, not ${input.accountId}`);
  const state: AlertsState = {
    ...base,
    firstSeenMs: base.firstSeenMs ?? input.nowMs,
    errorSinceMs: input.health.state === 'error' ? (base.errorSinceMs ?? input.nowMs) : null,
  };
  const label = input.accountName ?? input.accountId;
  const s = input.settings;
  const observations: Observation[] = [];

  const levelObs = input.report ? levelObservations(input.report, state, label, s) : [];
  observations.push(...levelObs);
  const riskNow = worstLevel([
    ...levelObs.map((o) => o.level),
    ...Object.values(state.open)
      .filter((e) => e.kind === 'level')
      .map((e) => e.level),
  ]);
  if (input.forecast && input.report) {
    observations.push(...predictiveObservations(input.forecast, input.report, levelObs, state, label, s));
  }
  observations.push(...systemObservations(input, state, riskNow, label));

  return advanceEpisodes(state, observations, {
    nowMs: input.nowMs,
    settings: s,
    utcOffsetMin: input.utcOffsetMin ?? 0,
  });
}

function accountFacts(report: MarginReport): NotificationFacts {
  const facts: NotificationFacts = {
    topUpToTarget: report.account.topUpToTarget,
    settleAsset: report.settleAsset,
  };
  if (report.account.marginRatio !== null) facts.marginRatio = report.account.marginRatio;
  const nearest = nearestPosition(report.positions);
  if (nearest?.distanceToLiquidation) {
    facts.distanceToLiquidation = nearest.distanceToLiquidation;
    facts.nearestSymbol = nearest.symbol;
  }
  return facts;
}

function nearestPosition(positions: readonly PositionReport[]): PositionReport | null {
  let best: PositionReport | null = null;
  let bestAbs = Number.POSITIVE_INFINITY;
  for (const p of positions) {
    const d = finiteOrNull(p.distanceToLiquidation);
    if (d !== null && Math.abs(d) < bestAbs) {
      best = p;
      bestAbs = Math.abs(d);
    }
  }
  return best;
}

/** The engine's MAX_MARGIN_RATIO: a margin balance at or below zero. */
const SATURATED_MARGIN_RATIO = 1000;

function levelObservations(
  report: MarginReport,
  state: AlertsState,
  label: string,
  s: AlertSettings,
): Observation[] {
  const out: Observation[] = [];
  const calmMs = s.hysteresis.levelCalmMin * 60_000;
  // Past liquidation (margin balance ≤ 0 with positions open) the engine saturates the ratio at
  // MAX_MARGIN_RATIO (older reports printed none): that account is at or past liquidation, not safe.
  const printed = finiteOrNull(report.account.marginRatio);
  const bankrupt = report.positions.length > 0 && (printed === null || printed >= SATURATED_MARGIN_RATIO);
  const accountMetrics = { marginRatio: bankrupt ? 1 : printed, distance: null };
  const account = classify(accountMetrics, s);
  const facts = accountFacts(report);
  if (bankrupt) facts.pastLiquidation = true;
  out.push({
    subject: 'account',
    kind: 'level',
    ...account,
    blind: false,
    calmMs,
    title: levelTitle(account.level, label, facts, ''),
    body: levelBody(account.level, facts, s),
    facts,
  });

  const seen = new Set<string>();
  // Cross legs that share one liquidation price (hedged legs of a symbol) are one danger: one alert.
  const crossLiquidations = new Set<string>();
  for (const p of report.positions) {
    const subject = positionSubject(p);
    seen.add(subject);
    const signed = finiteOrNull(p.distanceToLiquidation);
    const isolated = p.marginMode === 'isolated';
    const direction = positionDirection(p);
    // An isolated position past its own liquidation price counts as zero distance, never as "some
    // distance away". A cross leg's liquidation price is the account's, which may lie on either side
    // of mark (a hedged short leg in a net-long account liquidates when price falls).
    const past =
      isolated && signed !== null && direction !== null && (direction === 'long' ? signed >= 0 : signed <= 0);
    const distance = signed === null ? null : past ? 0 : Math.abs(signed);
    // The engine prints each isolated position's own ratio; older reports only allow an estimate.
    const ratio = !isolated
      ? null
      : (finiteOrNull(p.marginRatio) ??
        (signed !== null && direction !== null ? isolatedRatioFromDistance(signed, Number(p.maintenanceRate), direction) : null));
    let c = classify({ marginRatio: ratio, distance }, s);
    // A cross position shares the account's margin: alert on it only where its price distance says
    // more than the account ratio already does, or every cross alert would arrive twice.
    if (!isolated && levelRank(c.holdLevel) <= levelRank(account.level)) c = { level: 'ok', holdLevel: 'ok' };
    else if (!isolated && levelRank(c.level) <= levelRank(account.level))
      c = { level: 'ok', holdLevel: c.holdLevel };
    if (!isolated && p.liquidationPrice !== null) {
      const key = `${p.symbol}@${p.liquidationPrice}`;
      if (crossLiquidations.has(key)) c = { level: 'ok', holdLevel: 'ok' };
      crossLiquidations.add(key);
    }
    const pf: NotificationFacts = {
      topUpToTarget: report.account.topUpToTarget,
      settleAsset: report.settleAsset,
      nearestSymbol: p.symbol,
    };
    if (signed !== null) pf.distanceToLiquidation = p.distanceToLiquidation ?? undefined;
    if (past) pf.pastLiquidation = true;
    if (isolated && ratio !== null) pf.marginRatio = ratio.toFixed(4);
    else if (report.account.marginRatio !== null) pf.marginRatio = report.account.marginRatio;
    out.push({
      subject,
      kind: 'level',
      ...c,
      blind: false,
      calmMs,
      title: levelTitle(
        c.level,
        label,
        pf,
        `${p.symbol}${p.positionSide === 'both' ? '' : ` ${p.positionSide}`}`,
      ),
      body: levelBody(c.level, pf, s),
      facts: pf,
    });

    const discSubject = `system:discrepancy:${p.symbol}:${p.positionSide}`;
    seen.add(discSubject);
    out.push(discrepancyObservation(discSubject, p, label, s));
  }
  // Positions that are gone (closed or liquidated) end their episodes now.
  for (const subject of Object.keys(state.open)) {
    if (
      (subject.startsWith('position:') || subject.startsWith('system:discrepancy:')) &&
      !seen.has(subject)
    ) {
      out.push(okObservation(subject, state.open[subject]!.kind));
    }
  }
  return out;
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

function findLevel(levels: readonly LevelForecast[], target: number): LevelForecast | null {
  // The forecast may be about several levels; use the one closest to the configured level.
  let best: LevelForecast | null = null;
  let bestGap = Number.POSITIVE_INFINITY;
  for (const l of levels) {
    const v = finiteOrNull(l.level);
    if (v === null) continue;
    const gap = Math.abs(v - target);
    if (gap < bestGap && gap <= 0.05) {
      best = l;
      bestGap = gap;
    }
  }
  return best;
}

function probabilityAt(level: LevelForecast, horizonMin: number): number | null {
  const p = level.probabilities.find((x) => x.horizonMin === horizonMin)?.probability;
  return p !== undefined && Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : null;
}

function predictiveObservation(
  levels: readonly LevelForecast[],
  subject: string,
  what: string,
  baseFacts: NotificationFacts,
  riskNow: AlertLevel,
  label: string,
  s: AlertSettings,
): Observation | null {
  if (!s.predictive.enabled) return null;
  const level = findLevel(levels, s.predictive.level);
  if (!level) return null;
  const p60 = probabilityAt(level, 60);
  const p15 = probabilityAt(level, 15);
  if (p60 === null && p15 === null) return null;
  // Once the subject is at margin call the prediction has come true; the level alert speaks.
  const alreadyThere = levelRank(riskNow) >= levelRank('margin-call');
  const firing =
    !alreadyThere &&
    ((p60 !== null && p60 >= s.predictive.p1h) || (p15 !== null && p15 >= s.predictive.p15m));
  const facts: NotificationFacts = { ...baseFacts };
  if (p60 !== null) facts.probability1h = p60;
  if (p15 !== null) facts.probability15m = p15;
  const lvl: AlertLevel = firing ? 'warning' : 'ok';
  const obs: Observation = {
    subject,
    kind: 'predictive',
    level: lvl,
    holdLevel: lvl,
    blind: false,
    calmMs: s.hysteresis.predictiveCalmMin * 60_000,
    title: `Margin call likely soon: ${label}${what ? ` ${what}` : ''}`,
    body:
      predictiveBody(facts, s.predictive.level) +
      (level.medianMinutes !== null ? ` Median time to trigger ${level.medianMinutes} min.` : ''),
    facts,
  };
  if (p60 !== null) obs.score = p60;
  return obs;
}

/** Account forecast, plus each isolated position's own (cross positions share the account's). */
function predictiveObservations(
  forecast: AccountForecast,
  report: MarginReport,
  levelObs: readonly Observation[],
  state: AlertsState,
  label: string,
  s: AlertSettings,
): Observation[] {
  const out: Observation[] = [];
  const accountRisk = worstLevel([
    levelObs.find((o) => o.subject === 'account')?.level ?? 'ok',
    state.open['account']?.level ?? 'ok',
  ]);
  const account = predictiveObservation(
    forecast.levels,
    'predictive:account',
    '',
    accountFacts(report),
    accountRisk,
    label,
    s,
  );
  if (account) out.push(account);
  const seen = new Set<string>();
  for (const p of report.positions) {
    if (p.marginMode !== 'isolated') continue;
    const pf = forecast.positions.find((f) => f.symbol === p.symbol && f.positionSide === p.positionSide);
    if (!pf) continue;
    const subject = `predictive:${positionSubject(p)}`;
    seen.add(subject);
    const own = levelObs.find((o) => o.subject === positionSubject(p));
    const open = state.open[positionSubject(p)];
    const risk = worstLevel([own?.level ?? 'ok', open?.level ?? 'ok']);
    const what = `${p.symbol}${p.positionSide === 'both' ? '' : ` ${p.positionSide}`}`;
    const obs = predictiveObservation(pf.levels, subject, what, own?.facts ?? {}, risk, label, s);
    if (obs) out.push(obs);
  }
  for (const subject of Object.keys(state.open)) {
    if (
      subject.startsWith('predictive:position:') &&
      !seen.has(subject) &&
      !report.positions.some((p) => `predictive:${positionSubject(p)}` === subject)
    ) {
      out.push(okObservation(subject, 'predictive'));
    }
  }
  return out;
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
