// Deribit WebSocket (JSON-RPC 2.0 over /ws/api/v2): authenticate the connection with a
// client_signature public/auth (the secret is never sent), subscribe user.changes.future.<CCY>.raw
// (account changes → REST read) and ticker.<instrument>.100ms (mark prices). public/test is the
// application-level ping.
import { parseDeribitChanges } from './liquidation';
import { positionDelta, type StreamEvent } from '../../streamEvents';
import { decimalField, decimalOf, stringField } from '../shared/decimals';
import { createHmac, randomBytes } from 'node:crypto';
import type { SessionTuning } from '../shared/sessionOptions';
import { markEvent, StreamSet, type Row, type StreamSocketAdapter } from '../shared/streamSet';
import type { VenueSecret } from '../secret';

const AUTH_ID = 9001;
const PRIVATE_SUB_ID = 9002;

export function deribitStreams(
  wsUrl: string,
  currency: string,
  secret: VenueSecret,
  instrument: (name: string) => Row | undefined,
  now: () => number,
  random: () => number,
  tuning: SessionTuning,
): StreamSet {
  let nextId = 1;
  const tickers = (names: Iterable<string>) => ({ jsonrpc: '2.0', id: nextId++, method: 'public/subscribe', params: { channels: [...names].map((n) => `ticker.${n}.100ms`) } });
  const socket: StreamSocketAdapter = {
    name: '',
    url: wsUrl,
    lossless: true, // sizes and prices arrive as bare JSON numbers
    appPing: () => ({ jsonrpc: '2.0', id: nextId++, method: 'public/test', params: {} }),
    onOpen: (ctx) => {
      const timestamp = now();
      const nonce = randomBytes(8).toString('hex');
      const signature = createHmac('sha256', secret.secret).update(`${timestamp}\n${nonce}\n`).digest('hex');
      ctx.send({ jsonrpc: '2.0', id: AUTH_ID, method: 'public/auth', params: { grant_type: 'client_signature', client_id: secret.apiKey, timestamp, nonce, data: '', signature } });
    },
    subscribeMarks: tickers,
    onMessage: (msg, ctx) => {
      if (Number(msg.id) === AUTH_ID) {
        if (msg.error || !msg.result) {
          ctx.restart('authentication refused');
          return [];
        }
        ctx.send({ jsonrpc: '2.0', id: PRIVATE_SUB_ID, method: 'private/subscribe', params: { channels: [`user.changes.future.${currency}.raw`] } });
        if (ctx.symbols.size) ctx.send(tickers(ctx.symbols));
        return [];
      }
      if (Number(msg.id) === PRIVATE_SUB_ID && Array.isArray(msg.result)) ctx.confirm();
      if (msg.method !== 'subscription') return [];
      const params = (msg.params ?? {}) as Row;
      const channel = String(params.channel ?? '');
      const payload = (params.data ?? {}) as Row;
      if (channel.startsWith('user.changes.')) return [...parseDeribitChanges(payload, now()), ...deribitPositionEvents(payload, instrument, now())];
      if (channel.startsWith('ticker.')) return markEvent(payload.instrument_name, payload.mark_price, payload.timestamp, channel);
      return [];
    },
  };
  return new StreamSet([socket], { now, random, tuning });
}

/**
 * user.changes positions: each row is the position's state after the change. Sizes are USD for inverse
 * futures (contracts = size / contract_size, from the instruments REST read); an instrument not read yet,
 * or a change without positions (balance only), is read by REST.
 */
export function deribitPositionEvents(payload: Row, instrument: (name: string) => Row | undefined, nowMs: number): StreamEvent[] {
  if (!Array.isArray(payload.positions) || payload.positions.length === 0) return [{ kind: 'account-changed', time: nowMs }];
  return (payload.positions as Row[]).map((p, i): StreamEvent => {
    const at = `user.changes.positions[${i}]`;
    const symbol = stringField(p.instrument_name, `${at}.instrument_name`);
    const size = decimalOf(p.size, `${at}.size`);
    const inst = instrument(symbol);
    if (!inst && !size.isZero() && p.direction !== 'zero') return { kind: 'account-changed', time: nowMs };
    const contracts = inst?.instrument_type === 'reversed' ? size.div(decimalOf(inst.contract_size, `instruments[${symbol}].contract_size`)) : size;
    return positionDelta(
      { time: nowMs, symbol, positionSide: 'both' },
      p.direction === 'zero' ? contracts.times(0) : contracts,
      () => ({ entryPrice: decimalField(p.average_price, `${at}.average_price`), leverage: decimalField(p.leverage, `${at}.leverage`) }),
      p.direction === 'sell' ? 'short' : 'long',
    );
  });
}
