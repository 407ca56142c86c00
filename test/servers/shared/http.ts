// Small helpers shared by the local exchange servers.
import type { IncomingMessage } from 'node:http';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Fixed windows aligned to the epoch, like the exchanges' per-minute counters. */
export class WindowCounter {
  private windowStart = 0;
  private used = 0;
  maxSeen = 0;
  constructor(
    readonly windowMs: number,
    readonly limit: number,
  ) {}

  /** Adds `weight` at time `now`; returns the window's total and whether it is over the limit. */
  add(weight: number, now: number): { used: number; over: boolean; windowEndsAt: number } {
    const start = now - (now % this.windowMs);
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
    this.used += weight;
    this.maxSeen = Math.max(this.maxSeen, this.used);
    return { used: this.used, over: this.used > this.limit, windowEndsAt: start + this.windowMs };
  }

  current(now: number): number {
    return now - (now % this.windowMs) === this.windowStart ? this.used : 0;
  }
}
