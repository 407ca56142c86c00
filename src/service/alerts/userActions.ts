// The trader's answers to an alert: acknowledge or snooze, applied to the reducer state and stored
// with an audit row. An alert that has already closed can still be acknowledged (recorded only).
// While the database cannot be written (or the alert itself is not stored yet), the answer still
// counts: it goes into the decisions kept in memory and is written with them (without the audit row).
import type { AlertStore, EpisodeRow } from '../../store/alertStore';
import { acknowledgeEpisode, snoozeEpisode } from '../../domain/alerts/episodes';
import type { AlertDecider } from './decide';

export function applyUserAction(
  store: AlertStore,
  decider: AlertDecider,
  alertId: string,
  action: 'ack' | 'snooze',
  minutes: number | null,
  nowMs: number,
  unsavedEpisode: (id: string) => EpisodeRow | null,
  storageFailed: (error: unknown) => boolean,
): void {
  const memory = unsavedEpisode(alertId);
  const row = memory ?? store.episode(alertId);
  if (!row) throw new Error(`alertId: no alert ${alertId}`);
  const state = decider.state(row.accountId);
  if (row.closedMs !== null || !state) {
    if (action === 'ack' && !memory) store.acknowledgeClosed(alertId, nowMs);
    return;
  }
  const untilMs = minutes === null ? null : nowMs + minutes * 60_000;
  const applied =
    untilMs === null ? acknowledgeEpisode(state, alertId, nowMs) : snoozeEpisode(state, alertId, untilMs, nowMs);
  if (applied.episode) {
    const change = action === 'ack' ? 'acknowledged' : 'snoozed';
    const asDecision = () =>
      decider.commit(row.accountId, { state: applied.state, effects: [{ type: 'episode', change, episode: applied.episode! }] }, nowMs, false);
    if (memory) {
      asDecision();
      return;
    }
    try {
      store.commitUserAction(row.accountId, applied.state, applied.episode, action, nowMs, untilMs);
      decider.setState(row.accountId, applied.state);
    } catch (error) {
      if (!storageFailed(error)) throw error;
      asDecision();
    }
  } else if (action === 'ack' && !memory) {
    store.acknowledgeClosed(alertId, nowMs);
  }
}

export function validSnoozeMinutes(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)
    throw new Error('minutes: must be between 1 and 1440');
  return minutes;
}
