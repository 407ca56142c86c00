// Start and stop of the local exchange servers: bound to 127.0.0.1 only, on a free port, and torn down
// completely (push timer, WebSocket clients, keep-alive HTTP connections) so no test leaks a socket.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';

/** Listens on a free loopback port and returns it. */
export async function listenOnLoopback(http: Server): Promise<number> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return (http.address() as AddressInfo).port;
}

export async function shutDown(
  http: Server,
  wss: WebSocketServer,
  clients: Iterable<{ ws: WebSocket }>,
  timer: NodeJS.Timeout | null,
): Promise<void> {
  if (timer) clearInterval(timer);
  for (const c of clients) c.ws.terminate();
  wss.close();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}
