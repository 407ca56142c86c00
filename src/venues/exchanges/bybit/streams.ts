// Bybit v5 WebSockets: the private stream (auth with HMAC of "GET/realtime" + expires) carries
// positions (applied directly) and wallet changes (a REST read: the UTA balance mixes collateral),
// the public stream (tickers.<symbol>) carries mark prices. Bybit expects {"op":"ping"} at least every 20 s; any reply proves the socket alive.
import { positionDelta, type PositionDelta, type StreamEvent } from '../../streamEvents';
import { decimalField, decimalOf, millisField, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';
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
      if (msg.topic === 'position') return bybitPositionEvents(msg);
      if (msg.topic === 'wallet') return [{ kind: 'account-changed', time: now() }];
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

/** The position topic: each row is the position's state after the change (https://bybit-exchange.github.io/docs/v5/websocket/private/position). */
export function bybitPositionEvents(msg: Row): StreamEvent[] {
  const time = millisField(msg.creationTime, 'position.creationTime');
  if (!Array.isArray(msg.data)) throw new VenueFailure('malformed-payload', 'exchange sent no list at position.data');
  return (msg.data as Row[]).map((p, i) => bybitPositionDelta(p, `position.data[${i}]`, time));
}

function bybitPositionDelta(p: Row, at: string, time: number): PositionDelta {
  const symbol = stringField(p.symbol, `${at}.symbol`);
  const idx = String(p.positionIdx);
  const positionSide = idx === '1' ? 'long' : idx === '2' ? 'short' : 'both';
  const size = decimalOf(p.size, `${at}.size`);
  const side = p.side === 'Buy' ? 'long' : p.side === 'Sell' ? 'short' : null;
  if (!side && !size.isZero()) throw new VenueFailure('malformed-payload', `exchange sent side ${JSON.stringify(p.side)} at ${at}.side`);
  return positionDelta(
    { time, symbol, positionSide },
    size,
    () => ({
      entryPrice: decimalField(p.entryPrice ?? p.avgPrice, `${at}.entryPrice`), // the stream names it entryPrice, REST avgPrice
      leverage: decimalField(p.leverage, `${at}.leverage`),
      // tradeMode 1 = isolated; 0 may still be isolated in an ISOLATED_MARGIN account (REST knows).
      ...(String(p.tradeMode) === '1' ? { marginMode: 'isolated' as const } : {}),
      ...(p.positionBalance !== undefined && p.positionBalance !== '' ? { isolatedMargin: decimalField(p.positionBalance, `${at}.positionBalance`) } : {}),
    }),
    side ?? undefined,
  );
}
