// Retries with exponential backoff and jitter-free, bounded delays (deterministic for tests).
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 8000 };

export type AttemptOutcome =
  { ok: true; detail?: string } | { ok: false; detail: string; retryable: boolean; retryAfterMs?: number };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetries(
  attempt: (n: number) => Promise<AttemptOutcome>,
  policy: RetryPolicy,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<{ ok: boolean; detail?: string; attempts: number }> {
  let last: AttemptOutcome = { ok: false, detail: 'not attempted', retryable: false };
  for (let n = 1; n <= policy.attempts; n++) {
    try {
      last = await attempt(n);
    } catch (error) {
      last = { ok: false, detail: error instanceof Error ? error.message : String(error), retryable: true };
    }
    if (last.ok) return { ok: true, attempts: n, ...(last.detail ? { detail: last.detail } : {}) };
    if (!last.retryable || n === policy.attempts) return { ok: false, detail: last.detail, attempts: n };
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
    await wait(Math.min(policy.maxDelayMs, Math.max(backoff, last.retryAfterMs ?? 0)));
  }
  return { ok: false, detail: last.ok ? 'unknown' : last.detail, attempts: policy.attempts };
}
