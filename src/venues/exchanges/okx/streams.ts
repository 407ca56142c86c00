// OKX v5 WebSockets: the private socket (login = base64 HMAC of timestamp + "GET/users/self/verify";
// channels positions and account) signals account changes; the public socket's mark-price channel
// carries marks. OKX closes idle sockets after 30 s: we send the text "ping" (reply "pong").
import { parseOkxOrders } from './liquidation';
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
      return Array.isArray(msg.data) && (channel === 'positions' || channel === 'account') ? [{ kind: 'account-changed', time: now() }] : [];
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
