// Remote alert channels configured through the API: settings → channel set → "send test" reaches a
// local webhook, signed with the secret that is stored only encrypted and never returned to the UI.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createMonitor } from '../../src/service';
import { webhookSignature } from '../../src/notify/remote';

const resourcesDir = join(import.meta.dirname, '../../resources');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function webhookServer() {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe('remote alert channels from settings', () => {
  it('builds the webhook from settings, signs with the vaulted secret, and never exposes it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mw-channels-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const hook = await webhookServer();
    const monitor = await createMonitor({
      dataDir, shell: 'headless', resourcesDir, channels: [], log: () => {},
    });
    cleanup.push(() => monitor.close());

    // Not configured yet: the test names the missing channel.
    const before = await monitor.call('notify.test', { channel: 'webhook' });
    expect(before).toMatchObject({ ok: true, result: { ok: false } });

    // Enabled without a URL: refused, naming the setting.
    const half = await monitor.call('settings.update', { patch: { alerts: { channels: { webhook: { enabled: true } } } } });
    expect(half.ok ? '' : half.error.message).toMatch(/channels\.webhook\.url/);
    // Telegram enabled without its bot token: accepted, but reported as not running.
    const telegram = await monitor.call('settings.update', { patch: { alerts: { channels: { telegram: { enabled: true, chatId: '12345' } } } } });
    expect(telegram.ok && (telegram.result.channelProblems as string[]).join()).toMatch(/telegram: bot token missing/);

    const secret = 'whsec-4f1c2b9e-never-in-plain-text';
    const set = await monitor.call('channels.setSecret', { name: 'webhookSecret', value: secret });
    expect(set).toEqual({ ok: true, result: { present: { webhookSecret: true, ntfyToken: false, telegramBotToken: false } } });
    const configured = await monitor.call('settings.update', {
      patch: { alerts: { channels: { webhook: { enabled: true, url: hook.url, minLevel: 'warning' }, telegram: { enabled: false } } } },
    });
    if (!configured.ok) throw new Error(configured.error.message);
    expect(configured.result.channelProblems).toEqual([]);
    expect(JSON.stringify(configured.result)).not.toContain(secret);

    const test = await monitor.call('notify.test', { channel: 'webhook' });
    expect(test).toMatchObject({ ok: true, result: { channel: 'webhook', ok: true } });
    // Only the test notification counts here: on a loaded machine the demo account's stall watchdog
    // may legitimately push its own "monitor blind" alert to the same webhook.
    const tests = hook.received.filter((r) => (JSON.parse(r.body) as { subject?: string }).subject === 'system:test');
    expect(tests).toHaveLength(1);
    const { headers, body } = tests[0]!;
    expect(headers['x-marginwatch-signature']).toBe(webhookSignature(secret, body));
    expect(JSON.parse(body)).toMatchObject({ title: 'MarginWatch test notification' });

    await monitor.close();
    // The secret is in neither the database nor its WAL, in any encoding we could grep for.
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('marginwatch.sqlite'))) {
      const bytes = readFileSync(join(dataDir, file));
      expect(bytes.includes(Buffer.from(secret)), file).toBe(false);
      expect(bytes.includes(Buffer.from(Buffer.from(secret).toString('base64'))), file).toBe(false);
    }
  });
});
