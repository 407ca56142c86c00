// Keeps an account's REST usage under the venue's request-weight limit per window. It counts what
// it sends, trusts the server's own counter (X-MBX-USED-WEIGHT-1M) when that is higher, and
// honours Retry-After by blocking every request until the wait is over.

export interface WeightBudgetOptions {
  limit: number;
  windowMs: number;
  /** Fraction of the limit we allow ourselves (headroom for other clients on the same IP). */
  headroom: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export class WeightBudget {
  private windowStart = 0;
  private used = 0;
  private blockedUntil = 0;

  constructor(private readonly options: WeightBudgetOptions) {}

  private roll(now: number): void {
    const start = now - (now % this.options.windowMs);
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
  }

  /** Waits until `weight` fits in the current window (or the next one), then books it. */
  async reserve(weight: number): Promise<void> {
    const cap = Math.max(1, Math.floor(this.options.limit * this.options.headroom));
    for (;;) {
      const now = this.options.now();
      if (now < this.blockedUntil) {
        await this.options.sleep(this.blockedUntil - now);
        continue;
      }
      this.roll(now);
      if (this.used + weight <= cap || this.used === 0) {
        this.used += weight;
        return;
      }
      // +5 ms so we land inside the next window even with coarse timers.
      await this.options.sleep(this.windowStart + this.options.windowMs - now + 5);
    }
  }

  /** The server's own count for this window, from its response headers. */
  observeUsed(serverUsed: number): void {
    this.roll(this.options.now());
    if (Number.isFinite(serverUsed) && serverUsed > this.used) this.used = serverUsed;
  }

  blockFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.options.now() + ms);
  }

  get usedInWindow(): number {
    return this.used;
  }
}

// Venue limits are per IP, and every account in this process shares our IP: accounts talking to the
// same host share one budget.
const shared = new Map<string, { budget: WeightBudget; users: number }>();

export function acquireSharedBudget(key: string, options: WeightBudgetOptions): { budget: WeightBudget; release(): void; users(): number } {
  let entry = shared.get(key);
  if (!entry) {
    entry = { budget: new WeightBudget(options), users: 0 };
    shared.set(key, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    budget: held.budget,
    users: () => held.users,
    release() {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users === 0 && shared.get(key) === held) shared.delete(key);
    },
  };
}
