// The episode machine shared by every kind of alert: open once per new danger, escalate at once
// when worse, step down or close only after the hold level has stayed lower for the calm time,
// push each level at most once per episode, repeat critical (while it is) until acknowledged, honour snooze and
// quiet hours (which never silence critical or blind alerts). Pure: time comes in as nowMs.
import { levelRank, type AlertLevel } from './levels';
import type { AlertSettings } from './settings';
import type { AlertEffect, AlertsState, Episode, NotificationIntent, Observation, PushReason } from './types';

export interface AdvanceContext {
  nowMs: number;
  settings: AlertSettings;
  /** Minutes to add to UTC for the trader's local clock (quiet hours). */
  utcOffsetMin: number;
}

/** Applies a set of observations to the open episodes; subjects not observed stay as they are. */
export function advanceEpisodes(
  previous: AlertsState,
  observations: readonly Observation[],
  ctx: AdvanceContext,
) {
  const state: AlertsState = { ...previous, open: { ...previous.open } };
  const effects: AlertEffect[] = [];
  for (const obs of observations) {
    const current = state.open[obs.subject];
    const next = current ? stepOpen(current, obs, ctx, effects) : maybeOpen(state, obs, ctx, effects);
    if (next === null) delete state.open[obs.subject];
    else state.open[obs.subject] = notifyIfDue(next, obs, ctx, effects);
  }
  return { state, effects };
}

function maybeOpen(
  state: AlertsState,
  obs: Observation,
  ctx: AdvanceContext,
  effects: AlertEffect[],
): Episode | null {
  if (obs.level === 'ok') return null;
  state.seq += 1;
  const episode: Episode = {
    id: `${state.accountId}/${obs.subject}/${ctx.nowMs}-${state.seq}`,
    accountId: state.accountId,
    subject: obs.subject,
    kind: obs.kind,
    blind: obs.blind,
    level: obs.level,
    peakLevel: obs.level,
    openedAtMs: ctx.nowMs,
    updatedAtMs: ctx.nowMs,
    closedAtMs: null,
    calmSinceMs: null,
    notifiedLevel: null,
    notifiedScore: null,
    lastNotifiedMs: null,
    notifySeq: 0,
    acknowledgedAtMs: null,
    snoozedUntilMs: null,
    snoozedLevel: null,
    title: obs.title,
    body: obs.body,
    facts: obs.facts,
    excludeChannels: obs.excludeChannels ?? [],
  };
  effects.push({ type: 'episode', change: 'opened', episode });
  return episode;
}

function stepOpen(
  ep: Episode,
  obs: Observation,
  ctx: AdvanceContext,
  effects: AlertEffect[],
): Episode | null {
  const now = ctx.nowMs;
  if (levelRank(obs.level) > levelRank(ep.level)) {
    // Worse: escalate at once, and a new danger needs a new acknowledgement.
    const next: Episode = {
      ...withText(ep, obs),
      level: obs.level,
      peakLevel: levelRank(obs.level) > levelRank(ep.peakLevel) ? obs.level : ep.peakLevel,
      blind: obs.blind,
      calmSinceMs: null,
      acknowledgedAtMs: null,
      updatedAtMs: now,
    };
    effects.push({ type: 'episode', change: 'escalated', episode: next });
    return next;
  }
  if (levelRank(obs.holdLevel) >= levelRank(ep.level)) {
    return ep.calmSinceMs === null ? ep : { ...ep, calmSinceMs: null };
  }
  // A calm start in the future means the wall clock went back: measure the calm from now.
  const calmSince = ep.calmSinceMs === null || ep.calmSinceMs > now ? now : ep.calmSinceMs;
  if (now - calmSince < obs.calmMs)
    return ep.calmSinceMs === calmSince ? ep : { ...ep, calmSinceMs: calmSince };
  if (obs.holdLevel === 'ok') {
    const closed: Episode = { ...ep, closedAtMs: now, updatedAtMs: now, calmSinceMs: calmSince };
    effects.push({ type: 'episode', change: 'closed', episode: closed });
    return null;
  }
  const lower: Episode = {
    ...withText(ep, obs),
    level: obs.holdLevel,
    blind: obs.blind,
    calmSinceMs: null,
    updatedAtMs: now,
  };
  effects.push({ type: 'episode', change: 'deescalated', episode: lower });
  return lower;
}

function withText(ep: Episode, obs: Observation): Episode {
  return {
    ...ep,
    title: obs.title,
    body: obs.body,
    facts: obs.facts,
    excludeChannels: obs.excludeChannels ?? [],
  };
}

function notifyIfDue(ep: Episode, obs: Observation, ctx: AdvanceContext, effects: AlertEffect[]): Episode {
  const reason = dueReason(ep, obs, ctx);
  if (reason === null) return ep;
  // The push says what is true now, so refresh the text from this observation.
  const seq = ep.notifySeq + 1;
  const pushed: Episode = {
    ...withText(ep, obs),
    notifySeq: seq,
    notifiedLevel:
      ep.notifiedLevel === null || levelRank(ep.level) > levelRank(ep.notifiedLevel)
        ? ep.level
        : ep.notifiedLevel,
    notifiedScore: obs.score ?? ep.notifiedScore,
    lastNotifiedMs: ctx.nowMs,
    updatedAtMs: ctx.nowMs,
    // A worse level breaks through a snooze; the snooze is then over.
    ...(reason === 'escalated' || reason === 'opened' ? { snoozedUntilMs: null, snoozedLevel: null } : {}),
  };
  const intent: NotificationIntent = {
    key: `${ep.id}#${seq}`,
    alertId: ep.id,
    accountId: ep.accountId,
    subject: ep.subject,
    kind: ep.kind,
    level: ep.level,
    reason,
    title: pushed.title,
    body: pushed.body,
    urgency: ep.level === 'critical' || ep.blind ? 'critical' : 'normal',
    sound: ep.level === 'critical' && ep.kind === 'level',
    facts: pushed.facts,
    excludeChannels: pushed.excludeChannels,
    atMs: ctx.nowMs,
  };
  effects.push({ type: 'episode', change: 'notified', episode: pushed });
  effects.push({ type: 'notify', notification: intent });
  return pushed;
}

function dueReason(ep: Episode, obs: Observation, ctx: AdvanceContext): PushReason | null {
  const { settings, nowMs } = ctx;
  const urgent = ep.level === 'critical' || ep.blind;
  const pushable = ep.kind === 'system' || levelRank(ep.level) >= levelRank(settings.pushFrom);
  if (!pushable) return null;
  const snoozed = ep.snoozedUntilMs !== null && nowMs < ep.snoozedUntilMs;
  const quiet = !urgent && inQuietHours(nowMs, ctx.utcOffsetMin, settings.quietHours);

  if (ep.notifiedLevel === null || levelRank(ep.level) > levelRank(ep.notifiedLevel)) {
    if (snoozed && ep.snoozedLevel !== null && levelRank(ep.level) <= levelRank(ep.snoozedLevel)) return null;
    if (quiet) return null; // deferred: pushed once quiet hours end if the episode is still open
    return ep.notifiedLevel === null ? 'opened' : 'escalated';
  }
  if (snoozed || quiet) return null;
  // Repeat while the danger is critical now, not while a receding one is only held there by the release
  // band: that push would sound the critical alarm under a lower level's text ("Margin call: …"). Back
  // at critical, the repeat is due at once if the interval has passed.
  if (ep.level === 'critical' && obs.level === 'critical' && ep.acknowledgedAtMs === null && ep.lastNotifiedMs !== null) {
    const since = nowMs - ep.lastNotifiedMs;
    // A last push "in the future" means the wall clock went back: repeat now rather than go quiet
    // for as long as the jump.
    if (since >= settings.repeatCriticalMin * 60_000 || since < 0) return 'repeat';
  }
  if (
    ep.kind === 'predictive' &&
    obs.score !== undefined &&
    ep.notifiedScore !== null &&
    ep.notifiedScore > 0
  ) {
    if (obs.score >= 2 * ep.notifiedScore && ep.acknowledgedAtMs === null) return 'rising-probability';
  }
  return null;
}

/** Whether local time (UTC + offset) falls inside [start, end), which may wrap past midnight. */
export function inQuietHours(nowMs: number, utcOffsetMin: number, q: AlertSettings['quietHours']): boolean {
  if (!q.enabled) return false;
  const minuteOfDay = (((Math.floor(nowMs / 60_000) + utcOffsetMin) % 1440) + 1440) % 1440;
  const start = toMinutes(q.start);
  const end = toMinutes(q.end);
  if (start === end) return false;
  return start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** The trader acknowledged the alert: critical repeats stop until the danger grows again. */
export function acknowledgeEpisode(
  state: AlertsState,
  alertId: string,
  nowMs: number,
): { state: AlertsState; episode: Episode | null } {
  const ep = Object.values(state.open).find((e) => e.id === alertId);
  if (!ep) return { state, episode: null };
  const next: Episode = { ...ep, acknowledgedAtMs: nowMs, updatedAtMs: nowMs };
  return { state: { ...state, open: { ...state.open, [ep.subject]: next } }, episode: next };
}

/** Silence repeats and same-level pushes until untilMs; a worse level still gets through. */
export function snoozeEpisode(
  state: AlertsState,
  alertId: string,
  untilMs: number,
  nowMs: number,
): { state: AlertsState; episode: Episode | null } {
  const ep = Object.values(state.open).find((e) => e.id === alertId);
  if (!ep) return { state, episode: null };
  const next: Episode = { ...ep, snoozedUntilMs: untilMs, snoozedLevel: ep.level, updatedAtMs: nowMs };
  return { state: { ...state, open: { ...state.open, [ep.subject]: next } }, episode: next };
}

export function worstOpenLevel(
  state: AlertsState,
  kinds: readonly Episode['kind'][] = ['level'],
): AlertLevel {
  let worst: AlertLevel = 'ok';
  for (const ep of Object.values(state.open)) {
    if (kinds.includes(ep.kind) && levelRank(ep.level) > levelRank(worst)) worst = ep.level;
  }
  return worst;
}
