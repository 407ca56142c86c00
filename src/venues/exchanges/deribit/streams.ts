// Deribit WebSocket (JSON-RPC 2.0 over /ws/api/v2): authenticate the connection with a
// client_signature public/auth (the secret is never sent), subscribe user.changes.future.<CCY>.raw
// (account changes → REST read) and ticker.<instrument>.100ms (mark prices). public/test is the
// application-level ping.
import { parseDeribitChanges } from './liquidation';
import { createHmac, randomBytes } from 'node:crypto';
import type { SessionTuning } from '../shared/sessionOptions';
import { markEvent, StreamSet, type Row, type StreamSocketAdapter } from '../shared/streamSet';
import type { VenueSecret } from '../secret';

const AUTH_ID = 9001;
const PRIVATE_SUB_ID = 9002;

export function deribitStreams(wsUrl: string, currency: string, secret: VenueSecret, now: () => number, random: () => number, tuning: SessionTuning): StreamSet {
  let nextId = 1;
  const tickers = (names: Iterable<string>) => ({ jsonrpc: '2.0', id: nextId++, method: 'public/subscribe', params: { channels: [...names].map((n) => `ticker.${n}.100ms`) } });
  const socket: StreamSocketAdapter = {
    name: '',
    url: wsUrl,
    appPing: () => ({ jsonrpc: '2.0', id: nextId++, method: 'public/test', params: {} }),
    onOpen: (ctx) => {
      const timestamp = now();
      const nonce = randomBytes(8).toString('hex');
      const signature = createHmac('sha256', secret.secret).update(`${timestamp}\n${nonce}\n`).digest('hex');
      ctx.send({ jsonrpc: '2.0', id: AUTH_ID, method: 'public/auth', params: { grant_type: 'client_signature', client_id: secret.apiKey, timestamp, nonce, data: '', signature } });
    },
    subscribeMarks: tickers,
    onMessage: (msg, ctx) => {
      if (msg.id === AUTH_ID) {
        if (msg.error || !msg.result) {
          ctx.restart('authentication refused');
          return [];
        }
        ctx.send({ jsonrpc: '2.0', id: PRIVATE_SUB_ID, method: 'private/subscribe', params: { channels: [`user.changes.future.${currency}.raw`] } });
        if (ctx.symbols.size) ctx.send(tickers(ctx.symbols));
        return [];
      }
      if (msg.id === PRIVATE_SUB_ID && Array.isArray(msg.result)) ctx.confirm();
      if (msg.method !== 'subscription') return [];
      const params = (msg.params ?? {}) as Row;
      const channel = String(params.channel ?? '');
      const payload = (params.data ?? {}) as Row;
      if (channel.startsWith('user.changes.')) return [...parseDeribitChanges(payload, now()), { kind: 'account-changed', time: now() }];
      if (channel.startsWith('ticker.')) return markEvent(payload.instrument_name, payload.mark_price, payload.timestamp, channel);
      return [];
    },
  };
  return new StreamSet([socket], { now, random, tuning });
}
