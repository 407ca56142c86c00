// Runs one account: venue data in → validated snapshot → margin report → forecast → history → alerts →
// an AccountView event out. A bad snapshot is recorded and shown; the last good state is kept.
import type { AccountSnapshot, EngineOptions, MarginReport, MarkTick, Parsed, Candle } from '../domain/contracts';
import type { AccountForecast } from '../domain/forecast/types';
import type { AlertLevel } from '../domain/alerts/levels';
import type { AccountView, DangerView } from '../api/messages';
import type { AccountConfig, VenueHealth, VenueSession } from '../venues/types';
import type { OrderEvent } from '../venues/streamEvents';
import type { LiquidationEvent } from '../domain/alerts/types';
import type { AlertEvaluationInput } from '../domain/alerts/reducer';
import { CROSS_SUBJECT, positionSubjectOf, subjectKey } from '../domain/contracts/subject';
import type { HistoryStore } from '../store/historyStore';
import type { StoredCandle } from '../store/historyStore';
import { shouldPersist, type LastWrite } from './persistPolicy';
import { MinuteCandles } from './minuteCandles';

export interface MarginEngine {
  parse(input: unknown): Parsed<AccountSnapshot>;
  compute(snapshot: AccountSnapshot, options: EngineOptions): MarginReport;
}

export interface Forecaster {
  ingestCandles(symbol: string, candles: Candle[]): void;
  ingestTick(tick: MarkTick): void;
  forecast(snapshot: AccountSnapshot, report: MarginReport, nowMs: number): AccountForecast;
  /**
   * σ per √minute of a symbol (the danger model's σ-distance), or null without history. Required: an
   * adapter that left it out once silently switched the σ-distance rule off in the app.
   */
  sigma(symbol: string): number | null;
  /** v2 (worker thread) for books the closed form describes poorly, e.g. cross books of several assets. */
  forecastMonteCarlo?(snapshot: AccountSnapshot, report: MarginReport, nowMs: number): Promise<AccountForecast>;
  needsMonteCarlo?(snapshot: AccountSnapshot): boolean;
}

export interface AlertSink {
  evaluate(accountId: string, input: AlertEvaluationInput): Promise<void>;
  /** The current danger verdict of the account (worst subject, levels, advice), or null before data. */
  danger(accountId: string): DangerView | null;
  /** Worst open level alert of the account and its positions. */
  accountLevel(accountId: string): AlertLevel;
}

export interface RunnerDeps {
  engine: MarginEngine;
  forecaster: Forecaster;
  alerts: AlertSink;
  history: HistoryStore;
  now: () => number;
  settings: () => { engine: EngineOptions; historyIntervalMs: number; snapshotIntervalMs: number };
  emit: (view: AccountView) => void;
  log: (message: string) => void;
  /** A history write failed: true when it was the disk (reported as storage, not an account error). */
  storageFailed?: (error: unknown) => boolean;
}

/** A day, as the danger evaluation warms up (docs/ALERTS.md): σ's slow half-life is a day. */
const BACKFILL_MINUTES = 24 * 60;
/** A failed backfill is asked again after this long (not on every snapshot). */
const BACKFILL_RETRY_MS = 60_000;
/**
 * How long a snapshot waits for its symbols' history before it is judged without it: long enough for a
 * venue that answers normally (the first verdict then has σ), short enough not to delay an alert.
 */
const BACKFILL_WAIT_MS = 2_000;

/** A Monte Carlo result is used while younger than this; a new run starts at most this often. */
const MONTE_CARLO_FRESH_MS = 30_000;
const ERROR_VISIBLE_MS = 5 * 60_000;

/** Resolves when `p` settles or after `ms`, whichever comes first (never rejects). */
function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void p.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}

/** A trader's own close counts for a subject that vanishes within this long after it was seen. */
export const TRADER_CLOSE_WINDOW_MS = 2 * 60_000;

export class AccountRunner {
  private snapshot: AccountSnapshot | null = null;
  private report: MarginReport | null = null;
  private forecast: AccountForecast | null = null;
  private health: VenueHealth = { state: 'connecting', dataAsOf: null, lastError: null };
  private lastError: AccountView['lastError'] = null;
  private lastReportWrite: LastWrite | null = null;
  private lastSnapshotWrite: LastWrite | null = null;
  private pending: unknown = null;
  private busy: Promise<void> | null = null;
  /** Mark-history backfills under way (off the alert path; `idle` and `stop` wait for them). */
  private backfillsInFlight = new Set<Promise<void>>();
  private backfilled = new Set<string>();
  /** Symbols whose backfill failed: when it may be asked again. */
  private backfillRetryAt = new Map<string, number>();
  private readonly candles = new MinuteCandles();
  private monteCarlo: { forecast: AccountForecast; atMs: number } | null = null;
  private monteCarloRunning = false;
  private keyNotice: string | null = null;
  /** Venue liquidation/ADL events not yet handed to the alerts. */
  private venueEvents: LiquidationEvent[] = [];
  /** Subject key → when (our clock) the trader's own reducing/closing order was last seen. */
  private traderCloses = new Map<string, number>();
  private stopped = false;

  constructor(
    readonly config: AccountConfig,
    private readonly session: VenueSession,
    private readonly deps: RunnerDeps,
  ) {
    const stored = deps.history.latestReport(config.id);
    if (stored) this.report = stored.report;
    const error = deps.history.latestInputError(config.id);
    if (error) this.lastError = { at: new Date(error.atMs).toISOString(), message: error.message };
  }

  async start(): Promise<void> {
    await this.session.start({
      onSnapshot: (raw) => this.enqueue(raw),
      onHealth: (health) => this.onHealth(health),
      onMarkTick: (tick) => this.deps.forecaster.ingestTick(tick),
      onOrderEvent: (event) => {
        if (event.reason === 'trader-close') {
          this.traderCloses.set(this.subjectOf(event), this.deps.now());
          return;
        }
        const liquidation = this.liquidationOf(event);
        if (!liquidation) return;
        this.venueEvents.push(liquidation);
        this.reevaluate();
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.session.stop();
    await this.busy;
    await Promise.all(this.backfillsInFlight);
  }

  view(): AccountView {
    return {
      id: this.config.id,
      name: this.config.name,
      source: this.config.source,
      snapshot: this.snapshot,
      report: this.report,
      forecast: this.forecast,
      health: this.health,
      level: this.deps.alerts.accountLevel(this.config.id),
      danger: this.deps.alerts.danger(this.config.id),
      lastError: this.lastError,
    };
  }

  /** 1-minute candles built from live data that the next history write has not stored yet. */
  unsavedCandles(symbol: string): StoredCandle[] {
    return this.candles.peek(symbol);
  }

  currentSnapshot(): AccountSnapshot | null {
    return this.snapshot;
  }

  /** Latest wins: while one snapshot is being processed, newer ones replace the queued one. */
  enqueue(raw: unknown): Promise<void> {
    this.pending = raw;
    if (!this.busy) this.busy = this.drain().finally(() => (this.busy = null));
    return this.busy;
  }

  /** Resolves when every queued snapshot and every backfill has been processed (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.busy || this.backfillsInFlight.size > 0) {
      await this.busy;
      await Promise.all(this.backfillsInFlight);
    }
  }

  private async drain(): Promise<void> {
    while (this.pending !== null && !this.stopped) {
      const raw = this.pending;
      this.pending = null;
      try {
        await this.process(raw);
      } catch (error) {
        this.recordError(`internal error while processing a snapshot: ${errorText(error)}`);
      }
    }
  }

  private async process(raw: unknown): Promise<void> {
    const { engine, forecaster, alerts, history, now, settings } = this.deps;
    const parsed = engine.parse(raw);
    if (!parsed.ok) {
      this.recordError(`Rejected snapshot from ${this.config.name}: ${parsed.error.message}`);
      return;
    }
    const snapshot = parsed.value;
    const config = settings();
    let report: MarginReport;
    try {
      report = engine.compute(snapshot, config.engine);
    } catch (error) {
      this.recordError(`Margin engine could not compute ${this.config.name}: ${errorText(error)}`);
      return;
    }
    // Waited for a short while only: a slow or failing history request must not hold back this
    // snapshot's alerts. Past the wait the forecast uses the conservative default σ (and says so) until
    // the history lands, and history that lands after live minutes is put in front of them.
    const backfill = this.startBackfill(snapshot);
    if (backfill) await settledWithin(backfill, BACKFILL_WAIT_MS);
    this.ingestSnapshotMarks(snapshot);
    let forecast: AccountForecast | null = null;
    try {
      forecast = forecaster.forecast(snapshot, report, now());
    } catch (error) {
      this.deps.log(`forecast failed for ${this.config.id}: ${errorText(error)}`);
    }
    forecast = this.withMonteCarlo(snapshot, report, forecast);
    this.snapshot = snapshot;
    this.report = report;
    this.forecast = forecast;
    // A rejected input stays on screen for a while even when good data follows, so the trader sees it.
    if (this.lastError && now() - Date.parse(this.lastError.at) > ERROR_VISIBLE_MS) this.lastError = null;

    await alerts.evaluate(this.config.id, this.alertInput(report, forecast, this.health));
    const level = alerts.accountLevel(this.config.id);
    const nowMs = now();
    const asOfMs = Date.parse(snapshot.asOf);
    for (const position of snapshot.positions) this.candles.observe(position.symbol, asOfMs, position.markPrice);
    const writeReport = shouldPersist(this.lastReportWrite, nowMs, level, config.historyIntervalMs);
    const writeSnapshot = shouldPersist(this.lastSnapshotWrite, nowMs, level, config.snapshotIntervalMs);
    if (writeReport || writeSnapshot) {
      try {
        history.transaction(() => {
          if (writeReport) history.saveReport(this.config.id, report, level);
          if (writeSnapshot) history.saveSnapshot(this.config.id, snapshot);
          history.saveMarkCandles(this.config.id, this.candles.drain());
        });
        if (writeReport) this.lastReportWrite = { atMs: nowMs, level };
        if (writeSnapshot) this.lastSnapshotWrite = { atMs: nowMs, level };
      } catch (error) {
        // A full disk loses history (the storage alert says so), never the live view or the alerts.
        if (!this.deps.storageFailed?.(error)) throw error;
      }
    }
    this.deps.emit(this.view());
  }

  private onHealth(health: VenueHealth): void {
    const changed = health.state !== this.health.state || health.lastError?.code !== this.health.lastError?.code;
    this.health = health;
    if (!changed) return;
    // Health changes (stale, key rejected, unreachable) are alert inputs even when no snapshot comes.
    this.reevaluate();
  }

  /** A venue order that closed a position itself, as the subject it ended (a cross leg ends the cross book). */
  private liquidationOf(event: OrderEvent): LiquidationEvent | null {
    if (event.reason === 'other' || event.reason === 'trader-close') return null;
    return { subject: this.subjectOf(event), kind: event.reason, price: event.price ?? null, atMs: event.time };
  }

  /** The subject key an order event touches: its position, or the cross book for a cross leg. */
  private subjectOf(event: OrderEvent): string {
    const held = this.snapshot?.positions.find((p) => p.symbol === event.symbol && (event.positionSide === undefined || p.positionSide === event.positionSide));
    const subject = held?.marginMode === 'cross' ? CROSS_SUBJECT : positionSubjectOf({ symbol: event.symbol, positionSide: held?.positionSide ?? event.positionSide ?? 'both' });
    return subjectKey(subject);
  }

  /** Subjects the trader closed or reduced within the window; older sightings are forgotten. */
  private recentTraderCloses(): string[] {
    const nowMs = this.deps.now();
    for (const [key, atMs] of this.traderCloses) if (nowMs - atMs > TRADER_CLOSE_WINDOW_MS) this.traderCloses.delete(key);
    return [...this.traderCloses.keys()];
  }

  /** The periodic key check found the key's permissions widened (or back to normal: null). */
  setKeyPermissionsNotice(notice: string | null): void {
    if (notice === this.keyNotice) return;
    this.keyNotice = notice;
    this.reevaluate();
  }

  private alertInput(report: MarginReport | null, forecast: AccountForecast | null, health: VenueHealth) {
    const volatility: Record<string, number | null> = {};
    for (const p of this.snapshot?.positions ?? []) volatility[p.symbol] = this.deps.forecaster.sigma(p.symbol);
    const venueEvents = this.venueEvents;
    this.venueEvents = [];
    const closedByTrader = this.recentTraderCloses();
    // Only a live venue stream carries the trader's orders; polling and the demo cannot see them.
    const traderOrdersVisible = this.config.source !== 'demo' && health.state === 'live';
    return { report, forecast, health, accountName: this.config.name, keyPermissionsNotice: this.keyNotice, snapshot: this.snapshot, volatility, venueEvents, closedByTrader, traderOrdersVisible };
  }

  /** Alert inputs other than data (health, key checks) changed: judge again with the last report. */
  private reevaluate(): void {
    void this.deps.alerts
      .evaluate(this.config.id, this.alertInput(this.report, this.forecast, this.health))
      .catch((error: unknown) => this.deps.log(`alert evaluation failed: ${errorText(error)}`))
      .finally(() => this.deps.emit(this.view()));
  }

  /**
   * Multi-asset cross books also get the Monte Carlo forecast, computed in a worker off the alert path:
   * alerts never wait for it. A fresh result replaces v1's account levels (the book as a whole); the
   * positions stay v1's of this tick, so a single position is never judged on a price up to a minute
   * old. Until a result arrives (and if it fails) v1 stands. A result's age counts from the snapshot it
   * was computed on, not from when the worker finished.
   */
  private withMonteCarlo(snapshot: AccountSnapshot, report: MarginReport, v1: AccountForecast | null): AccountForecast | null {
    const { forecaster, now } = this.deps;
    if (!forecaster.forecastMonteCarlo || !forecaster.needsMonteCarlo?.(snapshot)) return v1;
    const nowMs = now();
    if (!this.monteCarloRunning && (!this.monteCarlo || nowMs - this.monteCarlo.atMs >= MONTE_CARLO_FRESH_MS)) {
      this.monteCarloRunning = true;
      forecaster
        .forecastMonteCarlo(snapshot, report, nowMs)
        .then((forecast) => (this.monteCarlo = { forecast, atMs: nowMs }))
        .catch((error: unknown) => this.deps.log(`Monte Carlo forecast failed for ${this.config.id}: ${errorText(error)}`))
        .finally(() => (this.monteCarloRunning = false));
    }
    const mc = this.monteCarlo && nowMs - this.monteCarlo.atMs < 2 * MONTE_CARLO_FRESH_MS ? this.monteCarlo.forecast : null;
    if (!mc) return v1;
    if (!v1) return mc;
    return { ...mc, asOf: v1.asOf, positions: v1.positions, warnings: [...new Set([...mc.warnings, ...v1.warnings])] };
  }

  /**
   * The snapshot's marks are ticks too: when the venue's mark stream is down and the session falls back
   * to polling, σ keeps following the market instead of freezing at its last streamed minute.
   */
  private ingestSnapshotMarks(snapshot: AccountSnapshot): void {
    const time = Date.parse(snapshot.asOf);
    if (!Number.isFinite(time)) return;
    for (const p of snapshot.positions) this.deps.forecaster.ingestTick({ symbol: p.symbol, price: p.markPrice, time });
  }

  /** Not yet loaded, nor failed less than a retry interval ago. */
  private backfillDue(symbol: string, nowMs: number): boolean {
    return !this.backfilled.has(symbol) && (this.backfillRetryAt.get(symbol) ?? 0) <= nowMs;
  }

  /** Starts the backfill of the snapshot's symbols that need one; null when none does. */
  private startBackfill(snapshot: AccountSnapshot): Promise<void> | null {
    const nowMs = this.deps.now();
    if (!snapshot.positions.some((p) => this.backfillDue(p.symbol, nowMs))) return null;
    const run: Promise<void> = this.backfill(snapshot).finally(() => this.backfillsInFlight.delete(run));
    this.backfillsInFlight.add(run);
    return run;
  }

  /** Loads recent 1-minute mark history once per symbol so the forecast has volatility from the start. */
  private async backfill(snapshot: AccountSnapshot): Promise<void> {
    const nowMs = this.deps.now();
    for (const position of snapshot.positions) {
      if (!this.backfillDue(position.symbol, nowMs)) continue;
      // Claimed before the await so that the next snapshot does not ask again while this one is in flight.
      this.backfilled.add(position.symbol);
      try {
        // The minute still forming is not history: its close is not final (the live ticks build it).
        // A demo replaying faster than real time serves market minutes: a day of them, each shorter.
        const minuteMs = 60_000 / (this.session.clockScale ?? 1);
        const candles = (await this.session.markHistory(position.symbol, nowMs - BACKFILL_MINUTES * minuteMs, nowMs)).filter((c) => c.time + minuteMs <= nowMs);
        this.deps.forecaster.ingestCandles(position.symbol, candles);
        // Keep what the venue sent, so price charts reach back before the monitor started.
        const stored: StoredCandle[] = candles
          .filter((c) => [c.open, c.high, c.low, c.close].every(Number.isFinite))
          .map((c) => ({ symbol: position.symbol, minuteMs: c.time, open: String(c.open), high: String(c.high), low: String(c.low), close: String(c.close) }));
        this.deps.history.saveMarkCandles(this.config.id, stored);
        this.backfillRetryAt.delete(position.symbol);
      } catch (error) {
        this.backfilled.delete(position.symbol);
        this.backfillRetryAt.set(position.symbol, this.deps.now() + BACKFILL_RETRY_MS);
        this.deps.log(`mark history backfill failed for ${position.symbol} (asked again in ${BACKFILL_RETRY_MS / 1000} s): ${errorText(error)}`);
      }
    }
  }

  private recordError(message: string): void {
    const atMs = this.deps.now();
    this.lastError = { at: new Date(atMs).toISOString(), message };
    try {
      this.deps.history.saveInputError(this.config.id, atMs, message);
    } catch (error) {
      this.deps.log(`could not store input error: ${errorText(error)}`);
    }
    this.deps.log(message);
    this.deps.emit(this.view());
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
