// One JSON POST with a timeout, classified for retrying: network errors, timeouts, 429 and 5xx are
// worth another try; other 4xx mean the configuration is wrong and retrying will not help.
import type { AttemptOutcome } from './retry';

export async function postJson(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; timeoutMs?: number; label: string },
): Promise<AttemptOutcome & { status?: number; text?: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
  } catch (error) {
    // The URL may carry a secret (Telegram's bot token): name the channel, not the URL.
    const reason =
      error instanceof Error ? (error.name === 'TimeoutError' ? 'timed out' : causeText(error)) : 'failed';
    return { ok: false, detail: `${options.label}: request ${reason}`, retryable: true };
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return { ok: true, status: response.status, text };
  const retryable = response.status === 429 || response.status >= 500;
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    ok: false,
    status: response.status,
    text,
    detail: `${options.label}: HTTP ${response.status}`,
    retryable,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
}

function causeText(error: Error): string {
  const cause = (error as Error & { cause?: { code?: string } }).cause;
  return cause?.code ? `failed (${cause.code})` : 'failed';
}
