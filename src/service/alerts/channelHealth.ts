// Channel health: after a delivery fails (or a failing channel recovers), re-judge every channel
// and raise or close "notification channel failing" alerts under the monitor's pseudo-account.
import type { AlertStore } from '../../store/alertStore';
import { reduceChannelAlerts, MONITOR_ACCOUNT_ID, type ChannelHealth } from '../../domain/alerts/channels';
import { DEFAULT_ALERT_SETTINGS } from '../../domain/alerts/settings';
import type { AlertDecider } from './decide';

/** Commits the channel alerts (as pending deliveries); true when one of them must be sent. */
export function judgeChannels(
  store: AlertStore,
  decider: AlertDecider,
  channelIds: readonly string[],
  nowMs: number,
  utcOffsetMin: number,
): boolean {
  const channels: ChannelHealth[] = channelIds.map((id) => {
    const s = store.channelStatus(id);
    return { id, consecutiveFailures: s?.consecutiveFailures ?? 0, lastDetail: s?.lastDetail ?? null };
  });
  const result = reduceChannelAlerts(decider.state(MONITOR_ACCOUNT_ID), {
    channels,
    settings: DEFAULT_ALERT_SETTINGS,
    nowMs,
    utcOffsetMin,
  });
  decider.commit(MONITOR_ACCOUNT_ID, result, nowMs, false);
  return result.effects.some((e) => e.type === 'notify');
}
