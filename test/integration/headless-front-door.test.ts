// The headless front door under hostile input: raw sockets with malformed Host headers and request
// targets (HTTP and WebSocket upgrade), fuzzed request lines and headers, an off-origin redirect
// attempt and a flood of idle unauthenticated sockets. The server must answer (400 at worst), keep
// serving, and stay reachable for a request that carries the token.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, CommandName, Envelope, MonitorApi } from '../../src/api/messages';
import { startHeadlessServer, type HeadlessServer } from '../../src/headless/server';

const api: MonitorApi = {
  call: async (command: CommandName): Promise<Envelope<never>> => ({ ok: true, result: { echo: command } as never }),
  subscribe: (_listener: (event: ApiEvent) => void) => () => undefined,
};

/** Writes raw bytes, returns whatever came back before the server closed (or `waitMs` passed). */
function raw(port: number, bytes: string | Buffer, waitMs = 3_000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.write(bytes);
  });
}

function statusOf(text: string): number | null {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m ? Number(m[1]) : null;
}

const upgrade = (target: string, host: string) =>
  `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;

describe('headless front door', () => {
  let dir: string;
  let server: HeadlessServer;
  const authedGet = (path = '/') =>
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-MarginWatch-Token: ${server.token}\r\nConnection: close\r\n\r\n`;
  const stillServing = async () => statusOf((await raw(server.port, authedGet())).text);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mw-frontdoor-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>MarginWatch</title>');
    server = await startHeadlessServer({ api, port: 0, staticDir: dir, unauthenticatedIdleMs: 500 });
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the three crashing requests with 400 and keeps serving', async () => {
    const cases = [
      upgrade('/api', '['),
      upgrade('/api', 'localhost:99999'),
      upgrade('http://[', `127.0.0.1:${server.port}`),
      `GET / HTTP/1.1\r\nHost: [\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: localhost:99999\r\nConnection: close\r\n\r\n`,
      `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`,
    ];
    for (const request of cases) {
      const answer = await raw(server.port, request);
      expect(statusOf(answer.text), JSON.stringify(request)).toBe(400);
      expect(await stillServing()).toBe(200);
    }
  });

  it('redirects only to a same-origin relative path', async () => {
    for (const target of ['/.//evil.com/x', '//evil.com/x', '/%2F/evil.com/x', '/./\\evil.com/x', '/\\\\evil.com']) {
      const answer = await raw(
        server.port,
        `GET ${target}?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`,
      );
      const status = statusOf(answer.text);
      if (status === 303) {
        const location = /\r\nLocation: ([^\r]*)/i.exec(answer.text)?.[1] ?? '';
        expect(location, target).toMatch(/^\/(?![/\\])/);
        expect(new URL(location, 'http://127.0.0.1:1').host, target).toBe('127.0.0.1:1');
      } else {
        expect(status, target).toBe(400);
      }
    }
  });

  it('survives fuzzed request lines and headers (fast-check over raw sockets)', async () => {
    const token = fc.oneof(
      fc.constantFrom('[', ']', ':', '%', '%00', '\\', '//', '/..', '?', '#', '@', '\u00ff', '\t', ' ', '99999', '*'),
      fc.string({ maxLength: 12 }),
    );
    const piece = fc.array(token, { maxLength: 6 }).map((p) => p.join(''));
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS', 'CONNECT', 'G\u00c9T', '');
    const target = fc.oneof(
      piece.map((p) => `/${p}`),
      piece.map((p) => `http://${p}`),
      piece,
      fc.constantFrom('*', 'http://[', '/api', '/.//evil.com/x'),
    );
    const hostValue = fc.oneof(
      piece,
      fc.constantFrom('[', 'localhost:99999', '[::1]:0', 'localhost:', '127.0.0.1:65536', 'localhost'),
    );
    const header = fc.tuple(
      fc.constantFrom('Host', 'Upgrade', 'Connection', 'Origin', 'Cookie', 'Authorization', 'Content-Length', 'X-Fuzz'),
      piece,
    );
    const request = fc.record({
      method,
      target,
      version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9', ''),
      host: fc.option(hostValue),
      upgrade: fc.boolean(),
      headers: fc.array(header, { maxLength: 4 }),
    });
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const lines = [`${r.method} ${r.target} ${r.version}`];
        if (r.host !== null) lines.push(`Host: ${r.host}`);
        if (r.upgrade) lines.push('Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==');
        for (const [name, value] of r.headers) lines.push(`${name}: ${value}`);
        const reply = await raw(server.port, Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), 1_500);
        if (statusOf(reply.text) !== null) answered += 1;
        // Whatever it was, the server answered or hung up, and a real request still works.
        expect(reply.closed || statusOf(reply.text) !== null).toBe(true);
        expect(await stillServing()).toBe(200);
      }),
      { numRuns: 150 },
    );
    expect(answered).toBeGreaterThan(0);
  });

  it('keeps the UI reachable through a flood of idle unauthenticated sockets', async () => {
    const flood = await startHeadlessServer({ api, port: 0, staticDir: dir, maxUnauthenticatedSockets: 256 });
    const idle: ReturnType<typeof connect>[] = [];
    try {
      let closedByServer = 0;
      await Promise.all(
        Array.from({ length: 600 }, () =>
          new Promise<void>((resolve) => {
            const s = connect(flood.port, '127.0.0.1', () => resolve());
            s.on('error', () => resolve());
            s.on('close', () => (closedByServer += 1));
            idle.push(s);
          }),
        ),
      );
      const started = performance.now();
      const answer = await raw(
        flood.port,
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${flood.port}\r\nX-MarginWatch-Token: ${flood.token}\r\nConnection: close\r\n\r\n`,
      );
      const elapsedMs = performance.now() - started;
      console.log(`flood: real request answered in ${elapsedMs.toFixed(1)} ms with 600 idle sockets open`);
      expect(statusOf(answer.text)).toBe(200);
      expect(elapsedMs).toBeLessThan(1_000); // the bound, far above the measured figure
      // The cap closed the oldest idle sockets: at most 256 unauthenticated stay open.
      await expect.poll(() => closedByServer, { timeout: 5_000 }).toBeGreaterThanOrEqual(600 - 256);
    } finally {
      for (const s of idle) s.destroy();
      await flood.close();
    }
  });

  it('closes an unauthenticated socket that stays idle', async () => {
    const answer = await raw(server.port, '', 5_000);
    expect(answer.closed).toBe(true);
  });
});
