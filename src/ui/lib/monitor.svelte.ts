// The UI's live view of the service: accounts, alerts, status and settings, kept current by events.
// Account events are coalesced per animation frame so a busy feed (hundreds of positions, many
// updates a second) costs one render per frame.
import type {
  AccountView,
  AlertView,
  ApiEvent,
  CommandName,
  CommandParams,
  CommandResults,
  Envelope,
  ServiceStatus,
} from '../../api/messages';
import { positionRows, type PositionRow } from './positions';
import { baseSubject, isLiquidationAlert } from './subjects';
import type { ConnectionState, Transport } from './transport';

const MIN_RENDER_INTERVAL_MS = 100;

export type Loadable<T> =
  { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; message: string };

export function envelopeError(envelope: { ok: false; error: { message: string; path?: string } }): string {
  return envelope.error.path ? `${envelope.error.path}: ${envelope.error.message}` : envelope.error.message;
}

export class Monitor {
  connection = $state<ConnectionState>('connecting');
  status = $state.raw<ServiceStatus | null>(null);
  accounts = $state.raw<AccountView[]>([]);
  alerts = $state.raw<AlertView[]>([]);
  settings = $state.raw<Record<string, unknown> | null>(null);
  /** 'loading' until the first state.get answers; an error is shown, never a blank page. */
  load = $state<'loading' | 'ready' | 'error'>('loading');
  loadError = $state<string | null>(null);
  /** Newly opened alerts, shown as toasts until dismissed. */
  toasts = $state.raw<AlertView[]>([]);
  /** Wall clock for "as of 3 s ago", ticking once a second. */
  now = $state(Date.now());
  /** When the last message from the service arrived (shown as "last update HH:MM:SS" when disconnected). */
  lastUpdateAt = $state<number | null>(null);

  // Plain Map on purpose: a buffer between frames, never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private pendingAccounts = new Map<string, AccountView>();
  // Accounts removed from this window: a late event must not bring them back.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private removed = new Set<string>();
  // Plain Set on purpose: listeners, never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private alertListeners = new Set<(alert: AlertView, previous: AlertView | undefined) => void>();
  private frameRequested = false;
  private lastFlush = 0;

  constructor(private readonly transport: Transport) {
    transport.subscribe((event) => this.onEvent(event));
    transport.onConnection((state) => {
      this.connection = state;
      if (state === 'open') void this.reload();
    });
    setInterval(() => (this.now = Date.now()), 1000);
  }

  call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<Envelope<CommandResults[C]>> {
    return this.transport.call(command, params);
  }

  async reload(): Promise<void> {
    const [state, alerts, settings] = await Promise.all([
      this.call('state.get', {}),
      this.call('alerts.list', { state: 'all', limit: 500 }),
      this.call('settings.get', {}),
    ]);
    if (!state.ok) {
      this.load = 'error';
      this.loadError = envelopeError(state);
      return;
    }
    this.status = state.result.status;
    this.lastUpdateAt = Date.now();
    this.accounts = state.result.accounts.filter((a) => !this.removed.has(a.id));
    if (alerts.ok) this.alerts = alerts.result;
    if (settings.ok) this.settings = settings.result;
    this.load = 'ready';
    this.loadError = null;
  }

  async refreshSettings(): Promise<void> {
    const settings = await this.call('settings.get', {});
    if (settings.ok) this.settings = settings.result;
  }

  /** Drops a removed account now, rather than waiting for the next state.get. */
  forgetAccount(id: string): void {
    this.removed.add(id);
    this.pendingAccounts.delete(id);
    this.accounts = this.accounts.filter((a) => a.id !== id);
  }

  account(id: string): AccountView | undefined {
    return this.accounts.find((a) => a.id === id);
  }

  /**
   * The positions table's rows, built once per update and shared (the dashboard and the danger strip
   * both read them; rebuilding 200 rows twice a frame was a measurable part of each update).
   */
  positionRows(marginCallRatio: number | null): PositionRow[] {
    const memo = this.rowsMemo;
    if (
      memo &&
      memo.accounts === this.accounts &&
      memo.alerts === this.alerts &&
      memo.ratio === marginCallRatio
    )
      return memo.rows;
    const rows = positionRows(this.accounts, this.openAlerts, marginCallRatio);
    this.rowsMemo = { accounts: this.accounts, alerts: this.alerts, ratio: marginCallRatio, rows };
    return rows;
  }

  private rowsMemo: {
    accounts: AccountView[];
    alerts: AlertView[];
    ratio: number | null;
    rows: PositionRow[];
  } | null = null;

  get openAlerts(): AlertView[] {
    return this.alerts.filter((a) => a.state === 'open');
  }

  upsertAlert(alert: AlertView): void {
    const index = this.alerts.findIndex((a) => a.id === alert.id);
    if (index === -1) this.alerts = [alert, ...this.alerts];
    else this.alerts = this.alerts.map((a, i) => (i === index ? alert : a));
    if (alert.state !== 'open' && this.toasts.some((t) => t.id === alert.id))
      this.toasts = this.toasts.filter((t) => t.id !== alert.id);
  }

  dismissToast(id: string): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /** Dismisses the newest toast (Escape); false when there was none. */
  dismissNewestToast(): boolean {
    const newest = this.toasts[0];
    if (!newest) return false;
    this.dismissToast(newest.id);
    return true;
  }

  /** Every alert event the service pushes, with the version known before it (undefined when new). */
  onAlert(listener: (alert: AlertView, previous: AlertView | undefined) => void): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  private onEvent(event: ApiEvent): void {
    this.lastUpdateAt = Date.now();
    if (event.type === 'status') this.status = event.status;
    else if (event.type === 'alert') {
      const known = this.alerts.find((a) => a.id === event.alert.id);
      this.upsertAlert(event.alert);
      this.toasts = nextToasts(this.toasts, event.alert, known);
      for (const listener of this.alertListeners) listener(event.alert, known);
    } else if (event.type === 'account-removed') {
      this.forgetAccount(event.accountId);
    } else if (event.type === 'account') {
      if (this.removed.has(event.account.id)) return;
      this.pendingAccounts.set(event.account.id, event.account);
      this.scheduleFlush();
    }
  }

  private scheduleFlush(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    const flush = () => {
      // At most one render per MIN_RENDER_INTERVAL_MS: faster than a trader can read, kinder to the CPU.
      const wait = this.lastFlush + MIN_RENDER_INTERVAL_MS - performance.now();
      if (wait > 0) {
        setTimeout(flush, wait);
        return;
      }
      this.lastFlush = performance.now();
      this.frameRequested = false;
      if (this.pendingAccounts.size === 0) return;
      const updates = this.pendingAccounts;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      this.pendingAccounts = new Map();
      const next = this.accounts.map((a) => updates.get(a.id) ?? a);
      for (const [id, account] of updates) if (!this.accounts.some((a) => a.id === id)) next.push(account);
      this.accounts = next;
    };
    // Hidden windows get no animation frames; fall back to a timer so data never goes stale there.
    if (typeof document !== 'undefined' && document.visibilityState === 'visible')
      requestAnimationFrame(flush);
    else setTimeout(flush, 100);
  }
}

/** An alert is news (a toast, a browser notification, a beep) when it opens or changes level. */
export function isNews(alert: AlertView, previous: AlertView | undefined): boolean {
  // A liquidation is news when it first arrives, even if the service already closed it (a one-off).
  if (isLiquidationAlert(alert) && !previous) return true;
  return alert.state === 'open' && (!previous || previous.level !== alert.level);
}

/**
 * Toasts follow their alert: news puts it on top, a later event updates it in place, and an alert that
 * is no longer open (acknowledged, snoozed, closed) takes its toast away.
 */
export function nextToasts(
  toasts: AlertView[],
  alert: AlertView,
  previous: AlertView | undefined,
): AlertView[] {
  // A liquidation replaces every toast about the same subject ("imminent" is over).
  if (isLiquidationAlert(alert) && isNews(alert, previous)) {
    const about = baseSubject(alert.subject);
    const others = toasts.filter(
      (t) => t.id !== alert.id && !(t.accountId === alert.accountId && baseSubject(t.subject) === about),
    );
    return [alert, ...others].slice(0, 4);
  }
  if (alert.state !== 'open') return toasts.filter((t) => t.id !== alert.id);
  if (isNews(alert, previous)) return [alert, ...toasts.filter((t) => t.id !== alert.id)].slice(0, 4);
  return toasts.map((t) => (t.id === alert.id ? alert : t));
}
