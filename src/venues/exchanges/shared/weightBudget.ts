// Keeps REST usage under the venue's request-weight limit per window. It counts what it sends in a
// sliding window, trusts the server's own counter (X-MBX-USED-WEIGHT-1M) when that is higher, and
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
  // Sliding log of what we sent: any interval of windowMs holds at most the cap, so whatever
  // fixed windows the server counts in (and however a request straddles them), we stay under.
  private log: Array<{ at: number; weight: number }> = [];
  private blockedUntil = 0;

  constructor(private readonly options: WeightBudgetOptions) {}

  private usedAt(now: number): number {
    const from = now - this.options.windowMs;
    while (this.log.length > 0 && this.log[0]!.at <= from) this.log.shift();
    let used = 0;
    for (const e of this.log) used += e.weight;
    return used;
  }

  /** Waits until `weight` fits in the last window, then books it. */
  async reserve(weight: number): Promise<void> {
    const cap = Math.max(1, Math.floor(this.options.limit * this.options.headroom));
    for (;;) {
      const now = this.options.now();
      if (now < this.blockedUntil) {
        await this.options.sleep(this.blockedUntil - now);
        continue;
      }
      const used = this.usedAt(now);
      if (used + weight <= cap || used === 0) {
        this.log.push({ at: now, weight });
        return;
      }
      // Wait until enough of the oldest entries leave the window (+5 ms for coarse timers).
      let freed = 0;
      let until = now;
      for (const e of this.log) {
        freed += e.weight;
        until = e.at + this.options.windowMs;
        if (used - freed + weight <= cap) break;
      }
      await this.options.sleep(Math.max(1, until - now + 5));
    }
  }

  /** The server's own count (X-MBX-USED-WEIGHT-1M): if it saw more than we sent (other clients on our IP), book the difference. */
  observeUsed(serverUsed: number): void {
    const now = this.options.now();
    const used = this.usedAt(now);
    if (Number.isFinite(serverUsed) && serverUsed > used) this.log.push({ at: now, weight: serverUsed - used });
  }

  blockFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.options.now() + ms);
  }

  get usedInWindow(): number {
    return this.usedAt(this.options.now());
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

export type SharedBudget = ReturnType<typeof acquireSharedBudget>;

/** A REST client's share of the budget for `scope` (its host, or host|endpoint): 80 % of the venue's limit, real waits. */
export function acquireClientBudget(scope: string, o: { weightLimit: number; windowMs: number; now: () => number }): SharedBudget {
  return acquireSharedBudget(`${scope}|${o.weightLimit}|${o.windowMs}`, {
    limit: o.weightLimit,
    windowMs: o.windowMs,
    headroom: 0.8,
    now: o.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
}
