// Native OS notification through node-notifier (notify-send / libnotify on Linux, Notification
// Center on macOS, toasts on Windows). Detects a missing backend and says so once, as data.
import nodeNotifier from 'node-notifier';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { NotificationChannel, OutgoingNotification, SendResult } from './types';

export interface OsNotificationStatus {
  available: boolean;
  detail: string | null;
}

export interface OsNotificationOptions {
  id?: string;
  appName?: string;
  /** Absolute path of the app icon (from resources/). */
  iconPath?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Called once, the first time the backend turns out to be missing or failing. */
  onUnavailable?: (detail: string) => void;
}

function onPath(binary: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
}

/** What the OS offers, judged without sending anything. */
export function detectOsNotificationBackend(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): OsNotificationStatus {
  if (platform === 'linux' || platform.endsWith('bsd')) {
    if (!onPath('notify-send', env))
      return { available: false, detail: 'notify-send not found (install libnotify-bin)' };
    const bus =
      env.DBUS_SESSION_BUS_ADDRESS ??
      (env.XDG_RUNTIME_DIR && existsSync(join(env.XDG_RUNTIME_DIR, 'bus')) ? 'runtime-dir' : undefined);
    if (!bus)
      return {
        available: false,
        detail: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset): no notification server reachable',
      };
    return { available: true, detail: null };
  }
  if (platform === 'darwin' || platform === 'win32') return { available: true, detail: null };
  return { available: false, detail: `no notification backend for platform ${platform}` };
}

export interface OsNotificationChannel extends NotificationChannel {
  status(): OsNotificationStatus;
}

let current: OsNotificationChannel | null = null;

/** Whether OS notifications work: the live status of the OS channel in use, else what the OS offers. */
export function osNotificationStatus(): OsNotificationStatus {
  return current ? current.status() : detectOsNotificationBackend();
}

/**
 * With no backend at all (no notify-send, no session bus) the channel takes no notifications and
 * says so once; the app and tray still show every alert. A backend that fails at send time is
 * counted as a failing channel (and raised as a system alert by the pipeline) but tried again on the
 * next push, so it recovers by itself.
 */
export function osNotificationChannel(options: OsNotificationOptions = {}): OsNotificationChannel {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const detected = detectOsNotificationBackend(env, platform);
  let status = detected;
  let reported = false;
  const report = (detail: string) => {
    if (reported) return;
    reported = true;
    options.onUnavailable?.(detail);
  };
  if (!detected.available && detected.detail) report(detected.detail);

  const linux = platform === 'linux' || platform.endsWith('bsd');
  const notifier = linux ? new nodeNotifier.NotifySend({}) : nodeNotifier;
  const icon = options.iconPath && existsSync(options.iconPath) ? options.iconPath : undefined;

  const send = (n: OutgoingNotification): Promise<SendResult> =>
    new Promise((resolve) => {
      if (!detected.available) {
        resolve({ ok: false, attempts: 1, detail: detected.detail ?? 'OS notifications unavailable' });
        return;
      }
      const message = {
        title: n.title,
        message: n.body,
        urgency: n.urgency === 'critical' ? 'critical' : 'normal',
        // Critical stays until dismissed; others expire after 15 s.
        timeout: n.urgency === 'critical' ? false : 15,
        category: n.kind === 'system' ? 'device.error' : 'im.received',
        'app-name': options.appName ?? 'MarginWatch',
        // Servers that stack by tag (dunst) replace rather than repeat a re-sent push.
        hint: `string:x-dunst-stack-tag:${n.key.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
        ...(icon ? { icon } : {}),
      } as Record<string, unknown>;
      notifier.notify(message, (err: unknown) => {
        // notify-send reports failure on stderr (passed as the first argument) or a non-zero exit.
        const failure =
          err instanceof Error ? err.message : typeof err === 'string' && err.trim() ? err.trim() : null;
        if (failure) {
          const detail = `OS notification failed: ${failure.split('\n')[0]}`;
          status = { available: false, detail };
          report(detail);
          resolve({ ok: false, attempts: 1, detail });
        } else {
          status = { available: true, detail: null };
          resolve({ ok: true, attempts: 1 });
        }
      });
    });

  const channel: OsNotificationChannel = {
    id: options.id ?? 'os',
    send,
    accepts: () => detected.available,
    status: () => status,
  };
  current = channel;
  return channel;
}
