// The alert pipeline: one object the service talks to, assembled from parts with one job each:
//   decide.ts         the reducer call and ONE commit of state + episodes + outbox rows
//   outbox.ts         delivery with retries, at-least-once (idempotency key per push and channel)
//   channelHealth.ts  "notification channel failing" alerts
//   userActions.ts    acknowledge / snooze
//   queries.ts        lists and single alerts for the UI
//   trayView.ts       the tray's level, health and tooltip (TrayState is defined in src/api)
//   unsaved.ts        decisions the database could not take: delivered and shown from memory,
//                     written once when it can
//   storageAlerts.ts  the system:storage alert and the write-back retry loop
import { performance } from 'node:perf_hooks';
import { dirname } from 'node:path';
import type { Db } from '../../store/db';
import { AlertStore } from '../../store/alertStore';
import type { AlertView, DangerView } from '../../api/messages';
import { dangerView } from '../dangerView';
import { summarizeDataHealth, type TrayState } from '../../api/health';
import type { VenueHealth } from '../../venues/types';
import type { AlertLevel } from '../../domain/alerts/levels';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../domain/alerts/settings';
import { MONITOR_ACCOUNT_ID } from '../../domain/alerts/channels';
import { StorageMonitor } from '../storageMonitor';
import type { NotificationChannel } from '../../notify/types';
import { judgeChannels } from './channelHealth';
import { AlertDecider } from './decide';
import { AlertEvents } from './events';
import { Outbox } from './outbox';
import { accountLevel, AlertQueries } from './queries';
import { sendTestNotification } from './sendTest';
import { StorageAlerts } from './storageAlerts';
import { trayView } from './trayView';
import type { AccountMemory, AlertEvaluationInput, AlertListFilter, DeliveryRetryPolicy } from './types';
import { UnsavedDecisions } from './unsaved';
import { applyUserAction, validSnoozeMinutes } from './userActions';
import type { WatchdogTarget } from './watchdog';

export interface AlertPipelineOptions {
  db: Db;
  channels: NotificationChannel[];
  /** Wall clock (ms since epoch) for the reducer and timestamps. */
  now?: () => number;
  /** Monotonic clock for "how long since data arrived" (watchdog). */
  monoNow?: () => number;
  /** Minutes east of UTC for quiet hours; the OS time zone by default. */
  utcOffsetMin?: (nowMs: number) => number;
  deliveryRetry?: Partial<DeliveryRetryPolicy>;
  /** Errors that must not crash the service (a throwing listener, a failed flush). */
  onError?: (error: unknown) => void;
  /**
   * How long evaluate() waits for its deliveries before returning (they go on in the background;
   * close() and idle() wait for them). Keeps a hanging webhook from stalling the data path.
   * Default 500 ms; Infinity waits for every delivery.
   */
  awaitDeliveryMs?: number;
  /** A channel.send that has not answered after this long counts as failed (default 60 s). */
  sendTimeoutMs?: number;
  /** Whether the database takes writes (shared with the rest of the service); one is made if absent. */
  storage?: StorageMonitor;
  /** While storage fails: how often to try writing again and re-judge the storage alert (default 5 s). */
  storageRetryMs?: number;
}

export class AlertPipeline implements WatchdogTarget {
  private readonly store: AlertStore;
  private readonly channels = new Map<string, NotificationChannel>();
  private readonly accounts = new Map<string, AccountMemory>();
  private readonly now: () => number;
  private readonly monoNow: () => number;
  private readonly events: AlertEvents;
  private readonly decider: AlertDecider;
  private readonly outbox: Outbox;
  private readonly queries: AlertQueries;
  private readonly unsaved = new UnsavedDecisions();
  readonly storage: StorageMonitor;
  private readonly storageAlerts: StorageAlerts;
  private readonly onError: (error: unknown) => void;
  /** Resolves once deliveries left pending by a previous run have been attempted. */
  readonly ready: Promise<void>;

  constructor(options: AlertPipelineOptions) {
    this.store = new AlertStore(options.db);
    for (const c of options.channels) {
      if (this.channels.has(c.id)) throw new Error(`two notification channels share the id "${c.id}"`);
      this.channels.set(c.id, c);
    }
    this.now = options.now ?? (() => Date.now());
    this.monoNow = options.monoNow ?? (() => performance.now());
    const utcOffsetMin = options.utcOffsetMin ?? ((ms: number) => -new Date(ms).getTimezoneOffset());
    const onError = options.onError ?? ((error: unknown) => console.error('alert pipeline:', error));
    this.onError = onError;
    this.storage =
      options.storage ?? new StorageMonitor({ file: options.db.name, dir: dirname(options.db.name), lowDiskBytes: 0 });
    this.queries = new AlertQueries(this.store, this.now, this.unsaved);
    this.events = new AlertEvents((id) => this.queries.view(id), onError);
    this.decider = new AlertDecider(
      this.store,
      this.channels,
      this.events,
      this.now,
      utcOffsetMin,
      this.unsaved,
      (error) => this.storage.failed(error),
    );
    this.outbox = new Outbox({
      store: this.store,
      channels: this.channels,
      events: this.events,
      now: this.now,
      retry: { maxRounds: 5, baseDelayMs: 5_000, maxDelayMs: 120_000, ...options.deliveryRetry },
      onError,
      awaitDeliveryMs: options.awaitDeliveryMs ?? 500,
      sendTimeoutMs: options.sendTimeoutMs ?? 60_000,
      judgeChannels: () => {
        const nowMs = this.now();
        return judgeChannels(this.store, this.decider, [...this.channels.keys()], nowMs, utcOffsetMin(nowMs));
      },
      unsaved: this.unsaved,
      storageFailed: (error) => this.storage.failed(error),
    });
    this.storageAlerts = new StorageAlerts({
      storage: this.storage,
      store: this.store,
      decider: this.decider,
      outbox: this.outbox,
      unsaved: this.unsaved,
      now: this.now,
      utcOffsetMin,
      onError,
      retryMs: options.storageRetryMs ?? 5_000,
    });
    // Whatever was in flight when the last run died may not have gone out: send it again.
    try {
      this.store.resetInFlight();
    } catch (error) {
      // Started on a full disk: run anyway (the storage alert says why); the reset waits for space.
      if (!this.storage.failed(error)) throw error;
    }
    this.ready = this.outbox.flush();
  }

  /**
   * Replaces the channel set (settings changed). Deliveries still pending for a channel that is gone
   * fail with "no longer configured" on the next flush; new pushes go to the new set.
   */
  setChannels(channels: readonly NotificationChannel[]): void {
    const next = new Map<string, NotificationChannel>();
    for (const c of channels) {
      if (next.has(c.id)) throw new Error(`two notification channels share the id "${c.id}"`);
      next.set(c.id, c);
    }
    this.channels.clear();
    for (const [id, c] of next) this.channels.set(id, c);
    void this.outbox.flush();
  }

  channelIds(): string[] {
    return [...this.channels.keys()];
  }

  // ---- evaluation ------------------------------------------------------------------------------

  /** New data for an account: decide, persist, deliver. */
  async evaluate(accountId: string, input: AlertEvaluationInput, settings?: AlertSettings): Promise<void> {
    const memory = this.memory(accountId);
    memory.input = input;
    if (settings) memory.settings = settings;
    memory.lastDataMono = this.monoNow();
    memory.resumedAfterGapMs = null;
    const claimed = this.decider.decide(
      accountId,
      memory,
      { silentMs: 0, resumedAfterGapMs: null },
      !this.outbox.isClosed,
    );
    // Venue events and trader closes are news once: a later re-judgement must not replay them.
    memory.input = { ...input, venueEvents: [], closedByTrader: [] };
    await this.outbox.deliver(claimed);
  }

  /** The watchdog's beat: re-judge with the current time and what the data path last gave us. */
  async watchdogCheck(accountId: string, check: { gapMs: number | null; monoNowMs: number }): Promise<void> {
    const memory = this.memory(accountId);
    if (check.gapMs !== null) memory.resumedAfterGapMs = Math.max(memory.resumedAfterGapMs ?? 0, check.gapMs);
    const silentMs = Math.max(0, check.monoNowMs - memory.lastDataMono);
    const claimed = this.decider.decide(
      accountId,
      memory,
      { silentMs, resumedAfterGapMs: memory.resumedAfterGapMs },
      !this.outbox.isClosed,
    );
    await this.outbox.deliver(claimed);
  }

  /** Delivers everything due. */
  flush(): Promise<void> {
    return this.outbox.flush();
  }

  /** Resolves once no delivery is in flight and nothing due is left unsent. */
  idle(): Promise<void> {
    return this.outbox.idle();
  }

  private memory(accountId: string): AccountMemory {
    if (accountId === MONITOR_ACCOUNT_ID)
      throw new Error(`"${MONITOR_ACCOUNT_ID}" is reserved for the monitor's own alerts`);
    let m = this.accounts.get(accountId);
    if (!m) {
      m = { input: null, settings: DEFAULT_ALERT_SETTINGS, lastDataMono: this.monoNow(), resumedAfterGapMs: null };
      this.accounts.set(accountId, m);
    }
    return m;
  }

  /** Writes what was kept in memory now (also runs on a timer while storage fails). */
  retryStorage(): void {
    this.storageAlerts.retry();
  }

  // ---- trader actions --------------------------------------------------------------------------

  acknowledge(alertId: string): AlertView {
    return this.userAction(alertId, 'ack', null);
  }

  snooze(alertId: string, minutes: number): AlertView {
    return this.userAction(alertId, 'snooze', validSnoozeMinutes(minutes));
  }

  private userAction(alertId: string, action: 'ack' | 'snooze', minutes: number | null): AlertView {
    applyUserAction(
      this.store,
      this.decider,
      alertId,
      action,
      minutes,
      this.now(),
      (id) => this.unsaved.episode(id)?.row ?? null,
      (error) => this.storage.failed(error),
    );
    const view = this.queries.view(alertId)!;
    this.events.emit(view);
    return view;
  }

  // ---- views -----------------------------------------------------------------------------------

  list(filter: AlertListFilter = {}): AlertView[] {
    return this.queries.list(filter);
  }

  view(alertId: string): AlertView | null {
    return this.queries.view(alertId);
  }

  /** The account's danger verdict now, from the last evaluated data and its settings. */
  danger(accountId: string): DangerView | null {
    const memory = this.accounts.get(accountId);
    if (!memory?.input) return null;
    const openAlertLevels: Record<string, AlertLevel> = {};
    for (const episode of Object.values(this.decider.state(accountId)?.open ?? {})) {
      if (episode.closedAtMs === null) openAlertLevels[episode.subject] = episode.level;
    }
    return dangerView(memory.input, memory.settings, openAlertLevels);
  }

  /** Worst level among the account's alerts that are not closed (acknowledged and snoozed included). */
  accountLevel(accountId: string): AlertLevel {
    return accountLevel(this.decider.state(accountId));
  }

  /**
   * The tray's view. `feeds` adds what the caller knows of each account's feed (the monitor's
   * runners) to the health the pipeline last saw; one summary (src/api/health) judges both.
   */
  trayState(feeds: readonly { accountId: string; health: Pick<VenueHealth, 'state'> }[] = []): TrayState {
    const seen = [...this.accounts.entries()].flatMap(([accountId, m]) =>
      m.input ? [{ accountId, health: m.input.health }] : [],
    );
    const health = summarizeDataHealth([...seen, ...feeds], this.queries.blindAccountIds());
    return trayView(this.queries.openAlerts(), health);
  }

  subscribe(listener: (alert: AlertView) => void): () => void {
    return this.events.subscribe(listener);
  }

  /** "Send test" from settings: goes straight to the channel, not through the outbox. */
  sendTest(channelId: string): Promise<{ channel: string; ok: boolean; detail: string | null }> {
    return sendTestNotification(channelId, this.channels.get(channelId), this.now());
  }

  /** Stops timers and waits for sends in flight; the database stays open (the caller owns it). */
  async close(): Promise<void> {
    this.storageAlerts.close();
    await this.outbox.close();
    // Best effort: what the disk could not take may fit now.
    try {
      this.decider.saveUnsaved();
    } catch (error) {
      this.onError(error);
    }
  }
}
