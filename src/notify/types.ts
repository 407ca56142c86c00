// The one interface every notification channel implements (OS notification, sound, webhook,
// ntfy, Telegram; the desktop shell may add Electron's own Notification behind it).
import type { NotificationIntent } from '../domain/alerts/types';

/**
 * What a channel receives: the reducer's push intent (same key on every attempt, so receivers can drop
 * duplicates), minus the pipeline's routing fields, with the decision time as ISO text.
 */
export interface OutgoingNotification extends Omit<NotificationIntent, 'excludeChannels' | 'atMs'> {
  /** ISO time the alert decided to push. */
  at: string;
}

export interface SendResult {
  ok: boolean;
  /** Why it failed, or a short note; never contains a secret. */
  detail?: string;
  /** Attempts the channel made (its own retries included). */
  attempts?: number;
}

export interface NotificationChannel {
  id: string;
  send(n: OutgoingNotification): Promise<SendResult>;
  /** Whether this channel carries this notification at all (e.g. sound only for critical). */
  accepts?(n: OutgoingNotification): boolean;
}
