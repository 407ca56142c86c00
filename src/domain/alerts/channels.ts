// System alerts about the notification channels themselves. They live under the pseudo-account
// MONITOR_ACCOUNT_ID and are never sent through the channel that is failing.
import type { AlertSettings } from './settings';
import { advanceEpisodes } from './episodes';
import { emptyAlertsState, type AlertsState, type Observation, type ReduceResult } from './types';

export const MONITOR_ACCOUNT_ID = 'monitor';

export interface ChannelHealth {
  id: string;
  /** Deliveries in a row that failed after all their retries. */
  consecutiveFailures: number;
  lastDetail: string | null;
}

export function reduceChannelAlerts(
  previous: AlertsState | null,
  input: {
    channels: readonly ChannelHealth[];
    settings: AlertSettings;
    nowMs: number;
    utcOffsetMin?: number;
  },
): ReduceResult {
  const state = previous ?? emptyAlertsState(MONITOR_ACCOUNT_ID);
  const observations: Observation[] = input.channels.map((c) => {
    const failing = c.consecutiveFailures >= input.settings.channelFailuresBeforeAlert;
    return {
      subject: `system:channel:${c.id}`,
      kind: 'system',
      level: failing ? 'warning' : 'ok',
      holdLevel: failing ? 'warning' : 'ok',
      blind: false,
      calmMs: 0,
      title: `Notification channel failing: ${c.id}`,
      body: `${c.consecutiveFailures} alerts in a row could not be delivered through ${c.id}${c.lastDetail ? ` (${c.lastDetail})` : ''}. Check its settings and use "send test".`,
      facts: {},
      excludeChannels: [c.id],
    };
  });
  return advanceEpisodes({ ...state, firstSeenMs: state.firstSeenMs ?? input.nowMs }, observations, {
    nowMs: input.nowMs,
    settings: input.settings,
    utcOffsetMin: input.utcOffsetMin ?? 0,
  });
}
