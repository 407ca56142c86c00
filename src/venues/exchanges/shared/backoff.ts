// Exponential backoff with full jitter, capped, and never shorter than what the exchange asked for.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };

/** Delay before retry number `attempt` (1-based). `random` in [0,1) is injected for determinism. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number, retryAfterMs: number | null = null): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  // Half fixed, half jitter: spreads reconnect storms without ever retrying immediately.
  const delay = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return retryAfterMs !== null ? Math.max(delay, retryAfterMs) : delay;
}
