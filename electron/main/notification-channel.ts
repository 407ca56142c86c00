// OS notifications through Electron's own Notification (used instead of node-notifier in the desktop
// app). Clicking one brings the window forward at the alert's account.
import { Notification } from 'electron';
import type { NotificationChannel, OutgoingNotification, SendResult } from '../../src/notify/types';

export interface ElectronNotificationOptions {
  iconPath: string;
  /** Show the window at this account / alert. */
  focus(target: { accountId: string; alertId: string }): void;
}

export function electronNotificationChannel(options: ElectronNotificationOptions): NotificationChannel {
  // Keep references: a garbage-collected Notification loses its click handler.
  const live = new Set<Notification>();
  return {
    id: 'os',
    async send(n: OutgoingNotification): Promise<SendResult> {
      if (!Notification.isSupported())
        return { ok: false, detail: 'this OS session has no notification support', attempts: 1 };
      const notification = new Notification({
        title: n.title,
        body: n.body,
        icon: options.iconPath,
        urgency: n.urgency === 'critical' ? 'critical' : 'normal',
        silent: !n.sound,
        timeoutType: n.urgency === 'critical' ? 'never' : 'default',
      });
      live.add(notification);
      const forget = () => live.delete(notification);
      notification.on('click', () => {
        options.focus({ accountId: n.accountId, alertId: n.alertId });
        forget();
      });
      notification.on('close', forget);
      return new Promise<SendResult>((resolve) => {
        notification.once('show', () => resolve({ ok: true, attempts: 1 }));
        notification.once('failed', (_e, error: string) => {
          forget();
          resolve({ ok: false, detail: `notification failed: ${error}`, attempts: 1 });
        });
        notification.show();
        // 'failed' exists on Windows only; elsewhere a missing 'show' is the only sign of trouble. Report it
        // as a failure so the outbox retries and a failing channel becomes a visible system alert,
        // rather than counting an unseen notification as delivered.
        setTimeout(
          () =>
            resolve({
              ok: false,
              detail: 'the OS did not confirm showing the notification within 5 s',
              attempts: 1,
            }),
          5000,
        ).unref();
      });
    },
  };
}
