// Timing knobs shared by the exchange sessions. Defaults follow the venues' documented limits;
// tests and benchmarks shrink them.
import type { BackoffPolicy } from './backoff';
import { DEFAULT_BACKOFF } from './backoff';

export interface SessionTuning {
  /** REST poll interval when no stream is available (clamped to the rate-limit budget). */
  pollIntervalMs: number;
  /** REST resync interval while the stream is live (catches anything the stream missed). */
  resyncIntervalMs: number;
  /** Data older than this (by local receipt time) makes the health "stale". */
  staleAfterMs: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** No stream message for this long = silent stall (mark streams tick every second). */
  idleTimeoutMs: number;
  /** Binance closes connections after 24 h; reconnect before that. */
  maxConnectionAgeMs: number;
  /** Binance listen keys expire after 60 min without a keepalive. */
  listenKeyKeepaliveMs: number;
  /** Mark ticks within this window are merged into one snapshot. */
  snapshotCoalesceMs: number;
  /** Stream failures in a row before we call the account "polling" rather than "stale". */
  streamFailuresBeforePolling: number;
  requestTimeoutMs: number;
  /** Request-weight limit per window; undefined = the venue's documented limit. */
  weightLimit?: number;
  rateWindowMs?: number;
  backoff: BackoffPolicy;
  /** Wait after a 429 that carries no Retry-After. */
  rateLimitedWaitMs: number;
  /** Retry interval after the key was rejected (the user must fix the key; do not hammer). */
  invalidKeyRetryMs: number;
}

export const DEFAULT_TUNING: SessionTuning = {
  pollIntervalMs: 5_000,
  resyncIntervalMs: 60_000,
  staleAfterMs: 10_000,
  pingIntervalMs: 10_000,
  pongTimeoutMs: 5_000,
  idleTimeoutMs: 10_000,
  maxConnectionAgeMs: 23 * 3600_000,
  listenKeyKeepaliveMs: 30 * 60_000,
  snapshotCoalesceMs: 50,
  streamFailuresBeforePolling: 3,
  requestTimeoutMs: 10_000,
  backoff: DEFAULT_BACKOFF,
  invalidKeyRetryMs: 5 * 60_000,
  rateLimitedWaitMs: 10_000,
};

export interface VenueLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const SILENT_LOGGER: VenueLogger = { info() {}, warn() {} };

export interface SessionDeps {
  now: () => number;
  random: () => number;
  logger: VenueLogger;
  tuning: SessionTuning;
}
