// Hyperliquid WebSocket (no auth: the wallet address is public): userEvents (fills, funding,
// liquidations) signal account changes; activeAssetCtx per coin carries the mark price.
// Hyperliquid drops sockets silent for 60 s; we send {"method":"ping"} (reply channel "pong").
import { parseHyperliquidUserEvents } from './liquidation';
import type { SessionTuning } from '../shared/sessionOptions';
import { markEvent, StreamSet, type Row, type StreamSocketAdapter } from '../shared/streamSet';

export function hyperliquidStreams(wsUrl: string, wallet: string, now: () => number, random: () => number, tuning: SessionTuning): StreamSet {
  const assetCtx = (coin: string) => ({ method: 'subscribe', subscription: { type: 'activeAssetCtx', coin } });
  const socket: StreamSocketAdapter = {
    name: '',
    url: wsUrl,
    appPing: () => ({ method: 'ping' }),
    onOpen: (ctx) => {
      ctx.send({ method: 'subscribe', subscription: { type: 'userEvents', user: wallet } });
      for (const coin of ctx.symbols) ctx.send(assetCtx(coin));
    },
    // One subscription per coin: StreamSet sends each message of the list.
    subscribeMarks: (coins) => coins.map(assetCtx),
    onMessage: (msg, ctx) => {
      const payload = (msg.data ?? {}) as Row;
      if (msg.channel === 'subscriptionResponse' && ((payload.subscription ?? {}) as Row).type === 'userEvents') ctx.confirm();
      if (msg.channel === 'userEvents') return [...parseHyperliquidUserEvents(msg, now()), { kind: 'account-changed', time: now() }];
      if (msg.channel === 'activeAssetCtx') return markEvent(payload.coin, ((payload.ctx ?? {}) as Row).markPx, now(), 'activeAssetCtx.ctx.markPx');
      return [];
    },
  };
  return new StreamSet([socket], { now, random, tuning });
}
