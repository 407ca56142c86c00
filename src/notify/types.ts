// The one interface every notification channel implements (OS notification, sound, webhook,
// ntfy, Telegram; the desktop shell may add Electron's own Notification behind it).
import type { AlertKind, NotificationFacts, PushReason } from '../domain/alerts/types';
import type { AlertLevel } from '../domain/alerts/levels';

export interface OutgoingNotification {
  /** Same for every attempt of the same push: receivers can drop duplicates by it. */
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
  sound: boolean;
  facts: NotificationFacts;
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
