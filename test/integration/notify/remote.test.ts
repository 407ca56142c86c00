// Remote channels against real HTTP servers on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { ntfyChannel, telegramChannel, webhookChannel } from '../../../src/notify/remote';
import { channelsFromSettings, remoteChannelsFromSettings } from '../../../src/notify/fromSettings';
import { alertSettingsSchema } from '../../../src/domain/alerts/settings';
import type { OutgoingNotification } from '../../../src/notify/types';
import { AlertPipeline } from '../../../src/service/alerts';
import { AlertStore } from '../../../src/store/alertStore';
import { openDatabase } from '../../../src/store/db';
import { liveHealth, report, T0 } from '../../unit/alerts/fixtures';
import { FakeClock, recordingChannel, tempDir } from '../alerts/helpers';

interface Hit {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  atMs: number;
}

type Reply = { status: number; body?: string; headers?: Record<string, string> };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function server(replies: (n: number) => Reply): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hits.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        atMs: performance.now(),
      });
      const r = replies(hits.length);
      res.writeHead(r.status, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(r.body ?? '{}');
    });
  });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits };
}

const notification: OutgoingNotification = {
  key: 'acc/account/1-1#2',
  alertId: 'acc/account/1-1',
  accountId: 'acc',
  subject: 'account',
  kind: 'level',
  level: 'critical',
  reason: 'escalated',
  title: 'Liquidation imminent: Main margin ratio 93.0%',
  body: 'Margin ratio 93.0% (margin call at 80%, liquidation at 100%). Top up 1234.5 USDT to get back to target.',
  urgency: 'critical',
  sound: true,
  facts: { marginRatio: '0.93', topUpToTarget: '1234.5', settleAsset: 'USDT' },
  at: '2026-03-02T12:00:00.000Z',
};

const fast = { attempts: 3, baseDelayMs: 30, maxDelayMs: 1000 };

describe('webhook channel', () => {
  it('POSTs the alert as JSON with its idempotency key, retrying 5xx with growing backoff', async () => {
    const srv = await server((n) => (n < 3 ? { status: 503 } : { status: 200 }));
    const result = await webhookChannel({ url: `${srv.url}/hook`, retry: fast }).send(notification);
    expect(result).toEqual({ ok: true, attempts: 3 });
    expect(srv.hits).toHaveLength(3);
    const hit = srv.hits[2]!;
    expect(hit.method).toBe('POST');
    expect(hit.url).toBe('/hook');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['idempotency-key']).toBe(notification.key);
    expect(JSON.parse(hit.body)).toEqual({ schema: 'marginwatch.alert/1', ...notification });
    // Backoff doubles: ≥ 30 ms, then ≥ 60 ms between attempts.
    expect(srv.hits[1]!.atMs - srv.hits[0]!.atMs).toBeGreaterThanOrEqual(28);
    expect(srv.hits[2]!.atMs - srv.hits[1]!.atMs).toBeGreaterThanOrEqual(58);
  });

  it('signs the exact body with HMAC-SHA256 when a secret is set', async () => {
    const srv = await server(() => ({ status: 204 }));
    expect(
      (await webhookChannel({ url: srv.url, secret: 's3cret', retry: fast }).send(notification)).ok,
    ).toBe(true);
    const hit = srv.hits[0]!;
    expect(hit.headers['x-marginwatch-signature']).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(hit.body).digest('hex')}`,
    );
  });

  it('does not retry a 4xx (configuration error) and reports it', async () => {
    const srv = await server(() => ({ status: 404 }));
    const result = await webhookChannel({ id: 'hook', url: `${srv.url}/missing`, retry: fast }).send(
      notification,
    );
    expect(result).toEqual({ ok: false, attempts: 1, detail: 'hook: HTTP 404' });
  });

  it('honours Retry-After on 429 and reports a refused connection after all attempts', async () => {
    const waits: number[] = [];
    const srv = await server((n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const ok = await webhookChannel({
      url: srv.url,
      retry: fast,
      wait: async (ms) => void waits.push(ms),
    }).send(notification);
    expect(ok.ok).toBe(true);
    expect(waits).toEqual([1000]);
    const dead = await server(() => ({ status: 200 }));
    await new Promise((r) => servers.pop()!.close(r));
    const failed = await webhookChannel({
      url: dead.url,
      retry: fast,
      wait: async (ms) => void waits.push(ms),
    }).send(notification);
    expect(failed).toEqual({ ok: false, attempts: 3, detail: 'webhook: request failed (ECONNREFUSED)' });
    expect(waits.slice(1)).toEqual([30, 60]);
  });
});

describe('ntfy channel', () => {
  it('publishes JSON to the configured server with priority 5 for critical and the access token', async () => {
    const srv = await server(() => ({ status: 200, body: '{"id":"x"}' }));
    const result = await ntfyChannel({
      baseUrl: `${srv.url}/`,
      topic: 'mw-alerts',
      token: 'tk_secret',
      retry: fast,
    }).send(notification);
    expect(result.ok).toBe(true);
    const hit = srv.hits[0]!;
    expect(hit.url).toBe('/');
    expect(hit.headers.authorization).toBe('Bearer tk_secret');
    expect(JSON.parse(hit.body)).toEqual({
      topic: 'mw-alerts',
      title: notification.title,
      message: notification.body,
      priority: 5,
      tags: ['critical', 'level'],
    });
    await ntfyChannel({ baseUrl: srv.url, topic: 't', retry: fast }).send({
      ...notification,
      level: 'warning',
      urgency: 'normal',
    });
    expect(JSON.parse(srv.hits[1]!.body).priority).toBe(3);
  });
});

describe('Telegram channel', () => {
  it('calls sendMessage on the configured base URL and treats {"ok":false} as a failure without leaking the token', async () => {
    const srv = await server((n) =>
      n === 1
        ? { status: 200, body: '{"ok":true,"result":{}}' }
        : { status: 200, body: '{"ok":false,"description":"chat not found"}' },
    );
    const channel = telegramChannel({ baseUrl: srv.url, botToken: '123:SECRET', chatId: '42', retry: fast });
    expect((await channel.send(notification)).ok).toBe(true);
    const hit = srv.hits[0]!;
    expect(hit.url).toBe('/bot123:SECRET/sendMessage');
    expect(JSON.parse(hit.body)).toEqual({
      chat_id: '42',
      text: `${notification.title}\n${notification.body}`,
      disable_notification: false,
    });
    const bad = await channel.send(notification);
    expect(bad.ok).toBe(false);
    expect(bad.detail).not.toContain('SECRET');
    const down = await telegramChannel({
      baseUrl: 'http://127.0.0.1:9',
      botToken: '123:SECRET',
      chatId: '42',
      retry: { ...fast, attempts: 1 },
    }).send(notification);
    expect(down.ok).toBe(false);
    expect(down.detail).not.toContain('SECRET');
  });
});

describe('remote channels from settings', () => {
  it('builds the enabled channels against their configured base URLs, each from its minimum level', async () => {
    const srv = await server(() => ({ status: 200, body: '{"ok":true}' }));
    const settings = alertSettingsSchema.parse({
      channels: {
        webhook: { enabled: true, url: `${srv.url}/hook`, minLevel: 'warning' },
        ntfy: { enabled: true, baseUrl: srv.url, topic: 'mw', minLevel: 'margin-call' },
        telegram: { enabled: true, baseUrl: srv.url, chatId: '42', minLevel: 'critical' },
      },
    }).channels;
    const { channels, problems } = remoteChannelsFromSettings(
      settings,
      { telegramBotToken: '1:T', ntfyToken: 'tk' },
      { retry: fast },
    );
    expect(problems).toEqual([]);
    expect(channels.map((c) => c.id)).toEqual(['webhook', 'ntfy', 'telegram']);
    const warning = { ...notification, level: 'warning' as const, urgency: 'normal' as const };
    expect(channels.map((c) => c.accepts!(warning))).toEqual([true, false, false]);
    const blind = {
      ...notification,
      kind: 'system' as const,
      level: 'warning' as const,
      urgency: 'critical' as const,
    };
    expect(channels.map((c) => c.accepts!(blind))).toEqual([true, true, true]);
    for (const c of channels) expect((await c.send(notification)).ok).toBe(true);
    expect(srv.hits.map((h) => h.url)).toEqual(['/hook', '/', '/bot1:T/sendMessage']);
    expect(srv.hits[1]!.headers.authorization).toBe('Bearer tk');
    // An enabled Telegram channel without its token is a named problem, not a silent gap.
    const missing = remoteChannelsFromSettings(settings, {}, { retry: fast });
    expect(missing.problems).toEqual([
      'channels.telegram: bot token missing (enter it in settings; it is stored encrypted)',
    ]);
    expect(
      alertSettingsSchema.safeParse({ channels: { webhook: { enabled: true, url: 'ftp://x' } } }).error
        ?.issues[0]?.path,
    ).toEqual(['channels', 'webhook', 'url']);
  });
});

describe('all channels from settings', () => {
  it('keeps the local channels the trader left enabled, then the remote ones', () => {
    const os = { id: 'os', send: async () => ({ ok: true }) };
    const sound = { id: 'sound', send: async () => ({ ok: true }) };
    const on = alertSettingsSchema.parse({
      channels: { webhook: { enabled: true, url: 'http://127.0.0.1:1/h' } },
    }).channels;
    expect(channelsFromSettings(on, { os, sound }, {}).channels.map((c) => c.id)).toEqual([
      'os',
      'sound',
      'webhook',
    ]);
    const quiet = alertSettingsSchema.parse({ channels: { sound: { enabled: false } } }).channels;
    expect(channelsFromSettings(quiet, { os, sound }, {}).channels.map((c) => c.id)).toEqual(['os']);
  });
});

describe('remote channel failure inside the pipeline', () => {
  it('records every attempt and raises "channel failing" through the other channels after repeated failure', async () => {
    const srv = await server(() => ({ status: 500 }));
    const tmp = tempDir();
    const db = openDatabase(join(tmp.dir, 'mw.sqlite'));
    const clock = new FakeClock(T0);
    const os = recordingChannel('os');
    const hook = webhookChannel({
      id: 'hook',
      url: srv.url,
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 },
    });
    const pipeline = new AlertPipeline({
      db,
      channels: [os, hook],
      now: clock.now,
      utcOffsetMin: () => 0,
      deliveryRetry: { maxRounds: 1 },
      awaitDeliveryMs: Infinity,
    });
    try {
      for (const r of ['0.75', '0.85', '0.95']) {
        await pipeline.evaluate('acc', {
          report: report(r, undefined, clock.ms),
          forecast: null,
          health: liveHealth(clock.ms),
        });
        clock.advance(1000);
      }
      expect(srv.hits).toHaveLength(6); // 3 deliveries × 2 attempts
      const hookRows = new AlertStore(db).allDeliveries().filter((d) => d.channel === 'hook');
      expect(hookRows.map((d) => `${d.status}:${d.attempts}:${d.detail}`)).toEqual(
        Array(3).fill('failed:2:hook: HTTP 500'),
      );
      const failing = os.received.filter((n) => n.subject === 'system:channel:hook');
      expect(failing).toHaveLength(1);
      expect(failing[0]!.title).toBe('Notification channel failing: hook');
      // The alert about the webhook never goes to the webhook.
      expect(srv.hits.some((h) => h.body.includes('system:channel:hook'))).toBe(false);
    } finally {
      await pipeline.close();
      db.close();
      tmp.cleanup();
    }
  });
});
