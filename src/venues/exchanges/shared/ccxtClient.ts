// A CCXT instance pointed at the account's host, with lossless number parsing, a shared weight
// budget per host (limits are per IP) and errors mapped to VenueFailure by a venue classifier.
import { USER_MESSAGES, VenueFailure } from './errors';
import { lowerCaseHeaders, overrideCcxtUrls, useLosslessJson } from './ccxtErrors';
import { acquireClientBudget, type SharedBudget } from './weightBudget';

type Implicit = (params?: Record<string, unknown>) => Promise<unknown>;
type Exchange = { urls: Record<string, unknown>; options: Record<string, unknown> };

export interface CcxtClientOptions {
  exchange: Exchange;
  baseUrl: string;
  now: () => number;
  weightLimit: number;
  windowMs: number;
  classify(error: unknown, headers: Record<string, string>): VenueFailure;
  /** Venue-level "error inside a 200" check (Bybit retCode, OKX code); throws VenueFailure. */
  checkBody?(body: unknown): void;
  /** 'host': one budget per IP (Binance, Bybit, Hyperliquid); 'endpoint': one per endpoint (OKX). */
  budgetScope?: 'host' | 'endpoint';
}

export class CcxtClient {
  private held: SharedBudget;
  private readonly perEndpoint = new Map<string, SharedBudget>();
  private released = false;
  requestCount = 0;

  constructor(private readonly options: CcxtClientOptions) {
    overrideCcxtUrls(options.exchange, options.baseUrl);
    useLosslessJson(options.exchange);
    this.held = this.acquire();
  }

  get exchange(): Exchange {
    return this.options.exchange;
  }

  private acquire(scope = ''): SharedBudget {
    return acquireClientBudget(`${this.options.baseUrl}|${scope}`, this.options);
  }

  budgetUsers(): number {
    return this.held.users();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.held.release();
    for (const held of this.perEndpoint.values()) held.release();
    this.perEndpoint.clear();
  }

  private budgetFor(method: string): SharedBudget {
    if (this.options.budgetScope !== 'endpoint') return this.held;
    let held = this.perEndpoint.get(method);
    if (!held) {
      held = this.acquire(method);
      this.perEndpoint.set(method, held);
    }
    return held;
  }

  reacquire(): void {
    if (!this.released) return;
    this.released = false;
    this.held = this.acquire();
  }

  async call(method: string, weight: number, params: Record<string, unknown> = {}): Promise<unknown> {
    const fn = (this.options.exchange as unknown as Record<string, Implicit>)[method];
    if (typeof fn !== 'function') throw new Error(`CCXT has no method ${method}`);
    const held = this.budgetFor(method);
    if (weight > 0) await held.budget.reserve(weight);
    this.requestCount += 1;
    try {
      const result = await fn.call(this.options.exchange, params);
      if (result === undefined || typeof result === 'string') throw new VenueFailure('malformed-payload', USER_MESSAGES['malformed-payload']);
      this.options.checkBody?.(result);
      return result;
    } catch (error) {
      const failure = this.options.classify(error, lowerCaseHeaders(this.options.exchange));
      if (failure.retryAfterMs !== null) held.budget.blockFor(failure.retryAfterMs);
      throw failure;
    }
  }
}
