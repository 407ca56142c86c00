// OKX v5 WebSockets: the private socket (login = base64 HMAC of timestamp + "GET/users/self/verify")
// carries cross positions (applied directly; isolated ones move the cross balance, so REST reads them)
// and account changes (a REST read); the public socket's mark-price channel
// carries marks. OKX closes idle sockets after 30 s: we send the text "ping" (reply "pong").
import { parseOkxOrders } from './liquidation';
import { positionDelta, type StreamEvent } from '../../streamEvents';
import { decimalField, decimalOf, millisField, stringField } from '../shared/decimals';
import { createHmac } from 'node:crypto';
import type { SessionTuning } from '../shared/sessionOptions';
import { markEvent, StreamSet, type Row, type StreamSocketAdapter } from '../shared/streamSet';
import type { VenueSecret } from '../secret';

export function okxStreams(wsBase: string, secret: VenueSecret, now: () => number, random: () => number, tuning: SessionTuning): StreamSet {
  const marks = (symbols: Iterable<string>) => ({ op: 'subscribe', args: [...symbols].map((instId) => ({ channel: 'mark-price', instId })) });
  const privateSocket: StreamSocketAdapter = {
    name: 'private',
    url: `${wsBase}/ws/v5/private`,
    appPing: () => 'ping',
    onOpen: (ctx) => {
      const timestamp = String(Math.floor(now() / 1000));
      const sign = createHmac('sha256', secret.secret).update(`${timestamp}GET/users/self/verify`).digest('base64');
      ctx.send({ op: 'login', args: [{ apiKey: secret.apiKey, passphrase: secret.passphrase ?? '', timestamp, sign }] });
    },
    onMessage: (msg, ctx) => {
      if (msg.event === 'login') {
        if (msg.code === '0') ctx.send({ op: 'subscribe', args: [{ channel: 'positions', instType: 'SWAP' }, { channel: 'account' }, { channel: 'orders', instType: 'SWAP' }] });
        else ctx.restart('login refused');
        return [];
      }
      if (msg.event === 'error') return [];
      if (msg.event === 'subscribe') ctx.confirm();
      const channel = ((msg.arg ?? {}) as Row).channel;
      if (channel === 'orders') return parseOkxOrders(msg, now());
      if (channel === 'positions' && Array.isArray(msg.data)) return okxPositionEvents(msg.data as Row[], now());
      return Array.isArray(msg.data) && channel === 'account' ? [{ kind: 'account-changed', time: now() }] : [];
    },
  };
  const publicSocket: StreamSocketAdapter = {
    name: 'public',
    url: `${wsBase}/ws/v5/public`,
    appPing: () => 'ping',
    onOpen: (ctx) => ctx.send(ctx.symbols.size > 0 ? marks(ctx.symbols) : 'ping'),
    subscribeMarks: marks,
    onMessage: (msg, ctx) => {
      if (msg.event === 'error') return [];
      if (msg.event === 'subscribe' || msg.arg !== undefined) ctx.confirm();
      if (((msg.arg ?? {}) as Row).channel !== 'mark-price' || !Array.isArray(msg.data)) return [];
      return (msg.data as Row[]).flatMap((d) => markEvent(d.instId, d.markPx, d.ts, 'mark-price'));
    },
  };
  return new StreamSet([privateSocket, publicSocket], { now, random, tuning });
}

/**
 * The positions channel: each row is the position's state (https://www.okx.com/docs-v5/en/#trading-account-websocket-positions-channel).
 * Cross rows become deltas; an isolated row changes the cross balance too (cashBal − isolated margins), so REST reads it.
 */
export function okxPositionEvents(rows: Row[], nowMs: number): StreamEvent[] {
  return rows.map((p, i): StreamEvent => {
    const at = `positions.data[${i}]`;
    const time = p.uTime !== undefined && p.uTime !== '' ? millisField(p.uTime, `${at}.uTime`) : nowMs;
    if (p.mgnMode !== 'cross') return { kind: 'account-changed', time };
    const posSide = String(p.posSide);
    const positionSide = posSide === 'long' ? 'long' : posSide === 'short' ? 'short' : 'both';
    return positionDelta({ time, symbol: stringField(p.instId, `${at}.instId`), positionSide }, decimalOf(p.pos, `${at}.pos`), () => ({
      entryPrice: decimalField(p.avgPx, `${at}.avgPx`),
      leverage: decimalField(p.lever, `${at}.lever`),
      marginMode: 'cross',
    }));
  });
}
