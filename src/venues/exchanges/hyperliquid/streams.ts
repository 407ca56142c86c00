// Hyperliquid WebSocket (no auth: the wallet address is public): webData2 carries the account's whole
// clearinghouseState (positions and the cross wallet applied directly), userEvents the fills and
// liquidations (order events); activeAssetCtx per coin carries the mark price.
// Hyperliquid drops sockets silent for 60 s; we send {"method":"ping"} (reply channel "pong").
import Decimal from 'decimal.js';
import { positionDelta, type StreamEvent } from '../../streamEvents';
import { decimalField, decimalOf, millisField, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';
import { parseHyperliquidUserEvents } from './liquidation';
import { hyperliquidCrossWallet } from './snapshot';
import type { SessionTuning } from '../shared/sessionOptions';
import { markEvent, StreamSet, type Row, type StreamSocketAdapter } from '../shared/streamSet';

export function hyperliquidStreams(wsUrl: string, wallet: string, now: () => number, random: () => number, tuning: SessionTuning): StreamSet {
  const assetCtx = (coin: string) => ({ method: 'subscribe', subscription: { type: 'activeAssetCtx', coin } });
  const held = new Set<string>(); // coins the last webData2 listed: one missing next time was closed
  const socket: StreamSocketAdapter = {
    name: '',
    url: wsUrl,
    appPing: () => ({ method: 'ping' }),
    onOpen: (ctx) => {
      ctx.send({ method: 'subscribe', subscription: { type: 'userEvents', user: wallet } });
      ctx.send({ method: 'subscribe', subscription: { type: 'webData2', user: wallet } });
      // The coins the last snapshot held: one missing from the first webData2 was closed meanwhile.
      held.clear();
      for (const coin of ctx.symbols) held.add(coin);
      for (const coin of ctx.symbols) ctx.send(assetCtx(coin));
    },
    // One subscription per coin: StreamSet sends each message of the list.
    subscribeMarks: (coins) => coins.map(assetCtx),
    onMessage: (msg, ctx) => {
      const payload = (msg.data ?? {}) as Row;
      if (msg.channel === 'subscriptionResponse' && ((payload.subscription ?? {}) as Row).type === 'userEvents') ctx.confirm();
      if (msg.channel === 'userEvents') return parseHyperliquidUserEvents(msg, now());
      if (msg.channel === 'webData2') return hyperliquidStateEvents(payload.clearinghouseState, held, now());
      if (msg.channel === 'activeAssetCtx') return markEvent(payload.coin, ((payload.ctx ?? {}) as Row).markPx, now(), 'activeAssetCtx.ctx.markPx');
      return [];
    },
  };
  return new StreamSet([socket], { now, random, tuning });
}

/**
 * webData2's clearinghouseState → one delta per listed position (the state, not increments), a close for
 * a coin listed last time and missing now, and the cross wallet (HL-ACCOUNT, as the REST snapshot reads it).
 */
export function hyperliquidStateEvents(state: unknown, held: Set<string>, nowMs: number): StreamEvent[] {
  if (typeof state !== 'object' || state === null) throw new VenueFailure('malformed-payload', 'exchange sent no webData2.clearinghouseState');
  const s = state as Row;
  const time = s.time !== undefined ? millisField(s.time, 'clearinghouseState.time') : nowMs;
  if (!Array.isArray(s.assetPositions)) throw new VenueFailure('malformed-payload', 'exchange sent no list at clearinghouseState.assetPositions');
  const events: StreamEvent[] = [];
  const listed = new Set<string>();
  let crossUpnl = new Decimal(0);
  for (const [i, entry] of (s.assetPositions as Row[]).entries()) {
    const at = `clearinghouseState.assetPositions[${i}].position`;
    const p = (entry.position ?? {}) as Row;
    const symbol = stringField(p.coin, `${at}.coin`);
    const szi = decimalOf(p.szi, `${at}.szi`);
    const leverage = (p.leverage ?? {}) as Row;
    const isolated = leverage.type === 'isolated';
    const upnl = szi.isZero() ? new Decimal(0) : decimalOf(p.unrealizedPnl, `${at}.unrealizedPnl`);
    if (!isolated) crossUpnl = crossUpnl.plus(upnl);
    if (!szi.isZero()) listed.add(symbol);
    events.push(
      positionDelta({ time, symbol, positionSide: 'both' }, szi, () => ({
        entryPrice: decimalField(p.entryPx, `${at}.entryPx`),
        leverage: decimalField(leverage.value, `${at}.leverage.value`),
        marginMode: isolated ? 'isolated' : 'cross',
        ...(isolated ? { isolatedMargin: decimalOf(p.marginUsed, `${at}.marginUsed`).minus(upnl).toFixed() } : {}),
      })),
    );
  }
  for (const symbol of held) if (!listed.has(symbol)) events.push({ kind: 'position', time, symbol, positionSide: 'both', fields: null });
  held.clear();
  for (const symbol of listed) held.add(symbol);
  events.push({ kind: 'balance', time, asset: 'USDC', crossWalletBalance: hyperliquidCrossWallet((s.crossMarginSummary ?? {}) as Row, crossUpnl) });
  return events;
}
