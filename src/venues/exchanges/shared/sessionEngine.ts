// The one session engine every exchange runs on: REST reads within the venue's rate budget (faster when
// the service asks for urgency), backoff honouring Retry-After, key-rejected handling, and the venue's
// optional streams (typed StreamEvents): marks and carried position/balance deltas are applied to the
// live snapshot and published at once; REST reconciles every resync interval and after every reconnect.
// Health is data — "live" while the streams deliver, "polling" when REST carries the account, "stale"
// when the data is too old or a stream is reconnecting, "error" with the reason and the retry time.
import type { AccountSnapshot, Candle } from '../../../domain/contracts';
import type { VenueError, VenueHealth, VenueHealthState, VenueListener, VenueSession } from '../../types';
import { applyDelta, applyMark, type SnapshotDelta } from './applyStreamEvent';
import { backoffDelay } from './backoff';
import { USER_MESSAGES, VenueFailure } from './errors';
import type { SessionDeps } from './sessionOptions';
import type { VenueStreams } from './venueStreams';
import type { MarkTickEvent, StreamDown, StreamEvent } from '../../streamEvents';

/** What each venue provides: REST reads normalised into a snapshot, and optionally its streams. */
export interface VenueReader {
  fetchSnapshot(): Promise<AccountSnapshot>;
  markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]>;
  /** Shortest poll interval the venue's rate limit allows for this account. */
  minPollIntervalMs(): number;
  /** Give up shared resources (rate budget share). */
  release(): void;
  reacquire(): void;
  /** Optional WebSocket layer (null: REST polling only, e.g. no stream host or no key). */
  streams?(): VenueStreams | null;
}

export class SessionEngine implements VenueSession {
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
  /** Consecutive unplanned stream failures (0 once the streams deliver again). */
  private streamFailures = 0;
  private last: AccountSnapshot | null = null;
  private emitTimer: NodeJS.Timeout | null = null;
  /** Deltas that arrived while a REST read was in flight: newer than what it may return, replayed onto it. */
  private deltasDuringRead: SnapshotDelta[] = [];

  constructor(
    readonly accountId: string,
    readonly reader: VenueReader,
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
    await this.stopStreams();
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

  /** With live streams REST only reconciles (marks and account changes arrive by stream). */
  private interval(): number {
    const wanted = this.streamsUp ? this.deps.tuning.resyncIntervalMs : (this.urgencyMs ?? this.deps.tuning.pollIntervalMs);
    return Math.max(this.reader.minPollIntervalMs(), wanted);
  }

  // ---- streams -------------------------------------------------------------------------------

  private startStreams(): void {
    const streams = this.reader.streams?.() ?? null;
    if (!streams) return;
    this.streams = streams;
    this.streamFailures = 0;
    streams.start(
      {
        onEvent: (event) => this.onStreamEvent(event),
        onUp: () => {
          if (this.streamsUp) return;
          this.streamsUp = true;
          this.streamFailures = 0;
          this.schedule(0); // reconcile after the gap, then every resyncIntervalMs
        },
        onDown: (down) => this.onStreamDown(down),
      },
      this.last ? [...new Set(this.last.positions.map((p) => p.symbol))] : [],
    );
  }

  private async stopStreams(): Promise<void> {
    const streams = this.streams;
    this.streams = null;
    this.streamsUp = false;
    await streams?.stop();
  }

  private onStreamDown({ reason, attempt, retryInMs, planned, cause }: StreamDown): void {
    const wasUp = this.streamsUp;
    this.streamsUp = false;
    if (!this.running) return;
    if (planned) {
      // Our own reconnect ahead of the venue's age limit: the data is not in doubt, no "stale" flicker;
      // the freshness watchdog still catches a new connection that does not deliver.
      this.deps.logger.info('venue stream: planned reconnect', { accountId: this.accountId, reason });
      return;
    }
    this.streamFailures = attempt;
    this.deps.logger.warn('venue stream down', { accountId: this.accountId, reason, attempt, retryInMs });
    const retryAt = this.deps.now() + retryInMs;
    if (cause instanceof VenueFailure && (cause.code === 'invalid-key' || cause.code === 'permission-denied')) {
      // A rejected key cannot open streams either: stop them instead of a reconnect loop; a good REST
      // read (the key fixed) starts them again.
      void this.stopStreams();
      this.setHealth('error', cause.toVenueError(retryAt));
      return;
    }
    if (this.health.state === 'error') return; // REST failing says more than the stream
    // Preparing the stream failed for a reason the venue gave (ban, maintenance ...): report that.
    const error: VenueError =
      cause instanceof VenueFailure
        ? cause.toVenueError(retryAt)
        : { code: 'stream-stalled', message: `${USER_MESSAGES['stream-stalled']} (${reason})`, retryAt: new Date(retryAt).toISOString() };
    const polling = attempt >= this.deps.tuning.streamFailuresBeforePolling;
    this.setHealth(polling ? 'polling' : 'stale', error, `WebSocket reconnecting (attempt ${attempt})`);
    // Without the streams, REST carries the account: read soon after the gap, then at the poll interval.
    if (wasUp || !polling) this.schedule(Math.min(this.interval(), retryInMs + 1));
  }

  /** One typed stream event: marks and carried deltas are applied at once; anything else is read by REST. */
  private onStreamEvent(event: StreamEvent): void {
    switch (event.kind) {
      case 'mark':
        this.onMark(event);
        return;
      case 'heartbeat':
        return;
      case 'order':
        // The position change itself arrives as a delta or an account-changed event.
        this.listener?.onOrderEvent?.(event);
        return;
      case 'position':
      case 'balance':
        this.onDelta(event);
        return;
      case 'account-changed':
        if (event.reason) this.deps.logger.warn('venue stream event rejected; reading REST', { accountId: this.accountId, reason: event.reason });
        this.lastGoodAt = this.deps.now();
        this.schedule(0);
        return;
    }
  }

  /** A streamed mark: patch the last snapshot (mark-dependent venue figures dropped) and emit soon. */
  private onMark(tick: MarkTickEvent): void {
    this.listener?.onMarkTick?.({ symbol: tick.symbol, price: tick.price, time: tick.time });
    if (!this.last || !this.running) return;
    this.lastGoodAt = this.deps.now();
    const next = applyMark(this.last, tick);
    if (next === this.last) return;
    this.last = next;
    this.freshAgain();
    if (!this.emitTimer) {
      this.emitTimer = setTimeout(() => {
        this.emitTimer = null;
        this.emit();
      }, this.deps.tuning.snapshotCoalesceMs);
    }
  }

  /** A position or balance the stream carries: applied and published now, as fresh as the delta. */
  private onDelta(delta: SnapshotDelta): void {
    if (!this.running) return;
    if (this.polling) this.deltasDuringRead.push(delta);
    let next: AccountSnapshot | null = null;
    try {
      next = this.last ? applyDelta(this.last, delta) : null;
    } catch (error) {
      this.deps.logger.warn('stream delta rejected; reading REST', { accountId: this.accountId, reason: error instanceof Error ? error.message : String(error) });
    }
    this.lastGoodAt = this.deps.now();
    if (!next) {
      this.schedule(0); // only REST can say (a new position, collateral) — or the delta was unusable
      return;
    }
    if (next === this.last) return;
    this.last = next;
    this.freshAgain();
    this.emit();
  }

  private emit(): void {
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.emitTimer = null;
    if (!this.last || !this.running) return;
    this.health = { ...this.health, dataAsOf: this.last.asOf };
    this.listener?.onSnapshot(this.last);
  }

  private freshAgain(): void {
    if (this.streamsUp && this.health.state !== 'live' && this.health.state !== 'error') this.setHealth('live', null);
  }

  // ---- REST ----------------------------------------------------------------------------------

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
    this.deltasDuringRead = [];
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
      let snapshot = await this.reader.fetchSnapshot();
      if (!this.running) return;
      snapshot = this.replayDeltas(snapshot);
      this.failures = 0;
      this.lastGoodAt = this.deps.now();
      const symbolsChanged = !this.last || this.last.positions.map((p) => p.symbol).join() !== snapshot.positions.map((p) => p.symbol).join();
      this.last = snapshot;
      this.emit();
      if (symbolsChanged) this.streams?.setSymbols([...new Set(snapshot.positions.map((p) => p.symbol))]);
      this.setHealth(...this.stateAfterRead());
      this.schedule(this.interval());
      if (!this.streams) this.startStreams(); // first read, or back after a rejected key was fixed
    } catch (error) {
      if (!this.running) return;
      const failure = error instanceof VenueFailure ? error : new VenueFailure('unknown', USER_MESSAGES.unknown);
      this.failures += 1;
      const keyProblem = failure.code === 'invalid-key' || failure.code === 'permission-denied';
      const delay = keyProblem
        ? this.deps.tuning.invalidKeyRetryMs
        : backoffDelay(this.failures, this.deps.tuning.backoff, this.deps.random, failure.retryAfterMs);
      // A rejected key cannot authenticate streams either: stop them instead of a reconnect loop.
      if (keyProblem) void this.stopStreams();
      this.deps.logger.warn('venue sync failed', { accountId: this.accountId, code: failure.code, retryInMs: delay });
      this.setHealth('error', failure.toVenueError(this.deps.now() + delay));
      this.schedule(delay);
    }
  }

  /** Deltas that arrived during the read are at least as new as the read: apply them on top. */
  private replayDeltas(snapshot: AccountSnapshot): AccountSnapshot {
    let out = snapshot;
    for (const delta of this.deltasDuringRead) {
      try {
        out = applyDelta(out, delta) ?? out;
      } catch {
        /* rejected when it arrived already */
      }
    }
    this.deltasDuringRead = [];
    return out;
  }

  /** Live while the streams deliver; polling when REST carries the account; stale while they reconnect. */
  private stateAfterRead(): [VenueHealthState, VenueError | null, string?] {
    if (this.streamsUp) return ['live', null];
    if (!this.streams || this.streamFailures === 0) return ['polling', null];
    if (this.streamFailures >= this.deps.tuning.streamFailuresBeforePolling) return ['polling', null, 'REST polling while the WebSocket reconnects'];
    return ['stale', this.health.lastError, this.health.detail];
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
