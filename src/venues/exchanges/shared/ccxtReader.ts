// What every CCXT-backed venue reader shares: its context (options, secret, clock, tuning), the
// rate-budgeted client, the poll-interval floor that keeps each account within half its share of the
// venue's budget, and giving the share back.
import { CcxtClient, type CcxtClientOptions } from './ccxtClient';
import { VenueFailure } from './errors';
import type { SessionTuning } from './sessionOptions';
import type { VenueSecret } from '../secret';

export interface ReaderContext {
  /** Per-account options (hosts, settle coin, wallet...). */
  options: Record<string, string>;
  secret: VenueSecret | null;
  now: () => number;
  tuning: SessionTuning;
  random: () => number;
}

export interface CcxtReaderSpec extends Pick<CcxtClientOptions, 'baseUrl' | 'classify' | 'budgetScope'> {
  exchange: unknown;
  /** The venue's documented budget per window, and the units one warm sync spends (tuning overrides the budget). */
  budget: { limit: number; windowMs: number; perSync: number };
}

export abstract class CcxtReader {
  readonly client: CcxtClient;
  protected readonly limit: number;
  protected readonly windowMs: number;
  private readonly perSync: number;

  protected constructor(
    protected readonly ctx: ReaderContext,
    { exchange, budget, ...client }: CcxtReaderSpec,
  ) {
    this.limit = ctx.tuning.weightLimit ?? budget.limit;
    this.windowMs = ctx.tuning.rateWindowMs ?? budget.windowMs;
    this.perSync = budget.perSync;
    this.client = new CcxtClient({ ...client, exchange: exchange as never, now: ctx.now, weightLimit: this.limit, windowMs: this.windowMs });
  }

  /** Shortest poll interval: accounts on one host share the budget; each keeps within half its share. */
  minPollIntervalMs(): number {
    return Math.ceil((this.perSync * this.windowMs * Math.max(1, this.client.budgetUsers())) / (this.limit * 0.5));
  }

  /**
   * Runs `fn`; when the venue says our clock is off, measures the venue's time once (`serverTime`,
   * ms), sets CCXT's timeDifference to the midpoint estimate and retries once.
   */
  protected async withClockRetry<T>(fn: () => Promise<T>, serverTime: () => Promise<number>, venue: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof VenueFailure) || error.code !== 'clock-skew') throw error;
      const before = this.ctx.now();
      const server = await serverTime();
      if (!Number.isFinite(server)) throw new VenueFailure('malformed-payload', `${venue} sent an unreadable server time`);
      this.client.exchange.options['timeDifference'] = Math.round((before + this.ctx.now()) / 2 - server);
      return fn();
    }
  }

  release(): void {
    this.client.release();
  }

  reacquire(): void {
    this.client.reacquire();
  }
}
