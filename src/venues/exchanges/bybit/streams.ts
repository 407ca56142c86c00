// Bybit v5 WebSockets: the private stream (auth with HMAC of "GET/realtime" + expires; topics
// position and wallet) signals account changes, the public stream (tickers.<symbol>) carries
// mark prices. Bybit expects {"op":"ping"} at least every 20 s; any reply proves the socket alive.
import { parseBybitExecution } from './liquidation';
import { createHmac } from 'node:crypto';
import type { SessionTuning } from '../shared/sessionOptions';
import { markEvent, StreamSet, type Row, type StreamSocketAdapter } from '../shared/streamSet';
import type { VenueSecret } from '../secret';

export function bybitStreams(wsBase: string, category: 'linear' | 'inverse', secret: VenueSecret, now: () => number, random: () => number, tuning: SessionTuning): StreamSet {
  const tickers = (symbols: Iterable<string>) => ({ op: 'subscribe', args: [...symbols].map((s) => `tickers.${s}`) });
  const privateSocket: StreamSocketAdapter = {
    name: 'private',
    url: `${wsBase}/v5/private`,
    appPing: () => ({ op: 'ping' }),
    onOpen: (ctx) => {
      const expires = now() + 10_000;
      const signature = createHmac('sha256', secret.secret).update(`GET/realtime${expires}`).digest('hex');
      ctx.send({ op: 'auth', args: [secret.apiKey, expires, signature] });
    },
    onMessage: (msg, ctx) => {
      if (msg.op === 'auth') {
        if (msg.success === true) ctx.send({ op: 'subscribe', args: ['position', 'wallet', 'execution'] });
        else ctx.restart('authentication refused');
        return [];
      }
      if (msg.op === 'subscribe' && msg.success === true) ctx.confirm();
      if (msg.topic === 'position' || msg.topic === 'wallet') return [{ kind: 'account-changed', time: now() }];
      if (msg.topic === 'execution') return parseBybitExecution(msg, now());
      return [];
    },
  };
  const publicSocket: StreamSocketAdapter = {
    name: 'public',
    url: `${wsBase}/v5/public/${category}`,
    appPing: () => ({ op: 'ping' }),
    onOpen: (ctx) => ctx.send(ctx.symbols.size > 0 ? tickers(ctx.symbols) : { op: 'ping' }), // a pong proves an empty socket
    subscribeMarks: tickers,
    onMessage: (msg, ctx) => {
      // A subscribe confirmation or data; a bare pong only when there is nothing to subscribe.
      if (msg.op === 'subscribe' || typeof msg.topic === 'string' || (msg.op === 'ping' && ctx.symbols.size === 0)) ctx.confirm();
      if (typeof msg.topic !== 'string' || !msg.topic.startsWith('tickers.')) return [];
      const d = (msg.data ?? {}) as Row;
      if (d.markPrice === undefined || d.markPrice === '') return []; // deltas omit unchanged fields
      return markEvent(d.symbol, d.markPrice, msg.ts, msg.topic);
    },
  };
  return new StreamSet([privateSocket, publicSocket], { now, random, tuning });
}
