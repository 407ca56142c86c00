// Alerts that reach a person sitting at a browser tab (headless mode): a Web Notification per alert the
// service pushes, an alarm through Web Audio (critical repeats until acknowledged), and the tab title
// and favicon carrying the worst level and a count. In the desktop shell Electron's notifications and
// the tray already do this, so only the title is kept there.
import type { AlertView } from '../../api/messages';
import { isLevel, LEVEL_LABELS, levelRank, type AlertLevel } from './levels';
import { isNews, type Monitor } from './monitor.svelte';
import { isLiquidationAlert, subjectLabel } from './subjects';

const SOUND_KEY = 'marginwatch.sound';
const ASKED_KEY = 'marginwatch.notifications-asked';
/** How often an unacknowledged critical alert sounds again. */
export const CRITICAL_REPEAT_MS = 15_000;
const BASE_TITLE = 'MarginWatch';

export type PermissionState = NotificationPermission | 'unsupported';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Tab title: "(3) CRITICAL · MarginWatch"; just the name when nothing is open. */
export function tabTitle(worst: AlertLevel, openCount: number): string {
  if (openCount === 0) return BASE_TITLE;
  return `(${openCount}) ${LEVEL_LABELS[worst].toUpperCase()} · ${BASE_TITLE}`;
}

const FAVICON_COLOURS: Record<AlertLevel, string> = {
  ok: '#1b6e37',
  watch: '#8a7400',
  warning: '#c25e00',
  'margin-call': '#c62828',
  critical: '#8c1010',
};

/** The favicon as an SVG data URL: level colour, count in white (img-src allows data:). */
export function faviconUrl(worst: AlertLevel, openCount: number): string {
  const text = openCount > 99 ? '99+' : String(openCount);
  const size = text.length > 2 ? 13 : 18;
  const body =
    openCount === 0
      ? '<path d="M6 24 L13 12 L18 19 L26 7" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"/>'
      : `<text x="16" y="22.5" font-family="Arial,sans-serif" font-weight="700" font-size="${size}" fill="#fff" text-anchor="middle">${text}</text>`;
  const colour = openCount === 0 && worst === 'ok' ? '#0b57d0' : FAVICON_COLOURS[worst];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="${colour}"/>${body}</svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

export class BrowserAlerts {
  /** Browser notification permission, or 'unsupported'. */
  permission = $state<PermissionState>('unsupported');
  /** Whether the one-time explanation was answered (allowed or "not now"). */
  asked = $state(false);
  soundOn = $state(true);
  /** Whether the audio context is allowed to play (browsers need a click or key press first). */
  audioReady = $state(false);
  /** Alert ids that a browser notification was shown for. */
  notified = $state.raw<readonly string[]>([]);

  private audio: AudioContext | null = null;
  private repeatTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly monitor: Monitor) {
    const N = (window as { Notification?: typeof Notification }).Notification;
    this.permission = N ? N.permission : 'unsupported';
    const store = storage();
    this.asked = store?.getItem(ASKED_KEY) === '1' || this.permission !== 'default';
    this.soundOn = store?.getItem(SOUND_KEY) !== 'off';
    monitor.onAlert((alert, previous) => this.onAlert(alert, previous));
    // Browsers start audio suspended until the person interacts with the page.
    const unlock = () => {
      if (this.inDesktopShell) return;
      void this.context()
        ?.resume()
        .then(() => (this.audioReady = this.audio?.state === 'running'));
    };
    window.addEventListener('pointerdown', unlock, { capture: true });
    window.addEventListener('keydown', unlock, { capture: true });
    this.repeatTimer = setInterval(() => this.repeatCritical(), CRITICAL_REPEAT_MS);
  }

  /** Electron's window has the preload bridge; the service also says which shell it runs in. */
  get inDesktopShell(): boolean {
    return 'marginwatch' in window || this.monitor.status?.shell === 'desktop';
  }

  /** Asked from a click on the explained prompt (browsers ignore requests without a gesture). */
  async requestPermission(): Promise<void> {
    this.markAsked();
    const N = (window as { Notification?: typeof Notification }).Notification;
    if (!N) return;
    try {
      this.permission = await N.requestPermission();
    } catch {
      this.permission = N.permission;
    }
  }

  markAsked(): void {
    this.asked = true;
    storage()?.setItem(ASKED_KEY, '1');
  }

  setSound(on: boolean): void {
    this.soundOn = on;
    storage()?.setItem(SOUND_KEY, on ? 'on' : 'off');
    if (on)
      void this.context()
        ?.resume()
        .then(() => (this.audioReady = this.audio?.state === 'running'));
  }

  /** Whether a browser channel (notification or audible alarm) reached the person for this alert. */
  reached(alertId: string): boolean {
    return this.notified.includes(alertId);
  }

  dispose(): void {
    if (this.repeatTimer) clearInterval(this.repeatTimer);
    void this.audio?.close();
  }

  /** The service's "Notify from" level (settings.alerts.pushFrom); warning by default, as the service's. */
  private pushFrom(): AlertLevel {
    const raw = (this.monitor.settings as { alerts?: { pushFrom?: unknown } } | null)?.alerts?.pushFrom;
    return isLevel(raw) ? raw : 'warning';
  }

  private onAlert(alert: AlertView, previous: AlertView | undefined): void {
    if (this.inDesktopShell || !isNews(alert, previous)) return;
    // Like the service's pushes: from the chosen level up (a liquidation always).
    if (!isLiquidationAlert(alert) && levelRank(alert.level) < levelRank(this.pushFrom())) return;
    this.notify(alert);
    if (this.soundOn) this.beep(alert.level);
  }

  private notify(alert: AlertView): void {
    const N = (window as { Notification?: typeof Notification }).Notification;
    if (!N || N.permission !== 'granted') return;
    try {
      const account = this.monitor.account(alert.accountId);
      const where = `${account?.name ?? 'account'} · ${subjectLabel(alert.subject, account)}`;
      const n = new N(alert.title, {
        body: `${alert.body}\n${where}`,
        tag: alert.id,
        data: { alertId: alert.id, level: alert.level },
        requireInteraction: alert.level === 'critical',
      });
      n.onclick = () => {
        window.focus();
        location.hash = `#/account/${encodeURIComponent(alert.accountId)}`;
        n.close();
      };
      this.notified = [...this.notified.slice(-199), alert.id];
    } catch {
      // Some browsers only allow notifications from a service worker; the in-page alarm still runs.
    }
  }

  private context(): AudioContext | null {
    if (this.audio) return this.audio;
    const Ctx = (window as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!Ctx) return null;
    try {
      this.audio = new Ctx();
    } catch {
      return null;
    }
    return this.audio;
  }

  /** Critical: three high tones; margin call two; lower levels one soft tone. */
  beep(level: AlertLevel): void {
    const ctx = this.context();
    if (!ctx) return;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const rank = levelRank(level);
    const count = level === 'critical' ? 3 : level === 'margin-call' ? 2 : 1;
    const frequency = rank >= levelRank('margin-call') ? 880 : 660;
    const start = ctx.currentTime + 0.01;
    for (let i = 0; i < count; i++) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = frequency;
      const t = start + i * 0.3;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(rank >= levelRank('margin-call') ? 0.3 : 0.12, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.22);
    }
  }

  /** As the service does: an open, unacknowledged critical alert keeps sounding. */
  private repeatCritical(): void {
    if (this.inDesktopShell || !this.soundOn) return;
    if (this.monitor.openAlerts.some((a) => a.level === 'critical' && a.acknowledgedAt === null))
      this.beep('critical');
  }
}

/** Keeps the tab title and favicon on the worst open level and the number of open alerts. */
export function trackTabState(worst: AlertLevel, openCount: number): void {
  const title = tabTitle(worst, openCount);
  if (document.title !== title) document.title = title;
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  const href = faviconUrl(worst, openCount);
  if (link.getAttribute('href') !== href) {
    link.type = 'image/svg+xml';
    link.href = href;
  }
  link.dataset.level = worst;
}

/** How long a new critical alert may show no delivery before it counts as having reached nobody. */
const DELIVERY_GRACE_MS = 10_000;

/**
 * Open critical alerts that reached no channel: no service channel delivered it (none sent, none still
 * trying) and no browser notification was shown here.
 */
export function unreachedCritical(
  alerts: AlertView[],
  reachedHere: (id: string) => boolean,
  nowMs: number,
): AlertView[] {
  return alerts.filter((a) => {
    if (a.level !== 'critical' || a.state !== 'open' || a.acknowledgedAt !== null) return false;
    if (reachedHere(a.id)) return false;
    if (a.deliveries.some((d) => d.status === 'sent' || d.status === 'pending')) return false;
    return a.deliveries.length > 0 || nowMs - Date.parse(a.openedAt) > DELIVERY_GRACE_MS;
  });
}
