// CCXT's Binance client pointed at the account's hosts, with raw-number JSON, weight budgeting and
// errors turned into VenueFailure. We use CCXT's implicit API methods (raw exchange payloads): its
// unified fields are floats, and margin figures must stay exact decimals.
import ccxt from 'ccxt';
import { VenueFailure, USER_MESSAGES, redact } from '../shared/errors';
import { acquireClientBudget, type SharedBudget, type WeightBudget } from '../shared/weightBudget';
import { useLosslessJson } from '../shared/ccxtErrors';
import type { VenueSecret } from '../secret';
import { USDM, type BinanceProduct } from './product';
import { streamUrl } from '../shared/streamUrl';

export interface BinanceHosts {
  /** Futures REST host (fapi/dapi); default the product's production host */
  rest: string;
  /** Spot/SAPI host used for the key's permission read; default https://api.binance.com */
  spot: string;
  /**
   * Futures WebSocket host, or null for REST polling only: when the REST host is overridden
   * (testnet, proxy) without a WebSocket host, streams stay off rather than mixing environments.
   */
  ws: string | null;
}

export function binanceHosts(options: Record<string, string>, product: { defaultRest: string; defaultWs: string } = USDM): BinanceHosts {
  const trim = (u: string): string => u.replace(/\/+$/, '');
  return {
    rest: trim(options.restUrl ?? product.defaultRest),
    spot: trim(options.spotUrl ?? 'https://api.binance.com'),
    ws: streamUrl(options, product.defaultWs),
  };
}


export interface BinanceClientOptions {
  product?: BinanceProduct;
  hosts: BinanceHosts;
  secret: VenueSecret | null;
  now: () => number;
  weightLimit: number;
  windowMs: number;
  timeoutMs: number;
}

type Implicit = (params?: Record<string, unknown>) => Promise<unknown>;

export class BinanceClient {
  readonly exchange: InstanceType<typeof ccxt.binanceusdm> | InstanceType<typeof ccxt.binancecoinm>;
  readonly product: BinanceProduct;
  private held: SharedBudget;
  private released = false;
  requestCount = 0;

  constructor(private readonly options: BinanceClientOptions) {
    this.product = options.product ?? USDM;
    this.exchange = new ccxt[this.product.ccxtClass]({
      apiKey: options.secret?.apiKey,
      secret: options.secret?.secret,
      enableRateLimit: false, // WeightBudget does Binance's weight accounting instead of a fixed delay
      timeout: options.timeoutMs,
      options: { recvWindow: 10_000, adjustForTimeDifference: false },
    });
    const api = this.exchange.urls['api'] as Record<string, string>;
    for (const key of Object.keys(api)) {
      const host = key.startsWith(this.product.urlPrefix) ? options.hosts.rest : /^(sapi|public|private|v1)/.test(key) ? options.hosts.spot : null;
      if (host) api[key] = api[key]!.replace(/^https?:\/\/[^/]+/, host);
    }
    useLosslessJson(this.exchange); // leverageBracket sends bare JSON numbers
    this.held = this.acquire();
  }

  private acquire(): SharedBudget {
    return acquireClientBudget(this.options.hosts.rest, this.options);
  }

  get budget(): WeightBudget {
    return this.held.budget;
  }

  /** How many clients share this host's budget (to spread polls). */
  budgetUsers(): number {
    return this.held.users();
  }

  /** Gives up this client's share of the host budget (session stopped). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.held.release();
  }

  reacquire(): void {
    if (!this.released) return;
    this.released = false;
    this.held = this.acquire();
  }

  /** Calls a CCXT implicit method (e.g. fapiPrivateV2GetAccount) within the weight budget. */
  async call(method: string, weight: number, params: Record<string, unknown> = {}): Promise<unknown> {
    const fn = (this.exchange as unknown as Record<string, Implicit>)[method];
    if (typeof fn !== 'function') throw new Error(`CCXT has no method ${method}`);
    if (weight > 0) await this.budget.reserve(weight);
    this.requestCount += 1;
    try {
      const result = await fn.call(this.exchange, params);
      this.observeHeaders();
      if (result === undefined || typeof result === 'string') throw new VenueFailure('malformed-payload', USER_MESSAGES['malformed-payload']);
      return result;
    } catch (error) {
      this.observeHeaders();
      const failure = classifyBinanceError(error, this.headers());
      if (failure.retryAfterMs !== null) this.budget.blockFor(failure.retryAfterMs);
      throw failure;
    }
  }

  /** Re-measures the offset between our clock and Binance's (after -1021). */
  async resyncClock(): Promise<number> {
    const before = this.options.now();
    const body = (await this.call(this.product.time, 1)) as { serverTime?: string };
    const after = this.options.now();
    const serverTime = Number(body.serverTime);
    if (!Number.isFinite(serverTime)) throw new VenueFailure('malformed-payload', 'exchange sent an unreadable serverTime');
    // CCXT signs with milliseconds() - options.timeDifference.
    const difference = Math.round((before + after) / 2 - serverTime);
    (this.exchange.options as Record<string, unknown>)['timeDifference'] = difference;
    return difference;
  }

  get clockOffsetMs(): number {
    return Number((this.exchange.options as Record<string, unknown>)['timeDifference'] ?? 0);
  }

  private headers(): Record<string, string> {
    const raw = (this.exchange as unknown as { last_response_headers?: Record<string, string> }).last_response_headers ?? {};
    const lower: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) lower[k.toLowerCase()] = String(v);
    return lower;
  }

  private observeHeaders(): void {
    const used = this.headers()['x-mbx-used-weight-1m'];
    if (used !== undefined) this.budget.observeUsed(Number(used));
  }
}

/** Binance error codes and HTTP statuses → what the trader and the retry logic need to know. */
export function classifyBinanceError(error: unknown, headers: Record<string, string>): VenueFailure {
  if (error instanceof VenueFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = /"code"\s*:\s*"?(-?\d+)/.exec(message)?.[1];
  const retryAfterSec = Number(headers['retry-after']);
  const retryAfterMs = Number.isFinite(retryAfterSec) && retryAfterSec > 0 ? retryAfterSec * 1000 : null;
  const detail = (/"msg"\s*:\s*"([^"]*)"/.exec(message)?.[1] ?? '').slice(0, 160);
  const make = (c: ConstructorParameters<typeof VenueFailure>[0], wait: number | null = null): VenueFailure =>
    new VenueFailure(c, redact(detail ? `${USER_MESSAGES[c]} (Binance: ${detail})` : USER_MESSAGES[c]), wait);

  if (code === '-2015' || code === '-2014' || code === '-2008' || code === '-1022') return make('invalid-key');
  if (code === '-1021') return make('clock-skew');
  if (code === '-1121') return make('unknown-symbol');
  // -1001 internal error / -1008 overloaded / HTTP 503: Binance's "try again later" family.
  if (code === '-1001' || code === '-1008' || /\b503\b/.test(message)) return make('maintenance', retryAfterMs);
  if (code === '-1007') return make('timeout');
  if (error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded || code === '-1003') {
    return /banned|418/.test(message) ? make('ip-banned', retryAfterMs ?? 60_000) : make('rate-limited', retryAfterMs ?? 10_000);
  }
  if (error instanceof ccxt.AuthenticationError) return make('invalid-key');
  if (error instanceof ccxt.PermissionDenied) return make('permission-denied');
  if (error instanceof ccxt.InvalidNonce) return make('clock-skew');
  if (error instanceof ccxt.OnMaintenance || error instanceof ccxt.ExchangeNotAvailable) {
    return /503|maintenance|unavailable/i.test(message) ? make('maintenance', retryAfterMs) : make('network', retryAfterMs);
  }
  if (error instanceof ccxt.RequestTimeout) return make('timeout');
  if (error instanceof ccxt.NetworkError) return make('network');
  if (error instanceof ccxt.BadResponse || error instanceof SyntaxError) return make('malformed-payload');
  return make('unknown');
}
