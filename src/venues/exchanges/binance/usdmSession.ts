// Binance USDⓈ-M / COIN-M account session: REST full syncs through CCXT, the user-data stream
// (ACCOUNT_UPDATE, listenKeyExpired) and markPrice streams on one WebSocket, health as data.
import { parseBinanceOrderUpdate } from './liquidation';
import type { AccountSnapshot, Candle } from '../../../domain/contracts';
import type { VenueError, VenueHealth, VenueHealthState, VenueListener, VenueSession } from '../../types';
import { backoffDelay } from '../shared/backoff';
import Decimal from 'decimal.js';
import { decimalField, decimalOf } from '../shared/decimals';
import { USER_MESSAGES, VenueFailure } from '../shared/errors';
import { ManagedSocket } from '../shared/managedSocket';
import type { SessionDeps } from '../shared/sessionOptions';
import type { VenueSecret } from '../secret';
import { BinanceClient, type BinanceHosts } from './client';
import { UsdmLiveState } from './usdmLiveState';
import type { BinanceUsdmRaw } from './usdmSnapshot';
import { USDM, type BinanceProduct } from './product';

type Row = Record<string, unknown>;

/** Request weights (Binance docs): account 5, positionRisk 5, leverageBracket 1, premiumIndex (all) 10. */
export const USDM_SYNC_WEIGHT = 21;
/** USDⓈ-M REQUEST_WEIGHT limit: 2400 per minute per IP. */
export const BINANCE_WEIGHT_LIMIT = 2400;
/** GET /fapi/v1/assetIndex without a symbol: weight 10 (docs). Multi-Assets accounts only. */
export const ASSET_INDEX_WEIGHT = 10;
/** Haircut buffers and asset indexes move slowly: one read a minute is enough for collateral. */
const ASSET_INDEX_TTL_MS = 60_000;
const KLINE_PAGE = 1000; // weight 5 per 1000 candles: the cheapest weight per candle

export class BinanceUsdmSession implements VenueSession {
  readonly client: BinanceClient;
  private listener: VenueListener | null = null;
  private live: UsdmLiveState | null = null;
  private filters: BinanceUsdmRaw['filters'] | null = null;
  private assetIndex: { rows: Row[]; at: number } | null = null;
  private socket: ManagedSocket | null = null;
  private listenKey: string | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private pollTimer: NodeJS.Timeout | null = null;
  private pollDue = 0;
  private emitTimer: NodeJS.Timeout | null = null;
  private running = false;
  private streamUp = false;
  private streamFailures = 0;
  private syncFailures = 0;
  private lastDataAt = 0;
  private syncing: Promise<void> | null = null;
  private health: VenueHealth = { state: 'connecting', dataAsOf: null, lastError: null };
  private urgencyMs: number | null = null;
  private subscribed = new Set<string>();

  constructor(
    readonly accountId: string,
    private readonly hosts: BinanceHosts,
    private readonly secret: VenueSecret | null,
    private readonly deps: SessionDeps,
    private readonly product: BinanceProduct = USDM,
    private readonly settleAsset?: string,
  ) {
    const t = deps.tuning;
    this.client = new BinanceClient({ product, hosts, secret, now: deps.now, weightLimit: t.weightLimit ?? BINANCE_WEIGHT_LIMIT, windowMs: t.rateWindowMs ?? 60_000, timeoutMs: t.requestTimeoutMs });
  }

  // ---- VenueSession --------------------------------------------------------------------------

  async start(listener: VenueListener): Promise<void> {
    if (this.running) return;
    this.client.reacquire();
    this.running = true;
    this.listener = listener;
    this.setHealth('connecting', null, 'first sync');
    this.every(() => this.checkFreshness(), Math.max(50, Math.min(1000, this.deps.tuning.staleAfterMs / 4)));
    await this.syncNow();
    if (this.running && this.streamWanted) this.openStream();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.socket?.stop();
    this.socket = null;
    const key = this.listenKey;
    this.listenKey = null;
    if (key) await this.client.call(this.product.listenKey.delete, 1, { listenKey: key }).catch(() => undefined);
    this.setHealth('stopped', this.health.lastError);
    this.listener = null;
    this.client.release();
  }

  async fetchSnapshot(): Promise<AccountSnapshot> {
    const raw = await this.readRest();
    return this.product.build(raw);
  }

  async markHistory(symbol: string, fromMs: number, toMs: number): Promise<Candle[]> {
    const candles: Candle[] = [];
    let start = Math.floor(fromMs / 60_000) * 60_000;
    while (start <= toMs) {
      const page = (await this.withClockRetry(() =>
        this.client.call(this.product.klines, 5, { symbol, interval: '1m', startTime: start, endTime: toMs, limit: KLINE_PAGE }),
      )) as unknown[];
      if (!Array.isArray(page)) throw new VenueFailure('malformed-payload', 'exchange sent no kline list for markPriceKlines');
      for (const [i, row] of page.entries()) {
        if (!Array.isArray(row)) throw new VenueFailure('malformed-payload', `markPriceKlines[${i}] is not a kline row`);
        const at = `markPriceKlines[${i}]`;
        const candle: Candle = {
          time: Number(row[0]),
          open: Number(decimalField(row[1], `${at}.open`)),
          high: Number(decimalField(row[2], `${at}.high`)),
          low: Number(decimalField(row[3], `${at}.low`)),
          close: Number(decimalField(row[4], `${at}.close`)),
        };
        if (!Number.isFinite(candle.time)) throw new VenueFailure('malformed-payload', `${at}.openTime is unreadable`);
        const last = candles[candles.length - 1];
        if (!last || candle.time > last.time) candles.push(candle);
      }
      if (page.length < KLINE_PAGE) break;
      start = candles[candles.length - 1]!.time + 60_000;
    }
    return candles;
  }

  setUrgency(pollIntervalMs: number): void {
    this.urgencyMs = Number.isFinite(pollIntervalMs) && pollIntervalMs > 0 ? pollIntervalMs : null;
    if (this.running && !this.streamUp) this.schedulePoll(this.pollInterval());
  }

  /** Streams need a key and a stream host (see streamUrl). */
  private get streamWanted(): boolean {
    return this.secret !== null && this.hosts.ws !== null;
  }

  /** Health as last reported (for the CLI and tests). */
  get currentHealth(): VenueHealth {
    return this.health;
  }

  // ---- REST sync -----------------------------------------------------------------------------

  private async readRest(): Promise<BinanceUsdmRaw> {
    if (!this.secret) throw new VenueFailure('invalid-key', 'This Binance account has no API key stored. Add a read-only key.');
    return this.withClockRetry(async () => {
      if (!this.filters) this.filters = await this.readFilters();
      const [account, positionRisk, brackets, premium] = await Promise.all([
        this.client.call(...this.product.account),
        this.client.call(...this.product.positionRisk),
        this.client.call(...this.product.brackets),
        this.client.call(...this.product.premium),
      ]);
      if (!isRow(account) || !Array.isArray(positionRisk) || !Array.isArray(brackets) || !Array.isArray(premium)) {
        throw new VenueFailure('malformed-payload', 'exchange sent an account, position or bracket payload of the wrong shape');
      }
      const assetIndex = this.product.venue === 'binance-usdm' && isMultiAssetsAccount(account) ? await this.readAssetIndex() : undefined;
      return {
        account,
        ...(assetIndex ? { assetIndex } : {}),
        positionRisk: positionRisk as Row[],
        brackets: new Map((brackets as Row[]).map((b) => [String(b.symbol), (b.brackets ?? []) as Row[]])),
        premium: new Map((premium as Row[]).map((p) => [String(p.symbol), p])),
        filters: this.filters,
        ...(this.settleAsset ? { settleAsset: this.settleAsset } : {}),
        asOfMs: this.deps.now() - this.client.clockOffsetMs,
      };
    });
  }

  /** The Multi-Assets asset index (haircut buffers), cached for ASSET_INDEX_TTL_MS within the weight budget. */
  private async readAssetIndex(): Promise<Row[]> {
    if (!this.assetIndex || this.deps.now() - this.assetIndex.at >= ASSET_INDEX_TTL_MS) {
      const rows = await this.client.call('fapiPublicGetAssetIndex', ASSET_INDEX_WEIGHT);
      if (!Array.isArray(rows)) throw new VenueFailure('malformed-payload', 'exchange sent no list for assetIndex');
      this.assetIndex = { rows: rows as Row[], at: this.deps.now() };
    }
    return this.assetIndex.rows;
  }

  private async readFilters(): Promise<BinanceUsdmRaw['filters']> {
    const info = await this.client.call(...this.product.exchangeInfo);
    const out: BinanceUsdmRaw['filters'] = new Map();
    for (const s of ((info as Row).symbols ?? []) as Row[]) {
      const filters = (s.filters ?? []) as Row[];
      const price = filters.find((f) => f.filterType === 'PRICE_FILTER');
      const lot = filters.find((f) => f.filterType === 'LOT_SIZE');
      const entry: { tickSize?: string; stepSize?: string; contractSize?: string; marginAsset?: string } = {};
      if (typeof price?.tickSize === 'string') entry.tickSize = price.tickSize;
      if (typeof lot?.stepSize === 'string') entry.stepSize = lot.stepSize;
      if (s.contractSize !== undefined) entry.contractSize = String(s.contractSize);
      if (typeof s.marginAsset === 'string') entry.marginAsset = s.marginAsset;
      out.set(String(s.symbol), entry);
    }
    return out;
  }

  /** -1021 means our clock is off: measure the offset once and retry. */
  private async withClockRetry<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof VenueFailure) || error.code !== 'clock-skew') throw error;
      const offset = await this.client.resyncClock();
      this.deps.logger.warn('clock skew against Binance corrected', { accountId: this.accountId, offsetMs: offset });
      return fn();
    }
  }

  /** One full REST sync; concurrent callers share it. */
  private syncNow(): Promise<void> {
    if (!this.syncing) {
      this.syncing = this.runSync().finally(() => {
        this.syncing = null;
      });
    }
    return this.syncing;
  }

  private async runSync(): Promise<void> {
    try {
      const raw = await this.readRest();
      if (!this.running) return;
      this.product.build(raw); // validate before replacing the last good state
      if (this.live) this.live.replace(raw);
      else this.live = new UsdmLiveState(raw, this.product);
      this.syncFailures = 0;
      this.lastDataAt = this.deps.now();
      this.emitSnapshot();
      this.updateSubscriptions();
      this.setHealth(...this.stateAfterSync());
      this.schedulePoll(this.streamUp ? this.deps.tuning.resyncIntervalMs : this.pollInterval());
    } catch (error) {
      if (!this.running) return;
      const failure = error instanceof VenueFailure ? error : new VenueFailure('unknown', USER_MESSAGES.unknown);
      this.syncFailures += 1;
      const delay =
        failure.code === 'invalid-key' || failure.code === 'permission-denied'
          ? this.deps.tuning.invalidKeyRetryMs
          : backoffDelay(this.syncFailures, this.deps.tuning.backoff, this.deps.random, failure.retryAfterMs);
      if (failure.code === 'invalid-key' || failure.code === 'permission-denied') {
        this.socket?.stop();
        this.socket = null;
        this.streamUp = false;
      }
      this.deps.logger.warn('Binance sync failed', { accountId: this.accountId, code: failure.code, retryInMs: delay });
      this.setHealth('error', failure.toVenueError(this.deps.now() + delay));
      this.schedulePoll(delay);
    }
  }

  /**
   * Live when the stream is up; polling when REST carries the account (no stream, or it failed
   * repeatedly); stale while a dropped stream is reconnecting; connecting before the first open.
   */
  private stateAfterSync(): [VenueHealthState, VenueError | null, string?] {
    if (this.streamUp) return ['live', null];
    if (!this.streamWanted || this.streamFailures >= this.deps.tuning.streamFailuresBeforePolling) return ['polling', null, 'REST polling'];
    if (this.streamFailures === 0) return ['connecting', null, 'opening stream'];
    return ['stale', this.health.lastError, this.health.detail];
  }

  private pollInterval(): number {
    const t = this.deps.tuning;
    // Never ask for more than our share of the weight budget: one sync costs the product's syncWeight.
    // Accounts on the same host share the IP's budget, so each gets its share of half of it; a
    // Multi-Assets account also spends the asset index's weight once per ASSET_INDEX_TTL_MS.
    const window = t.rateWindowMs ?? 60_000;
    const indexWeight = this.assetIndex ? (ASSET_INDEX_WEIGHT * window) / ASSET_INDEX_TTL_MS : 0;
    const share = ((t.weightLimit ?? BINANCE_WEIGHT_LIMIT) * 0.5) / Math.max(1, this.client.budgetUsers()) - indexWeight;
    const floor = Math.ceil((this.product.syncWeight * window) / Math.max(share, 1));
    return Math.max(floor, this.urgencyMs ?? t.pollIntervalMs);
  }

  /** Schedules the next REST sync; an earlier pending one wins, so frequent triggers cannot starve it. */
  private schedulePoll(delayMs: number): void {
    if (!this.running) return;
    const due = this.deps.now() + delayMs;
    if (this.pollTimer && this.pollDue <= due) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollDue = due;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.syncNow().then(() => {
        // A stream lost to an invalid key comes back once the key works again.
        if (this.running && this.streamWanted && !this.socket && this.health.state !== 'error') this.openStream();
      });
    }, delayMs);
  }

  // ---- streams -------------------------------------------------------------------------------

  private openStream(): void {
    const t = this.deps.tuning;
    this.socket = new ManagedSocket({
      url: async () => {
        const body = (await this.client.call(this.product.listenKey.post, 1)) as Row;
        this.listenKey = typeof body.listenKey === 'string' ? body.listenKey : null;
        if (!this.listenKey) throw new VenueFailure('malformed-payload', 'exchange sent no listenKey');
        return `${this.hosts.ws ?? ''}/ws/${this.listenKey}`;
      },
      pingIntervalMs: t.pingIntervalMs,
      pongTimeoutMs: t.pongTimeoutMs,
      // Mark streams tick every second; with no position there is nothing that must arrive.
      idleTimeoutMs: () => (this.subscribed.size > 0 ? t.idleTimeoutMs : 0),
      maxConnectionAgeMs: t.maxConnectionAgeMs,
      backoff: t.backoff,
      random: this.deps.random,
      now: this.deps.now,
      onOpen: () => this.onStreamOpen(),
      onMessage: (data) => this.onStreamMessage(data),
      onDown: (reason, attempt, retryInMs, cause, planned) => this.onStreamDown(reason, attempt, retryInMs, cause, planned),
    });
    this.socket.start();
  }

  private onStreamOpen(): void {
    this.subscribed.clear();
    this.updateSubscriptions();
    // Always answered, even with nothing subscribed: proves the socket delivers.
    this.socket?.send({ method: 'LIST_SUBSCRIPTIONS', id: 1 });
    this.every(() => void this.keepAliveListenKey(), this.deps.tuning.listenKeyKeepaliveMs, 'keepalive');
  }

  /** The stream counts as up once it delivers something (a subscribe reply at the latest). */
  private onStreamDelivering(): void {
    if (this.streamUp) return;
    this.streamUp = true;
    this.streamFailures = 0;
    this.deps.logger.info('Binance stream delivering', { accountId: this.accountId });
    // Anything may have happened while we were away: resync by REST, then we are live.
    void this.syncNow();
  }

  private onStreamDown(reason: string, attempt: number, retryInMs: number, cause?: unknown, planned = false): void {
    this.streamUp = false;
    this.clearNamed('keepalive');
    if (planned) {
      // Our own reconnect ahead of Binance's 24 h cut: data is not in doubt, so no "stale" flicker;
      // the freshness watchdog still catches it if the new connection does not deliver.
      this.deps.logger.info('Binance stream: planned reconnect', { accountId: this.accountId });
      this.streamFailures = 0;
      return;
    }
    this.streamFailures = attempt;
    this.deps.logger.warn('Binance stream down', { accountId: this.accountId, reason, attempt, retryInMs });
    if (!this.running) return;
    const retryAt = this.deps.now() + retryInMs;
    // A listen-key request that failed says why (invalid key, ban, maintenance ...): report that.
    const error: VenueError =
      cause instanceof VenueFailure
        ? cause.toVenueError(retryAt)
        : { code: 'stream-stalled', message: `${USER_MESSAGES['stream-stalled']} (${reason})`, retryAt: new Date(retryAt).toISOString() };
    if (cause instanceof VenueFailure && (cause.code === 'invalid-key' || cause.code === 'permission-denied')) {
      this.socket?.stop();
      this.socket = null;
      this.setHealth('error', error);
      return;
    }
    const polling = attempt >= this.deps.tuning.streamFailuresBeforePolling;
    this.setHealth(polling ? 'polling' : 'stale', error, `WebSocket reconnecting (attempt ${attempt})`);
    // Without the stream, REST polling carries the account.
    this.schedulePoll(polling ? this.pollInterval() : Math.min(this.pollInterval(), retryInMs + 1));
  }

  private onStreamMessage(data: unknown): void {
    this.onStreamDelivering();
    if (!isRow(data) || !this.live) return;
    try {
      if (data.e === 'markPriceUpdate') {
        const { tick, changed } = this.live.applyMark(data);
        this.lastDataAt = this.deps.now();
        this.listener?.onMarkTick?.(tick);
        if (changed) this.emitSoon();
        this.freshAgain();
      } else if (data.e === 'ACCOUNT_UPDATE') {
        const outcome = this.live.applyAccountUpdate(data);
        this.lastDataAt = this.deps.now();
        if (outcome.changed) this.emitSnapshot();
        if (outcome.needsResync) void this.syncNow();
        else this.schedulePoll(Math.min(this.deps.tuning.resyncIntervalMs, 2_000)); // refresh Binance's own figures
        this.freshAgain();
      } else if (data.e === 'ORDER_TRADE_UPDATE') {
        const event = parseBinanceOrderUpdate(data, this.deps.now());
        if (event) this.listener?.onOrderEvent?.(event);
      } else if (data.e === 'listenKeyExpired') {
        this.deps.logger.warn('Binance listen key expired; reconnecting with a new key', { accountId: this.accountId });
        this.listenKey = null;
        this.socket?.restart('listen key expired');
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.logger.warn('Binance stream event rejected; resyncing', { accountId: this.accountId, message });
      void this.syncNow();
    }
  }

  private async keepAliveListenKey(): Promise<void> {
    if (!this.listenKey) return;
    try {
      await this.client.call(this.product.listenKey.put, 1, { listenKey: this.listenKey });
    } catch (error) {
      // -1125: the key is gone; a new one comes with the reconnect.
      this.deps.logger.warn('Binance listen key keepalive failed; reconnecting', {
        accountId: this.accountId,
        code: error instanceof VenueFailure ? error.code : 'unknown',
      });
      this.listenKey = null;
      this.socket?.restart('listen key keepalive failed');
    }
  }

  private updateSubscriptions(): void {
    if (!this.socket?.isOpen || !this.live) return;
    const wanted = this.live.symbols;
    const add = wanted.filter((s) => !this.subscribed.has(s));
    if (add.length === 0) return;
    this.socket.send({ method: 'SUBSCRIBE', params: add.map((s) => `${s.toLowerCase()}@markPrice@1s`), id: Date.now() % 1e9 });
    for (const s of add) this.subscribed.add(s);
  }

  // ---- emission and health -------------------------------------------------------------------

  private emitSoon(): void {
    if (this.emitTimer) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      this.emitSnapshot();
    }, this.deps.tuning.snapshotCoalesceMs);
  }

  private emitSnapshot(): void {
    if (this.emitTimer) {
      clearTimeout(this.emitTimer);
      this.emitTimer = null;
    }
    if (!this.live || !this.listener) return;
    let snapshot: AccountSnapshot;
    try {
      snapshot = this.live.snapshot();
    } catch (error) {
      this.deps.logger.warn('Binance state did not form a valid snapshot; resyncing', {
        accountId: this.accountId,
        message: error instanceof Error ? error.message : String(error),
      });
      void this.syncNow();
      return;
    }
    this.health = { ...this.health, dataAsOf: snapshot.asOf };
    this.listener.onSnapshot(snapshot);
  }

  private freshAgain(): void {
    if (this.streamUp && this.health.state !== 'live' && this.health.state !== 'error') this.setHealth('live', null);
  }

  private checkFreshness(): void {
    if (!this.running || this.lastDataAt === 0) return;
    const age = this.deps.now() - this.lastDataAt;
    // Marks must tick while positions are open; with none, the socket's ping/pong proves the
    // stream and REST resyncs are the data heartbeat.
    const t = this.deps.tuning;
    const limit = this.streamUp
      ? this.subscribed.size > 0
        ? t.staleAfterMs
        : Math.max(t.staleAfterMs, t.resyncIntervalMs * 2)
      : Math.max(t.staleAfterMs, this.pollInterval() * 2);
    if (age > limit && (this.health.state === 'live' || this.health.state === 'polling')) {
      this.setHealth('stale', { code: 'stream-stalled', message: `No fresh data for ${Math.round(age / 1000)} s. Figures shown may be out of date.` }, 'waiting for data');
    }
  }

  private setHealth(state: VenueHealthState, lastError: VenueError | null, detail?: string): void {
    const dataAsOf = this.live ? new Date(this.live.asOfMs).toISOString() : this.health.dataAsOf;
    const next: VenueHealth = detail ? { state, dataAsOf, lastError, detail } : { state, dataAsOf, lastError };
    const same = this.health.state === next.state && this.health.detail === next.detail && JSON.stringify(this.health.lastError) === JSON.stringify(next.lastError);
    this.health = next;
    if (!same) this.listener?.onHealth(next);
  }

  // ---- timers --------------------------------------------------------------------------------

  private named = new Map<string, NodeJS.Timeout>();

  private every(fn: () => void, ms: number, name?: string): void {
    if (name) this.clearNamed(name);
    const t = setInterval(fn, ms);
    this.timers.add(t);
    if (name) this.named.set(name, t);
  }

  private clearNamed(name: string): void {
    const t = this.named.get(name);
    if (t) {
      clearInterval(t);
      this.timers.delete(t);
      this.named.delete(name);
    }
  }
}

/**
 * Multi-Assets mode, read from the account payload itself (no extra call): an explicit
 * multiAssetsMargin flag when sent, else the totals — in single-asset mode they cover USDT alone
 * (GET /fapi/v2/account docs), in Multi-Assets mode the USD value of every asset.
 */
export function isMultiAssetsAccount(account: Row): boolean {
  if (typeof account.multiAssetsMargin === 'boolean') return account.multiAssetsMargin;
  if (!Array.isArray(account.assets)) return false;
  const assets = account.assets as Row[];
  const held = (a: Row, i: number): Decimal => decimalOf(a.crossWalletBalance, `account.assets[${i}].crossWalletBalance`);
  if (!assets.some((a, i) => a.asset !== 'USDT' && !held(a, i).isZero())) return false;
  const k = assets.findIndex((a) => a.asset === 'USDT');
  const usdt = k < 0 ? new Decimal(0) : held(assets[k]!, k);
  return !decimalOf(account.totalCrossWalletBalance, 'account.totalCrossWalletBalance').eq(usdt);
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
