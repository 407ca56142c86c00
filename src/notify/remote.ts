// Remote channels for when the trader is away from the desk: a JSON webhook, ntfy and a Telegram
// bot. Base URLs are configurable (self-hosted ntfy, proxies, local test servers).
import { createHmac } from 'node:crypto';
import { withRetries, DEFAULT_RETRY, sleep, type RetryPolicy } from './retry';
import { postJson } from './http';
import type { NotificationChannel, OutgoingNotification, SendResult } from './types';
import { levelRank } from '../domain/alerts/levels';

interface CommonOptions {
  id?: string;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** Injected for tests; real timers by default. */
  wait?: (ms: number) => Promise<void>;
}

/** The JSON document a webhook receives. */
export function webhookPayload(n: OutgoingNotification) {
  return { schema: 'marginwatch.alert/1' as const, ...n };
}

/** `sha256=<hex>` HMAC of the exact JSON body, for receivers that verify the sender. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function webhookChannel(
  options: CommonOptions & { url: string; headers?: Record<string, string>; secret?: string },
): NotificationChannel {
  const label = options.id ?? 'webhook';
  return {
    id: label,
    send: (n) => {
      const payload = webhookPayload(n);
      const signature: Record<string, string> = options.secret
        ? { 'x-marginwatch-signature': webhookSignature(options.secret, JSON.stringify(payload)) }
        : {};
      return run(options, () =>
        postJson(options.url, payload, {
          label,
          headers: { 'idempotency-key': n.key, ...signature, ...(options.headers ?? {}) },
          ...timeoutOf(options),
        }),
      );
    },
  };
}

/** ntfy priority 1..5: critical and blind alerts at 5 ("max"), margin call 4, the rest 3. */
export function ntfyPriority(n: OutgoingNotification): number {
  if (n.urgency === 'critical') return 5;
  return levelRank(n.level) >= levelRank('margin-call') ? 4 : 3;
}

export function ntfyChannel(
  options: CommonOptions & { baseUrl?: string; topic: string; token?: string },
): NotificationChannel {
  const label = options.id ?? 'ntfy';
  const base = baseUrlOf(options, 'https://ntfy.sh');
  return {
    id: label,
    send: (n) =>
      run(options, () =>
        // JSON publishing to the root URL keeps non-ASCII titles out of HTTP headers.
        postJson(
          `${base}/`,
          {
            topic: options.topic,
            title: n.title,
            message: n.body,
            priority: ntfyPriority(n),
            tags: [n.level, n.kind],
          },
          {
            label,
            headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
            ...timeoutOf(options),
          },
        ),
      ),
  };
}

export function telegramChannel(
  options: CommonOptions & { baseUrl?: string; botToken: string; chatId: string },
): NotificationChannel {
  const label = options.id ?? 'telegram';
  const base = baseUrlOf(options, 'https://api.telegram.org');
  return {
    id: label,
    send: (n) =>
      run(options, async () => {
        const outcome = await postJson(
          `${base}/bot${options.botToken}/sendMessage`,
          {
            chat_id: options.chatId,
            text: `${n.title}\n${n.body}`,
            disable_notification: n.urgency !== 'critical' && n.level !== 'margin-call',
          },
          { label, ...timeoutOf(options) },
        );
        // Telegram answers {"ok": false, "description": ...} on logical errors.
        if (outcome.ok && outcome.text && !/"ok"\s*:\s*true/.test(outcome.text)) {
          return { ok: false, detail: `${label}: API answered not ok`, retryable: false };
        }
        return outcome;
      }),
  };
}

/** The configured base URL (self-hosted, proxy, test server) or the public one, without trailing slashes. */
function baseUrlOf(options: { baseUrl?: string }, fallback: string): string {
  return (options.baseUrl ?? fallback).replace(/\/+$/, '');
}

/** The per-request timeout when one is set (postJson's own default otherwise). */
function timeoutOf(options: CommonOptions): { timeoutMs?: number } {
  return options.timeoutMs ? { timeoutMs: options.timeoutMs } : {};
}

async function run(options: CommonOptions, attempt: () => ReturnType<typeof postJson>): Promise<SendResult> {
  const result = await withRetries(attempt, options.retry ?? DEFAULT_RETRY, options.wait ?? sleep);
  return { ok: result.ok, attempts: result.attempts, ...(result.detail ? { detail: result.detail } : {}) };
}
