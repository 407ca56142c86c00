// Projections of stored episodes and deliveries into what the UI and the tray show.
import { subjectKeyLabel } from '../../domain/contracts/subject';
import type { AlertView, DeliveryView } from '../../api/messages';
import type { DeliveryRow, EpisodeRow } from '../../store/alertStore';
import type { NotificationIntent } from '../../domain/alerts/types';
import type { OutgoingNotification } from '../../notify/types';

const iso = (ms: number) => new Date(ms).toISOString();

export function alertView(e: EpisodeRow, deliveries: readonly DeliveryRow[], nowMs: number): AlertView {
  // Acknowledged is the stronger answer: an acknowledged alert that was also snoozed shows as acknowledged.
  const state: AlertView['state'] =
    e.closedMs !== null
      ? 'closed'
      : e.acknowledgedMs !== null
        ? 'acknowledged'
        : e.snoozedUntilMs !== null && e.snoozedUntilMs > nowMs
          ? 'snoozed'
          : 'open';
  return {
    id: e.id,
    accountId: e.accountId,
    subject: e.subject,
    subjectLabel: subjectKeyLabel(e.subject),
    liquidation: e.subject.startsWith('liquidated:'),
    kind: e.kind,
    level: e.level,
    state,
    title: e.title,
    body: e.body,
    openedAt: iso(e.openedMs),
    updatedAt: iso(e.updatedMs),
    closedAt: e.closedMs === null ? null : iso(e.closedMs),
    acknowledgedAt: e.acknowledgedMs === null ? null : iso(e.acknowledgedMs),
    snoozedUntil: e.snoozedUntilMs === null ? null : iso(e.snoozedUntilMs),
    deliveries: deliveries.map(deliveryView),
  };
}

function deliveryView(d: DeliveryRow): DeliveryView {
  return {
    channel: d.channel,
    // "sending" is an internal state: to the trader it is still pending.
    status: d.status === 'sending' ? 'pending' : d.status,
    attempts: d.attempts,
    at: new Date(d.sentMs ?? d.lastAttemptMs ?? d.createdMs).toISOString(),
    detail: d.detail,
  };
}

export function toOutgoing(n: NotificationIntent): OutgoingNotification {
  return {
    key: n.key,
    alertId: n.alertId,
    accountId: n.accountId,
    subject: n.subject,
    kind: n.kind,
    level: n.level,
    reason: n.reason,
    title: n.title,
    body: n.body,
    urgency: n.urgency,
    sound: n.sound,
    facts: n.facts,
    at: new Date(n.atMs).toISOString(),
  };
}
