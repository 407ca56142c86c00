// Headless mode's transport: the built UI and the MonitorApi over one WebSocket, on 127.0.0.1 only,
// behind a random token. Every request without the token (page, asset, API, upgrade) gets 401.
// Every handler is total: whatever a local process sends, it gets an answer (400 at worst) and the
// server goes on; unauthenticated sockets are capped and time out so a flood cannot lock the UI out.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { commandSchemas, type CommandName, type MonitorApi } from '../api/messages';
import {
  classifyHost,
  contentSecurityPolicy,
  findToken,
  hostAllowed,
  originAllowed,
  parseTarget,
  sameOriginLocation,
  tokenCookieName,
} from './auth';
import {
  API_PATH,
  HEARTBEAT_MS,
  MAX_CLIENT_MESSAGE_BYTES,
  type WireMessage,
  type WireRequest,
} from './protocol';
import { loadStaticFile } from './static-files';

export interface HeadlessServerOptions {
  api: MonitorApi;
  host?: '127.0.0.1';
  /** 0 = any free port. */
  port: number;
  /** Defaults to 32 random bytes, hex. */
  token?: string;
  /** The built UI (dist-ui/). */
  staticDir: string;
  /** Heartbeat interval (tests shorten it). */
  heartbeatMs?: number;
  /** Sockets that have not shown the token; beyond this the oldest is closed (default 256). */
  maxUnauthenticatedSockets?: number;
  /** An unauthenticated socket with no new request for this long is closed (default 10 s). */
  unauthenticatedIdleMs?: number;
}

export interface HeadlessServer {
  /** http://127.0.0.1:PORT/?token=... */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** A client that cannot keep up is disconnected (it reconnects and reloads state) rather than fed stale events. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

const BASE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('headless server: host must be 127.0.0.1');
  const token = options.token ?? randomBytes(32).toString('hex');
  if (token.length < 16) throw new Error('headless server: token must be at least 16 characters');
  const { api, staticDir } = options;

  let port = 0;
  let cookieName = tokenCookieName(0);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const sockets = new Set<Socket>();

  const maxUnauthenticated = options.maxUnauthenticatedSockets ?? 256;
  const idleMs = options.unauthenticatedIdleMs ?? 10_000;
  // Insertion order is last activity, oldest first: the flood's idle sockets go before a fresh one.
  const unauthenticated = new Map<Socket, ReturnType<typeof setTimeout>>();
  const authenticated = new WeakSet<Socket>();

  const touchUnauthenticated = (socket: Socket) => {
    if (authenticated.has(socket) || socket.destroyed) return;
    const previous = unauthenticated.get(socket);
    if (previous) clearTimeout(previous);
    unauthenticated.delete(socket);
    const timer = setTimeout(() => socket.destroy(), idleMs);
    timer.unref();
    unauthenticated.set(socket, timer);
  };
  const forgetUnauthenticated = (socket: Socket) => {
    const timer = unauthenticated.get(socket);
    if (timer) clearTimeout(timer);
    unauthenticated.delete(socket);
  };
  const markAuthenticated = (socket: Socket) => {
    authenticated.add(socket);
    forgetUnauthenticated(socket);
  };

  const server = createServer((req, res) => {
    touchUnauthenticated(req.socket);
    handleHttp(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostHeader = req.headers.host;
    const url = parseTarget(req.url);
    const hostKind = classifyHost(hostHeader);
    if (!url || hostKind === 'malformed') return send(res, 400, 'text/plain; charset=utf-8', 'Bad request');
    if (hostKind !== 'loopback') return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden host');
    const source = findToken(req, url, token, cookieName);
    if (!source)
      return send(
        res,
        401,
        'text/plain; charset=utf-8',
        'Unauthorized: open the URL printed at start-up (it carries the token).',
      );
    markAuthenticated(req.socket);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
    if (source === 'query') {
      // Trade the one-time query token for a cookie and drop it from the address bar and history.
      url.searchParams.delete('token');
      res.setHeader('Set-Cookie', `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      res.writeHead(303, {
        ...BASE_HEADERS,
        Location: sameOriginLocation(url),
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    const file = await loadStaticFile(staticDir, url.pathname);
    if (!file) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': file.contentType,
      'Content-Security-Policy': contentSecurityPolicy(hostHeader ?? ''),
      'Cache-Control': file.immutable ? 'private, max-age=31536000, immutable' : 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    // Upgraded sockets lose the HTTP server's error handler; a reset must never become an uncaught error.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      forgetUnauthenticated(socket);
    });
    if (unauthenticated.size >= maxUnauthenticated) {
      const oldest = unauthenticated.keys().next().value;
      if (oldest) {
        forgetUnauthenticated(oldest);
        oldest.destroy();
      }
    }
    touchUnauthenticated(socket);
  });

  // Requests Node cannot parse (bad request line, header overflow): answer and drop, never throw.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && error.code !== 'ECONNRESET' && error.code !== 'EPIPE') {
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      touchUnauthenticated(socket);
      const hostHeader = req.headers.host;
      const url = parseTarget(req.url);
      if (!url || classifyHost(hostHeader) === 'malformed') return reject(400, 'Bad Request');
      if (!hostAllowed(hostHeader) || !originAllowed(req.headers.origin, hostHeader))
        return reject(403, 'Forbidden');
      if (!findToken(req, url, token, cookieName)) return reject(401, 'Unauthorized');
      if (url.pathname !== API_PATH) return reject(404, 'Not Found');
      markAuthenticated(socket);
      wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
    } catch {
      // ws refuses malformed handshakes itself; anything else still ends in an answer, not a crash.
      if (socket.writable) reject(400, 'Bad Request');
      else socket.destroy();
    }
  });

  function serveSocket(ws: WebSocket): void {
    const push = (message: WireMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(1013, 'client too slow');
        return;
      }
      ws.send(JSON.stringify(message));
    };
    const unsubscribe = api.subscribe((event) => push({ kind: 'event', event }));
    // Both directions of liveness: the UI hears a heartbeat (so a dead tunnel shows as "disconnected",
    // never as quietly frozen figures), and a peer that stops answering pings is cut off.
    let alive = true;
    ws.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
      push({ kind: 'heartbeat', at: new Date().toISOString() });
    }, options.heartbeatMs ?? HEARTBEAT_MS);
    ws.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      const request = parseRequest(isBinary ? null : data.toString());
      if ('error' in request) {
        push({
          kind: 'response',
          id: request.id,
          envelope: { ok: false, error: { message: request.error } },
        });
        return;
      }
      api
        .call(request.command, request.params)
        .then((envelope) => push({ kind: 'response', id: request.id, envelope }))
        .catch((err: unknown) =>
          push({
            kind: 'response',
            id: request.id,
            envelope: { ok: false, error: { message: errorMessage(err) } },
          }),
        );
    });
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  cookieName = tokenCookieName(port);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        for (const client of wss.clients) client.close(1001, 'server shutting down');
        wss.close();
        server.close(() => resolveClose());
        // Give clients a moment to take the close frame, then cut whatever is left.
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 200).unref();
        for (const timer of unauthenticated.values()) clearTimeout(timer);
      });
      return closing;
    },
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : 'service error';
}

type ParsedRequest = WireRequest | { id: number; error: string };

/** Checks the frame only; the command's params are validated by the service's zod schemas. */
export function parseRequest(text: string | null): ParsedRequest {
  if (text === null) return { id: -1, error: 'binary messages are not accepted' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { id: -1, error: 'message is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null) return { id: -1, error: 'message must be an object' };
  const record = value as Record<string, unknown>;
  const id = record.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
    return { id: -1, error: 'id: must be a non-negative integer' };
  const command = record.command;
  if (typeof command !== 'string' || !Object.hasOwn(commandSchemas, command)) {
    return { id, error: `command: unknown command ${JSON.stringify(String(command)).slice(0, 80)}` };
  }
  return { id, command: command as CommandName, params: record.params ?? {} };
}
