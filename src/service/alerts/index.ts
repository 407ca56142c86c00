// The alert pipeline: runs the reducer, persists its decision and an outbox of deliveries in ONE
// transaction, then delivers. Delivery is at-least-once with an idempotency key per push and
// channel: a delivery is marked "sending" (committed) before the channel is called and "sent"
// after, so a crash in between re-sends it after restart (see docs/ALERTS.md for that window).
import { performance } from 'node:perf_hooks';
import type { Db } from '../../store/db';
import { AlertStore, type DeliveryRow } from '../../store/alertStore';
import type { AccountSnapshot, MarginReport } from '../../domain/contracts';
import type { AccountForecast } from '../../domain/forecast/types';
import type { VenueHealth } from '../../venues/types';
import type { AlertView, DangerView } from '../../api/messages';
import { dangerView } from '../dangerView';
import { levelRank, worstLevel, type AlertLevel } from '../../domain/alerts/levels';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../domain/alerts/settings';
import { reduceAlerts, type MonitorStatus } from '../../domain/alerts/reducer';
import { reduceChannelAlerts, MONITOR_ACCOUNT_ID, type ChannelHealth } from '../../domain/alerts/channels';
import { acknowledgeEpisode, snoozeEpisode } from '../../domain/alerts/episodes';
import { LEVEL_LABEL } from '../../domain/alerts/format';
import type { AlertEffect, AlertsState, LiquidationEvent, NotificationIntent, ReduceResult } from '../../domain/alerts/types';
import type { NotificationChannel, OutgoingNotification, SendResult } from '../../notify/types';
import { alertView, toOutgoing } from './views';
import type { WatchdogTarget } from './watchdog';

export { Watchdog, type WatchdogOptions } from './watchdog';
export { alertView } from './views';

export interface AlertEvaluationInput {
  report: MarginReport | null;
  forecast: AccountForecast | null;
  health: VenueHealth;
  /** Shown in notification titles. */
  accountName?: string;
  /** The key's permissions widened since it was added (periodic re-check), or null. */
  keyPermissionsNotice?: string | null;
  /** Danger-model inputs (src/domain/danger): marks/sizes, σ per symbol, venue liquidation events. */
  snapshot?: AccountSnapshot | null;
  volatility?: Record<string, number | null>;
  venueEvents?: readonly LiquidationEvent[];
  closedByTrader?: readonly string[];
}

export interface AlertListFilter {
  state?: AlertView['state'] | 'all';
  accountId?: string;
  limit?: number;
}

export interface TrayState {
  level: AlertLevel;
  dataHealthy: boolean;
  tooltip: string;
  openAlerts: AlertView[];
}

export interface DeliveryRetryPolicy {
  /** Rounds per delivery (each round is one channel.send with the channel's own retries). */
  maxRounds: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

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
}

interface AccountMemory {
  input: AlertEvaluationInput | null;
  settings: AlertSettings;
  lastDataMono: number;
  resumedAfterGapMs: number | null;
}

const HEALTHY_STATES = new Set<VenueHealth['state']>(['live', 'polling']);

export class AlertPipeline implements WatchdogTarget {
  private readonly store: AlertStore;
  private readonly channels = new Map<string, NotificationChannel>();
  private readonly states = new Map<string, AlertsState | null>();
  private readonly accounts = new Map<string, AccountMemory>();
  private readonly listeners = new Set<(alert: AlertView) => void>();
  private readonly now: () => number;
  private readonly monoNow: () => number;
  private readonly utcOffsetMin: (nowMs: number) => number;
  private readonly retry: DeliveryRetryPolicy;
  private readonly onError: (error: unknown) => void;
  private flushing: Promise<void> | null = null;
  private flushAgain = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly awaitDeliveryMs: number;
  private readonly sendTimeoutMs: number;
  private readonly inflight = new Set<Promise<void>>();
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
    this.utcOffsetMin = options.utcOffsetMin ?? ((ms) => -new Date(ms).getTimezoneOffset());
    this.retry = { maxRounds: 5, baseDelayMs: 5_000, maxDelayMs: 120_000, ...options.deliveryRetry };
    this.onError = options.onError ?? ((error) => console.error('alert pipeline:', error));
    this.awaitDeliveryMs = options.awaitDeliveryMs ?? 500;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
    // Whatever was in flight when the last run died may not have gone out: send it again.
    this.store.resetInFlight();
    this.ready = this.flush();
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
    void this.flush();
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
    const claimed = this.decide(accountId, memory, { silentMs: 0, resumedAfterGapMs: null });
    // Venue events and trader closes are news once: a later re-judgement must not replay them.
    memory.input = { ...input, venueEvents: [], closedByTrader: [] };
    await this.deliver(claimed);
  }

  /** The watchdog's beat: re-judge with the current time and what the data path last gave us. */
  async watchdogCheck(accountId: string, check: { gapMs: number | null; monoNowMs: number }): Promise<void> {
    const memory = this.memory(accountId);
    if (check.gapMs !== null) memory.resumedAfterGapMs = Math.max(memory.resumedAfterGapMs ?? 0, check.gapMs);
    const silentMs = Math.max(0, check.monoNowMs - memory.lastDataMono);
    const claimed = this.decide(accountId, memory, { silentMs, resumedAfterGapMs: memory.resumedAfterGapMs });
    await this.deliver(claimed);
  }

  /** Sends this decision's deliveries (and anything else due), waiting at most awaitDeliveryMs. */
  private async deliver(claimed: DeliveryRow[]): Promise<void> {
    const work = Promise.all([this.sendClaimed(claimed), this.flush()]).then(
      () => undefined,
      (error: unknown) => this.onError(error),
    );
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
    if (!Number.isFinite(this.awaitDeliveryMs)) return work;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      work,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.awaitDeliveryMs))),
    ]);
    clearTimeout(timer);
  }

  /** Resolves once no delivery is in flight and nothing due is left unsent. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0 || this.flushing) {
      await Promise.all([...this.inflight, this.flushing]);
    }
  }

  private memory(accountId: string): AccountMemory {
    if (accountId === MONITOR_ACCOUNT_ID)
      throw new Error(`"${MONITOR_ACCOUNT_ID}" is reserved for the monitor's own alerts`);
    let m = this.accounts.get(accountId);
    if (!m) {
      m = {
        input: null,
        settings: DEFAULT_ALERT_SETTINGS,
        lastDataMono: this.monoNow(),
        resumedAfterGapMs: null,
      };
      this.accounts.set(accountId, m);
    }
    return m;
  }

  private state(accountId: string): AlertsState | null {
    if (!this.states.has(accountId)) this.states.set(accountId, this.store.loadState(accountId));
    return this.states.get(accountId) ?? null;
  }

  private decide(accountId: string, memory: AccountMemory, monitor: MonitorStatus): DeliveryRow[] {
    const nowMs = this.now();
    const input = memory.input ?? {
      report: null,
      forecast: null,
      health: { state: 'connecting', dataAsOf: null, lastError: null },
    };
    const result = reduceAlerts(this.state(accountId), {
      accountId,
      ...(input.accountName ? { accountName: input.accountName } : {}),
      report: input.report,
      forecast: input.forecast,
      health: input.health,
      settings: memory.settings,
      nowMs,
      utcOffsetMin: this.utcOffsetMin(nowMs),
      monitor,
      keyPermissionsNotice: input.keyPermissionsNotice ?? null,
      snapshot: input.snapshot ?? null,
      ...(input.volatility ? { volatility: input.volatility } : {}),
      ...(input.venueEvents ? { venueEvents: input.venueEvents } : {}),
      ...(input.closedByTrader ? { closedByTrader: input.closedByTrader } : {}),
    });
    return this.commit(accountId, result, nowMs, !this.closed);
  }

  private commit(accountId: string, result: ReduceResult, nowMs: number, claim: boolean): DeliveryRow[] {
    const previous = this.states.get(accountId);
    // Nothing changed: skip the write (and its fsync) on ordinary ticks.
    if (
      result.effects.length === 0 &&
      previous !== undefined &&
      previous !== null &&
      sameState(previous, result.state)
    ) {
      this.states.set(accountId, result.state);
      return [];
    }
    const created = this.store.commitDecision(
      accountId,
      result.state,
      result.effects,
      (n) => this.channelsFor(n),
      nowMs,
      claim,
    );
    this.states.set(accountId, result.state);
    this.emitEpisodes(result.effects);
    return created;
  }

  private channelsFor(n: NotificationIntent): string[] {
    const out: string[] = [];
    const outgoing = toOutgoing(n);
    for (const c of this.channels.values()) {
      if (n.excludeChannels.includes(c.id)) continue;
      if (c.accepts && !c.accepts(outgoing)) continue;
      out.push(c.id);
    }
    return out;
  }

  // ---- delivery --------------------------------------------------------------------------------

  /** Delivers everything due; concurrent callers share one run (a second pass if asked meanwhile). */
  flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.flushAgain = false;
          await this.deliverDue();
        } while (this.flushAgain && !this.closed);
      } catch (error) {
        this.onError(error);
      } finally {
        this.flushing = null;
        this.scheduleRetry();
      }
    })();
    return this.flushing;
  }

  private async deliverDue(): Promise<void> {
    const due = this.store.dueDeliveries(this.now());
    if (due.length === 0) return;
    const claimed = due.filter((d) =>
      this.channels.has(d.channel) ? this.store.claim(d.id, this.now()) : this.dropOrphan(d),
    );
    await this.sendClaimed(claimed, true);
  }

  private dropOrphan(d: DeliveryRow): false {
    this.store.markFailed(d, 0, `channel "${d.channel}" is no longer configured`, null, this.now());
    return false;
  }

  /** Sends deliveries already marked "sending": channels in parallel (a slow webhook must not delay
   *  the OS notification), each channel in order. */
  private async sendClaimed(rows: readonly DeliveryRow[], insideFlush = false): Promise<void> {
    if (rows.length === 0) return;
    const byChannel = new Map<string, DeliveryRow[]>();
    for (const d of rows) byChannel.set(d.channel, [...(byChannel.get(d.channel) ?? []), d]);
    let channelTrouble = false;
    await Promise.all(
      [...byChannel.entries()].map(async ([channelId, list]) => {
        for (const row of list) {
          const outcome = await this.sendOne(channelId, row);
          if (outcome === 'failed' || outcome === 'recovered') channelTrouble = true;
        }
      }),
    );
    // A "channel failing" alert goes out through the other channels before we return. Inside the
    // flush loop a second pass picks it up; outside, start (or join) a flush.
    if (channelTrouble && this.judgeChannels() && !insideFlush) await this.flush();
  }

  private async sendOne(channelId: string, row: DeliveryRow): Promise<'sent' | 'recovered' | 'failed'> {
    const channel = this.channels.get(channelId);
    if (!channel) {
      this.dropOrphan(row); // removed by setChannels() after the delivery was claimed
      return 'failed';
    }
    let result: SendResult;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // A channel that never answers must not hold its delivery "sending" forever; a late success
      // after the timeout means a same-key re-send on the next round (at-least-once).
      const timeout = new Promise<SendResult>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, detail: `no answer within ${this.sendTimeoutMs} ms` }),
          this.sendTimeoutMs,
        );
      });
      result = await Promise.race([channel.send(toOutgoing(row.payload)), timeout]);
    } catch (error) {
      result = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
    const doneMs = this.now();
    const attempts = result.attempts ?? 1;
    const before = this.store.channelStatus(channelId)?.consecutiveFailures ?? 0;
    if (result.ok) {
      this.store.markSent(row, attempts, result.detail ?? null, doneMs);
    } else {
      const round = row.rounds + 1;
      const retryAt =
        round < this.retry.maxRounds
          ? doneMs + Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (round - 1))
          : null;
      this.store.markFailed(row, attempts, result.detail ?? 'failed', retryAt, doneMs);
    }
    this.emitEpisode(row.episodeId);
    if (!result.ok) return 'failed';
    return before > 0 ? 'recovered' : 'sent';
  }

  private judgeChannels(): boolean {
    const channels: ChannelHealth[] = [...this.channels.keys()].map((id) => {
      const s = this.store.channelStatus(id);
      return { id, consecutiveFailures: s?.consecutiveFailures ?? 0, lastDetail: s?.lastDetail ?? null };
    });
    const nowMs = this.now();
    const result = reduceChannelAlerts(this.state(MONITOR_ACCOUNT_ID), {
      channels,
      settings: DEFAULT_ALERT_SETTINGS,
      nowMs,
      utcOffsetMin: this.utcOffsetMin(nowMs),
    });
    // Stored pending: the flush loop that called us picks them up on its next pass.
    this.commit(MONITOR_ACCOUNT_ID, result, nowMs, false);
    const notify = result.effects.some((e) => e.type === 'notify');
    if (notify) this.flushAgain = true;
    return notify;
  }

  private scheduleRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.closed) return;
    const next = this.store.nextDueMs();
    if (next === null) return;
    const delay = Math.max(0, Math.min(next - this.now(), 2 ** 31 - 1));
    this.retryTimer = setTimeout(() => void this.flush(), delay);
    this.retryTimer.unref?.();
  }

  // ---- trader actions --------------------------------------------------------------------------

  acknowledge(alertId: string): AlertView {
    return this.userAction(alertId, 'ack', null);
  }

  snooze(alertId: string, minutes: number): AlertView {
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)
      throw new Error('minutes: must be between 1 and 1440');
    return this.userAction(alertId, 'snooze', minutes);
  }

  private userAction(alertId: string, action: 'ack' | 'snooze', minutes: number | null): AlertView {
    const row = this.store.episode(alertId);
    if (!row) throw new Error(`alertId: no alert ${alertId}`);
    const nowMs = this.now();
    const state = this.state(row.accountId);
    if (row.closedMs !== null || !state) {
      if (action === 'ack') this.store.acknowledgeClosed(alertId, nowMs);
    } else {
      const untilMs = minutes === null ? null : nowMs + minutes * 60_000;
      const applied =
        untilMs === null
          ? acknowledgeEpisode(state, alertId, nowMs)
          : snoozeEpisode(state, alertId, untilMs, nowMs);
      if (applied.episode) {
        this.store.commitUserAction(row.accountId, applied.state, applied.episode, action, nowMs, untilMs);
        this.states.set(row.accountId, applied.state);
      } else if (action === 'ack') {
        this.store.acknowledgeClosed(alertId, nowMs);
      }
    }
    const view = this.view(alertId)!;
    this.emit(view);
    return view;
  }

  // ---- views -----------------------------------------------------------------------------------

  list(filter: AlertListFilter = {}): AlertView[] {
    const nowMs = this.now();
    const want = filter.state ?? 'all';
    const limit = filter.limit ?? 200;
    const rows = this.store.episodes({
      ...(filter.accountId !== undefined ? { accountId: filter.accountId } : {}),
      ...(want === 'closed' ? { closed: true } : want === 'all' ? {} : { closed: false }),
      limit: want === 'all' || want === 'closed' ? limit : 10_000,
    });
    const views = rows.map((r) => alertView(r, this.store.deliveriesFor(r.id), nowMs));
    return (want === 'all' || want === 'closed' ? views : views.filter((v) => v.state === want)).slice(
      0,
      limit,
    );
  }

  view(alertId: string): AlertView | null {
    const row = this.store.episode(alertId);
    return row ? alertView(row, this.store.deliveriesFor(alertId), this.now()) : null;
  }

  /** The account's danger verdict now, from the last evaluated data and its settings. */
  danger(accountId: string): DangerView | null {
    const memory = this.accounts.get(accountId);
    return memory?.input ? dangerView(memory.input, memory.settings) : null;
  }

  /** Worst level among the account's alerts that are not closed (acknowledged and snoozed included). */
  accountLevel(accountId: string): AlertLevel {
    const state = this.state(accountId);
    return state ? worstLevel(Object.values(state.open).map((e) => e.level)) : 'ok';
  }

  trayState(): TrayState {
    const nowMs = this.now();
    const open = this.store.openEpisodes().map((r) => alertView(r, this.store.deliveriesFor(r.id), nowMs));
    const level = worstLevel(open.map((a) => a.level));
    const blind = this.store.openEpisodes().filter((e) => e.blind);
    const unhealthyFeeds = [...this.accounts.entries()].filter(
      ([, m]) => m.input && !HEALTHY_STATES.has(m.input.health.state),
    );
    const dataHealthy = blind.length === 0 && unhealthyFeeds.length === 0;
    const worst = open
      .filter((a) => a.level === level)
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt))[0];
    let tooltip = open.length === 0 ? 'MarginWatch: all clear' : `MarginWatch: ${LEVEL_LABEL[level]}`;
    if (worst) tooltip += ` (${worst.title})`;
    if (open.length > 1) tooltip += `, ${open.length} open alerts`;
    if (!dataHealthy) {
      const names = [...new Set([...blind.map((e) => e.accountId), ...unhealthyFeeds.map(([id]) => id)])];
      tooltip += `. Data not healthy: ${names.join(', ')}`;
    }
    return {
      level,
      dataHealthy,
      tooltip,
      openAlerts: open.sort((a, b) => levelRank(b.level) - levelRank(a.level)),
    };
  }

  subscribe(listener: (alert: AlertView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** "Send test" from settings: goes straight to the channel, not through the outbox. */
  async sendTest(channelId: string): Promise<{ channel: string; ok: boolean; detail: string | null }> {
    const channel = this.channels.get(channelId);
    if (!channel) return { channel: channelId, ok: false, detail: `no channel "${channelId}"` };
    const nowMs = this.now();
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
      return {
        channel: channelId,
        ok: false,
        detail: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** Stops timers and waits for sends in flight; the database stays open (the caller owns it). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.idle();
  }

  private emitEpisodes(effects: readonly AlertEffect[]): void {
    if (this.listeners.size === 0) return;
    const ids = new Set<string>();
    for (const e of effects) if (e.type === 'episode') ids.add(e.episode.id);
    for (const id of ids) this.emitEpisode(id);
  }

  private emitEpisode(id: string): void {
    if (this.listeners.size === 0) return;
    const view = this.view(id);
    if (view) this.emit(view);
  }

  private emit(view: AlertView): void {
    for (const listener of this.listeners) {
      try {
        listener(view);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

function sameState(a: AlertsState, b: AlertsState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
