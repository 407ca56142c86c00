// Headless mode: one WebSocket to /api (the token travels as the HttpOnly cookie set by the server).
// Requests carry ids; events arrive on the same socket. Reconnects with backoff; calls made while
// disconnected fail at once with a clear message instead of hanging.
import type { ApiEvent, CommandName, CommandParams, CommandResults, Envelope } from '../../api/messages';
import { HEARTBEAT_MS, type WireMessage } from '../../api/wire';
import type { ConnectionState, Transport } from './transport';

const CALL_TIMEOUT_MS = 30_000;
const MAX_BACKOFF_MS = 10_000;

export function wsTransport(url: string): Transport {
  const eventListeners = new Set<(event: ApiEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  const pending = new Map<
    number,
    { resolve: (e: Envelope<unknown>) => void; timer: ReturnType<typeof setTimeout> }
  >();
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let backoff = 500;

  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const failPending = (message: string) => {
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      entry.resolve({ ok: false, error: { message } });
      pending.delete(id);
    }
  };

  const connect = () => {
    setState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    let lastHeard = Date.now();
    // Silence for three heartbeats means the link is dead even if the socket has not noticed.
    const watchdog = setInterval(() => {
      if (Date.now() - lastHeard > 3 * HEARTBEAT_MS) ws.close();
    }, HEARTBEAT_MS);
    ws.onopen = () => {
      backoff = 500;
      lastHeard = Date.now();
      setState('open');
    };
    ws.onmessage = (message) => {
      lastHeard = Date.now();
      let parsed: WireMessage;
      try {
        parsed = JSON.parse(String(message.data)) as WireMessage;
      } catch {
        return;
      }
      if (parsed.kind === 'heartbeat') return;
      if (parsed.kind === 'event') {
        for (const listener of eventListeners) listener(parsed.event);
      } else {
        const entry = pending.get(parsed.id);
        if (!entry) return;
        clearTimeout(entry.timer);
        pending.delete(parsed.id);
        entry.resolve(parsed.envelope);
      }
    };
    ws.onclose = () => {
      clearInterval(watchdog);
      socket = null;
      failPending('Lost the connection to the MarginWatch service.');
      setState('closed');
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
  };
  connect();

  return {
    call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<Envelope<CommandResults[C]>> {
      const ws = socket;
      if (!ws || ws.readyState !== WebSocket.OPEN || state !== 'open') {
        return Promise.resolve({
          ok: false,
          error: { message: 'Not connected to the MarginWatch service.' },
        });
      }
      const id = nextId++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: { message: `The service did not answer ${command} within 30 s.` } });
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve: resolve as (e: Envelope<unknown>) => void, timer });
        ws.send(JSON.stringify({ id, command, params }));
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}
