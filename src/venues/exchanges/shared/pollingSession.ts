// A VenueSession for venues read by REST polling only: polls within the venue's rate budget
// (faster when the service asks for urgency), backs off on failure honouring Retry-After, and
// reports health as data — "polling" when fresh, "stale" when the last good read is too old,
// "error" with the reason and the retry time otherwise.
import type { AccountSnapshot, Candle } from '../../../domain/contracts';
import type { VenueError, VenueHealth, VenueHealthState, VenueListener, VenueSession } from '../../types';
import { backoffDelay } from './backoff';
import { USER_MESSAGES, VenueFailure } from './errors';
import type { SessionDeps } from './sessionOptions';
import type { VenueStreams } from './venueStreams';
import type { StreamEvent } from '../../streamEvents';

/** What a polled venue adapter provides. */
export interface VenueReader {
  fetchSnapshot(): Promise<AccountSnapshot>;
  markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]>;
  /** Shortest poll interval the venue's rate limit allows for this account. */
  minPollIntervalMs(): number;
  /** Give up shared resources (rate budget share). */
  release(): void;
  reacquire(): void;
  /** Optional WebSocket layer: marks folded in at once, account events trigger a REST read. */
  streams?(): VenueStreams | null;
}

export class PollingSession implements VenueSession {
  private listener: VenueListener | null = null;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private freshnessTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private lastGoodAt = 0;
  private urgencyMs: number | null = null;
  private health: VenueHealth = { state: 'connecting', dataAsOf: null, lastError: null };
  private streams: VenueStreams | null = null;
  private streamsUp = false;
  private last: AccountSnapshot | null = null;
  private emitTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly accountId: string,
    private readonly reader: VenueReader,
    private readonly deps: SessionDeps,
  ) {}

  async start(listener: VenueListener): Promise<void> {
    if (this.running) return;
    this.reader.reacquire();
    this.running = true;
    this.listener = listener;
    this.setHealth('connecting', null, 'first sync');
    this.freshnessTimer = setInterval(() => this.checkFreshness(), Math.max(50, Math.min(1000, this.deps.tuning.staleAfterMs / 4)));
    await this.poll(); // a good first read also starts the streams
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.freshnessTimer) clearInterval(this.freshnessTimer);
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.timer = this.freshnessTimer = this.emitTimer = null;
    this.streams?.stop();
    this.streams = null;
    this.streamsUp = false;
    this.setHealth('stopped', this.health.lastError);
    this.listener = null;
    this.reader.release();
  }

  fetchSnapshot(): Promise<AccountSnapshot> {
    return this.reader.fetchSnapshot();
  }

  markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]> {
    return this.reader.markHistory(symbol, fromMs, toMs);
  }

  setUrgency(pollIntervalMs: number): void {
    this.urgencyMs = Number.isFinite(pollIntervalMs) && pollIntervalMs > 0 ? pollIntervalMs : null;
    if (this.running && this.failures === 0) this.schedule(this.interval());
  }

  get currentHealth(): VenueHealth {
    return this.health;
  }

  /** With live streams REST only resyncs (marks and account events arrive by stream). */
  private interval(): number {
    const wanted = this.streamsUp ? this.deps.tuning.resyncIntervalMs : (this.urgencyMs ?? this.deps.tuning.pollIntervalMs);
    return Math.max(this.reader.minPollIntervalMs(), wanted);
  }

  private startStreams(): void {
    const streams = this.reader.streams?.() ?? null;
    if (!streams) return;
    this.streams = streams;
    streams.start(
      {
        onEvent: (event) => this.onStreamEvent(event),
        onUp: () => {
          if (this.streamsUp) return;
          this.streamsUp = true;
          this.schedule(0); // resync after the gap, then every resyncIntervalMs
        },
        onDown: ({ reason, attempt, retryInMs }) => {
          const wasUp = this.streamsUp;
          this.streamsUp = false;
          this.deps.logger.warn('venue stream down', { accountId: this.accountId, reason, attempt, retryInMs });
          if (wasUp) this.schedule(this.interval());
          if (this.health.state === 'live') this.setHealth('polling', null, `WebSocket reconnecting (attempt ${attempt}); REST polling meanwhile`);
        },
      },
      this.last ? [...new Set(this.last.positions.map((p) => p.symbol))] : [],
    );
  }

  /** One typed stream event: marks are folded in at once; anything about the account is re-read by REST. */
  private onStreamEvent(event: StreamEvent): void {
    switch (event.kind) {
      case 'mark':
        this.onMark(event.symbol, event.price, event.time);
        return;
      case 'heartbeat':
        return;
      case 'order':
        this.listener?.onOrderEvent?.(event);
        break;
      case 'position':
      case 'balance':
      case 'account-changed':
        break;
    }
    this.lastGoodAt = this.deps.now();
    this.schedule(0);
  }

  /** A streamed mark: patch the last snapshot (mark-dependent venue figures become stale) and emit soon. */
  private onMark(symbol: string, price: string, time: number): void {
    this.listener?.onMarkTick?.({ symbol, price, time });
    if (!this.last || !this.running) return;
    let changed = false;
    const positions = this.last.positions.map((p) => {
      if (p.symbol !== symbol || p.markPrice === price) return p;
      changed = true;
      const next = { ...p, markPrice: price };
      if (p.reported) {
        const { maintenanceMargin: _mm, initialMargin: _im, unrealizedPnl: _u, marginRatio: _mr, ...kept } = p.reported;
        next.reported = kept;
      }
      return next;
    });
    this.lastGoodAt = this.deps.now();
    if (!changed) return;
    const asOf = new Date(Math.max(Date.parse(this.last.asOf), time)).toISOString();
    this.last = { ...this.last, asOf, positions };
    if (this.streamsUp && this.health.state !== 'live' && this.health.state !== 'error') this.setHealth('live', null);
    if (!this.emitTimer) {
      this.emitTimer = setTimeout(() => {
        this.emitTimer = null;
        if (this.last && this.running) {
          this.health = { ...this.health, dataAsOf: this.last.asOf };
          this.listener?.onSnapshot(this.last);
        }
      }, this.deps.tuning.snapshotCoalesceMs);
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, delayMs);
  }

  private polling = false;
  private pollAgain = false;

  /** One REST read at a time; a trigger during a read runs one more right after it (never out of order). */
  private async poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    try {
      await this.pollOnce();
    } finally {
      this.polling = false;
      if (this.pollAgain && this.running) {
        this.pollAgain = false;
        this.schedule(0);
      }
    }
  }

  private async pollOnce(): Promise<void> {
    try {
      const snapshot = await this.reader.fetchSnapshot();
      if (!this.running) return;
      this.failures = 0;
      this.lastGoodAt = this.deps.now();
      const symbolsChanged = !this.last || this.last.positions.map((p) => p.symbol).join() !== snapshot.positions.map((p) => p.symbol).join();
      this.last = snapshot;
      this.health = { ...this.health, dataAsOf: snapshot.asOf };
      this.listener?.onSnapshot(snapshot);
      if (symbolsChanged) this.streams?.setSymbols([...new Set(snapshot.positions.map((p) => p.symbol))]);
      this.setHealth(this.streamsUp ? 'live' : 'polling', null);
      this.schedule(this.interval());
      if (!this.streams) this.startStreams(); // back after a rejected key was fixed
    } catch (error) {
      if (!this.running) return;
      const failure = error instanceof VenueFailure ? error : new VenueFailure('unknown', USER_MESSAGES.unknown);
      this.failures += 1;
      const keyProblem = failure.code === 'invalid-key' || failure.code === 'permission-denied';
      const delay = keyProblem
        ? this.deps.tuning.invalidKeyRetryMs
        : backoffDelay(this.failures, this.deps.tuning.backoff, this.deps.random, failure.retryAfterMs);
      if (keyProblem && this.streams) {
        // A rejected key cannot authenticate streams either: stop them instead of a reconnect loop.
        this.streams.stop();
        this.streams = null;
        this.streamsUp = false;
      }
      this.deps.logger.warn('venue sync failed', { accountId: this.accountId, code: failure.code, retryInMs: delay });
      this.setHealth('error', failure.toVenueError(this.deps.now() + delay));
      this.schedule(delay);
    }
  }

  private checkFreshness(): void {
    if (!this.running || this.lastGoodAt === 0 || (this.health.state !== 'polling' && this.health.state !== 'live')) return;
    const age = this.deps.now() - this.lastGoodAt;
    // Marks tick every second or so while positions are open; otherwise REST reads are the heartbeat.
    const marksExpected = this.streamsUp && (this.last?.positions.length ?? 0) > 0;
    if (age > (marksExpected ? this.deps.tuning.staleAfterMs : Math.max(this.deps.tuning.staleAfterMs, this.interval() * 2))) {
      this.setHealth('stale', { code: 'stream-stalled', message: `No fresh data for ${Math.round(age / 1000)} s. Figures shown may be out of date.` });
    }
  }

  private setHealth(state: VenueHealthState, lastError: VenueError | null, detail?: string): void {
    const next: VenueHealth = detail ? { state, dataAsOf: this.health.dataAsOf, lastError, detail } : { state, dataAsOf: this.health.dataAsOf, lastError };
    const same = this.health.state === next.state && this.health.detail === next.detail && JSON.stringify(this.health.lastError) === JSON.stringify(next.lastError);
    this.health = next;
    if (!same) this.listener?.onHealth(next);
  }
}
