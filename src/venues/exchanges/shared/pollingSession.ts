// A VenueSession for venues read by REST polling only: polls within the venue's rate budget
// (faster when the service asks for urgency), backs off on failure honouring Retry-After, and
// reports health as data — "polling" when fresh, "stale" when the last good read is too old,
// "error" with the reason and the retry time otherwise.
import type { AccountSnapshot, Candle } from '../../../domain/contracts';
import type { VenueError, VenueHealth, VenueHealthState, VenueListener, VenueSession } from '../../types';
import { backoffDelay } from './backoff';
import { USER_MESSAGES, VenueFailure } from './errors';
import type { SessionDeps } from './sessionOptions';

/** What a polled venue adapter provides. */
export interface VenueReader {
  fetchSnapshot(): Promise<AccountSnapshot>;
  markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]>;
  /** Shortest poll interval the venue's rate limit allows for this account. */
  minPollIntervalMs(): number;
  /** Give up shared resources (rate budget share). */
  release(): void;
  reacquire(): void;
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
    await this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.freshnessTimer) clearInterval(this.freshnessTimer);
    this.timer = this.freshnessTimer = null;
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

  private interval(): number {
    return Math.max(this.reader.minPollIntervalMs(), this.urgencyMs ?? this.deps.tuning.pollIntervalMs);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, delayMs);
  }

  private async poll(): Promise<void> {
    try {
      const snapshot = await this.reader.fetchSnapshot();
      if (!this.running) return;
      this.failures = 0;
      this.lastGoodAt = this.deps.now();
      this.health = { ...this.health, dataAsOf: snapshot.asOf };
      this.listener?.onSnapshot(snapshot);
      this.setHealth('polling', null);
      this.schedule(this.interval());
    } catch (error) {
      if (!this.running) return;
      const failure = error instanceof VenueFailure ? error : new VenueFailure('unknown', USER_MESSAGES.unknown);
      this.failures += 1;
      const keyProblem = failure.code === 'invalid-key' || failure.code === 'permission-denied';
      const delay = keyProblem
        ? this.deps.tuning.invalidKeyRetryMs
        : backoffDelay(this.failures, this.deps.tuning.backoff, this.deps.random, failure.retryAfterMs);
      this.deps.logger.warn('venue sync failed', { accountId: this.accountId, code: failure.code, retryInMs: delay });
      this.setHealth('error', failure.toVenueError(this.deps.now() + delay));
      this.schedule(delay);
    }
  }

  private checkFreshness(): void {
    if (!this.running || this.lastGoodAt === 0 || this.health.state !== 'polling') return;
    const age = this.deps.now() - this.lastGoodAt;
    if (age > Math.max(this.deps.tuning.staleAfterMs, this.interval() * 2)) {
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
