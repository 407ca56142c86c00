// The watchdog runs on its own timer and a monotonic clock, independent of the data path. Each
// beat it asks the pipeline to re-judge the account with the current time, so staleness is raised
// even when no data arrives at all. A beat that comes far too late means the machine slept or the
// event loop stalled: it reports the gap, and the account counts as blind until fresh data arrives.
import { performance } from 'node:perf_hooks';

export interface WatchdogTarget {
  watchdogCheck(accountId: string, check: { gapMs: number | null; monoNowMs: number }): Promise<void>;
}

export interface WatchdogOptions {
  target: WatchdogTarget;
  accountId: string;
  intervalMs?: number;
  /** A beat later than intervalMs × gapFactor counts as a sleep/stall gap. */
  gapFactor?: number;
  monoNow?: () => number;
  /** Wall clock: on Linux the monotonic clock stops during suspend, the wall clock does not. */
  wallNow?: () => number;
  onError?: (error: unknown) => void;
}

export class Watchdog {
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastMono: number;
  private lastWall: number;
  private readonly intervalMs: number;
  private readonly gapFactor: number;
  private readonly monoNow: () => number;
  private readonly wallNow: () => number;
  private running: Promise<void> | null = null;
  private pendingGapMs: number | null = null;

  constructor(private readonly options: WatchdogOptions) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.gapFactor = options.gapFactor ?? 3;
    this.monoNow = options.monoNow ?? (() => performance.now());
    this.wallNow = options.wallNow ?? (() => Date.now());
    this.lastMono = this.monoNow();
    this.lastWall = this.wallNow();
  }

  start(): void {
    if (this.timer) return;
    this.lastMono = this.monoNow();
    this.lastWall = this.wallNow();
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * One beat; the timer calls it, tests may too. Timing is recorded on every beat, so a slow check
   * (a hanging channel) is never mistaken for a sleep gap; a check still running is not doubled, and
   * a gap seen meanwhile is handed to the next check.
   */
  beat(): Promise<void> {
    const mono = this.monoNow();
    const wall = this.wallNow();
    const elapsed = Math.max(mono - this.lastMono, wall - this.lastWall);
    this.lastMono = mono;
    this.lastWall = wall;
    if (elapsed > this.intervalMs * this.gapFactor)
      this.pendingGapMs = Math.max(this.pendingGapMs ?? 0, elapsed);
    if (this.running) return this.running;
    const gapMs = this.pendingGapMs;
    this.pendingGapMs = null;
    this.running = this.options.target
      .watchdogCheck(this.options.accountId, { gapMs, monoNowMs: mono })
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
