// The headless transport against a fake MonitorApi: token everywhere, loopback-only Host/Origin,
// CSP, commands with request ids and events on the same socket.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEvent, CommandName, Envelope, MonitorApi } from '../../src/api/messages';
import { startHeadlessServer, type HeadlessServer } from '../../src/headless/server';
import type { WireMessage } from '../../src/headless/protocol';

class FakeApi implements MonitorApi {
  readonly calls: { command: CommandName; params: unknown }[] = [];
  private listeners = new Set<(event: ApiEvent) => void>();
  async call(command: CommandName, params: unknown): Promise<Envelope<never>> {
    this.calls.push({ command, params });
    if (command === 'alerts.ack') {
      const alertId = (params as { alertId?: unknown }).alertId;
      if (typeof alertId !== 'string') return { ok: false, error: { message: 'Required', path: 'alertId' } };
      return { ok: true, result: { id: alertId, state: 'acknowledged' } as never };
    }
    if (command === 'notify.test') throw new Error('channel exploded');
    return { ok: true, result: { echo: command } as never };
  }
  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: ApiEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openSocket(port: number, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket, match: (m: WireMessage) => boolean): Promise<WireMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as WireMessage;
      if (match(message)) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
  });
}

describe('headless server', () => {
  let root: string;
  let dir: string;
  let api: FakeApi;
  let server: HeadlessServer;

  beforeAll(async () => {
    // The UI folder sits inside the test's own temp dir, next to a file it must never serve.
    root = mkdtempSync(join(tmpdir(), 'mw-headless-'));
    dir = join(root, 'ui');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>MarginWatch</title><script type="module" src="/assets/app.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("ui")');
    writeFileSync(join(root, 'mw-secret-outside.txt'), 'outside');
    api = new FakeApi();
    server = await startHeadlessServer({ api, port: 0, staticDir: dir });
  });

  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  const host = () => ({ Host: `127.0.0.1:${server.port}` });
  const cookie = () => ({ ...host(), Cookie: `mw_token_${server.port}=${server.token}` });

  it('prints a loopback URL with a 64-hex-digit random token', () => {
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('answers 401 to the page, assets and API without the token', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/api', '/?token=wrong']) {
      const res = await get(server.port, path, host());
      expect(res.status, path).toBe(401);
      expect(res.body).not.toContain('MarginWatch</title>');
    }
    await expect(openSocket(server.port, host())).rejects.toThrow('HTTP 401');
    await expect(
      openSocket(server.port, { ...host(), Cookie: `mw_token_${server.port}=${'0'.repeat(64)}` }),
    ).rejects.toThrow('HTTP 401');
  });

  it('trades the query token for an HttpOnly SameSite=Strict cookie and strips it from the URL', async () => {
    const res = await get(server.port, `/?token=${server.token}&view=alerts`, host());
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/?view=alerts');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain(`mw_token_${server.port}=${server.token}`);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');

    const page = await get(server.port, '/', cookie());
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>MarginWatch</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');

    const asset = await get(server.port, '/assets/app.js', {
      ...host(),
      Authorization: `Bearer ${server.token}`,
    });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
  });

  it('blocks DNS rebinding (foreign Host) and cross-site sockets (foreign Origin)', async () => {
    const rebinding = await get(server.port, '/', { ...cookie(), Host: `evil.example:${server.port}` });
    expect(rebinding.status).toBe(403);
    await expect(openSocket(server.port, { ...cookie(), Origin: 'http://evil.example' })).rejects.toThrow(
      'HTTP 403',
    );
    await expect(
      openSocket(server.port, { ...cookie(), Host: `attacker.test:${server.port}` }),
    ).rejects.toThrow('HTTP 403');
    // An SSH tunnel remaps the port; localhost with any port is still this machine.
    const tunnelled = await get(server.port, '/', {
      Host: 'localhost:18080',
      'X-MarginWatch-Token': server.token,
    });
    expect(tunnelled.status).toBe(200);
  });

  it('never serves files outside the UI folder and refuses writes', async () => {
    const traversal = await get(server.port, '/..%2fmw-secret-outside.txt', cookie());
    expect(traversal.status).toBe(404);
    const post = await get(server.port, '/', cookie(), 'POST');
    expect(post.status).toBe(405);
  });

  it('carries commands with request ids and pushes events on the same socket', async () => {
    const ws = await openSocket(server.port, { ...cookie(), Origin: `http://127.0.0.1:${server.port}` });
    try {
      const answer = nextMessage(ws, (m) => m.kind === 'response' && m.id === 7);
      ws.send(JSON.stringify({ id: 7, command: 'alerts.ack', params: { alertId: 'a-1' } }));
      expect(await answer).toEqual({
        kind: 'response',
        id: 7,
        envelope: { ok: true, result: { id: 'a-1', state: 'acknowledged' } },
      });
      expect(api.calls.at(-1)).toEqual({ command: 'alerts.ack', params: { alertId: 'a-1' } });

      const invalid = nextMessage(ws, (m) => m.kind === 'response' && m.id === 8);
      ws.send(JSON.stringify({ id: 8, command: 'alerts.ack', params: {} }));
      expect(await invalid).toMatchObject({ envelope: { ok: false, error: { path: 'alertId' } } });

      const thrown = nextMessage(ws, (m) => m.kind === 'response' && m.id === 9);
      ws.send(JSON.stringify({ id: 9, command: 'notify.test', params: { channel: 'os' } }));
      expect(await thrown).toMatchObject({ envelope: { ok: false, error: { message: 'channel exploded' } } });

      const unknown = nextMessage(ws, (m) => m.kind === 'response' && m.id === 10);
      ws.send(JSON.stringify({ id: 10, command: 'db.drop', params: {} }));
      expect(await unknown).toMatchObject({
        envelope: { ok: false, error: { message: expect.stringContaining('command: unknown') } },
      });

      const garbage = nextMessage(ws, (m) => m.kind === 'response' && m.id === -1);
      ws.send('{not json');
      expect(await garbage).toMatchObject({
        envelope: { ok: false, error: { message: 'message is not valid JSON' } },
      });

      const event = nextMessage(ws, (m) => m.kind === 'event');
      const status = {
        version: '0',
        startedAt: '2024-01-01T00:00:00Z',
        osNotifications: { available: false, detail: 'no dbus' },
        dataDir: '/x',
        shell: 'headless',
      } as const;
      api.emit({ type: 'status', status });
      expect(await event).toEqual({ kind: 'event', event: { type: 'status', status } });
    } finally {
      ws.close();
    }
    await expect.poll(() => api.listenerCount).toBe(0);
  });

  it('sends heartbeats so a client can tell a live link from a dead one', async () => {
    const quick = await startHeadlessServer({
      api,
      port: 0,
      staticDir: dir,
      token: 'b'.repeat(32),
      heartbeatMs: 40,
    });
    const ws = await openSocket(quick.port, {
      Host: `127.0.0.1:${quick.port}`,
      'X-MarginWatch-Token': 'b'.repeat(32),
    });
    try {
      const beat = await nextMessage(ws, (m) => m.kind === 'heartbeat');
      expect(beat.kind === 'heartbeat' && Number.isFinite(Date.parse(beat.at))).toBe(true);
    } finally {
      ws.close();
      await quick.close();
    }
  });

  it('closes cleanly with clients connected', async () => {
    const second = await startHeadlessServer({ api, port: 0, staticDir: dir, token: 'a'.repeat(32) });
    const ws = await openSocket(second.port, {
      Host: `127.0.0.1:${second.port}`,
      'X-MarginWatch-Token': 'a'.repeat(32),
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await second.close();
    expect(await closed).toBe(1001);
    await expect(get(second.port, '/', { Host: `127.0.0.1:${second.port}` })).rejects.toThrow();
  });
});
