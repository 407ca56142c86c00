// "Send test" from settings: goes straight to the channel, not through the outbox.
import { MONITOR_ACCOUNT_ID } from '../../domain/alerts/channels';
import type { NotificationChannel, OutgoingNotification } from '../../notify/types';

export async function sendTestNotification(
  channelId: string,
  channel: NotificationChannel | undefined,
  nowMs: number,
): Promise<{ channel: string; ok: boolean; detail: string | null }> {
  if (!channel) return { channel: channelId, ok: false, detail: `no channel "${channelId}"` };
  const n: OutgoingNotification = {
    key: `test/${channelId}/${nowMs}`,
    alertId: `test/${nowMs}`,
    accountId: MONITOR_ACCOUNT_ID,
    subject: 'system:test',
    kind: 'system',
    level: 'watch',
    reason: 'opened',
    title: 'MarginWatch test notification',
    body: `If you can read this, the ${channelId} channel works.`,
    urgency: 'normal',
    sound: true,
    facts: {},
    at: new Date(nowMs).toISOString(),
  };
  try {
    const r = await channel.send(n);
    return { channel: channelId, ok: r.ok, detail: r.detail ?? null };
  } catch (error) {
    return { channel: channelId, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
