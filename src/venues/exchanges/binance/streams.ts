// Binance futures stream adapter: one WebSocket to /ws/<listenKey> carrying the user-data stream and
// SUBSCRIBEd <symbol>@markPrice@1s streams, run by the shared StreamSet. The listen-key lifecycle
// lives here: a key is created for every connection, kept alive every listenKeyKeepaliveMs (Binance:
// 60 min validity), replaced on listenKeyExpired or a failed keepalive (-1125), deleted on stop; the
// 24 h connection limit is met by ManagedSocket's planned reconnect.
import type { Position } from '../../../domain/contracts';
import { positionDelta, type PositionDelta, type StreamEvent } from '../../streamEvents';
import { decimalField, decimalOf, millisField, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';
import type { SessionDeps } from '../shared/sessionOptions';
import { StreamSet, type Row, type SocketContext, type StreamSocketAdapter } from '../shared/streamSet';
import type { BinanceClient } from './client';
import { parseBinanceOrderUpdate } from './liquidation';
import type { BinanceProduct } from './product';

export function binanceStreams(client: BinanceClient, product: BinanceProduct, wsBase: string, deps: SessionDeps & { accountId: string }): StreamSet {
  const { tuning, logger, now } = deps;
  let listenKey: string | null = null;
  let keepalive: NodeJS.Timeout | null = null;
  let requestId = 1;
  const subscribe = (symbols: Iterable<string>) => ({ method: 'SUBSCRIBE', params: [...symbols].map((s) => `${s.toLowerCase()}@markPrice@1s`), id: ++requestId });
  const stopKeepalive = (): void => {
    if (keepalive) clearInterval(keepalive);
    keepalive = null;
  };
  const keepAlive = async (ctx: SocketContext): Promise<void> => {
    const key = listenKey;
    if (!key) return;
    try {
      await client.call(product.listenKey.put, 1, { listenKey: key });
    } catch (error) {
      if (listenKey !== key) return; // replaced meanwhile
      // -1125: the key is gone; a new one comes with the reconnect.
      logger.warn('Binance listen key keepalive failed; reconnecting with a new key', { accountId: deps.accountId, code: error instanceof VenueFailure ? error.code : 'unknown' });
      listenKey = null;
      ctx.restart('listen key keepalive failed');
    }
  };

  const socket: StreamSocketAdapter = {
    name: '',
    url: async () => {
      const body = (await client.call(product.listenKey.post, 1)) as Row | undefined;
      listenKey = typeof body?.listenKey === 'string' && body.listenKey !== '' ? body.listenKey : null;
      if (!listenKey) throw new VenueFailure('malformed-payload', 'exchange sent no listenKey');
      return `${wsBase}/ws/${listenKey}`;
    },
    // Mark streams tick every second; with no position there is nothing that must arrive.
    idleTimeoutMs: (symbols) => (symbols.size > 0 ? tuning.idleTimeoutMs : 0),
    onOpen: (ctx) => {
      if (ctx.symbols.size > 0) ctx.send(subscribe(ctx.symbols));
      // Always answered, even with nothing subscribed: proves the socket delivers.
      ctx.send({ method: 'LIST_SUBSCRIPTIONS', id: ++requestId });
      stopKeepalive();
      keepalive = setInterval(() => void keepAlive(ctx), tuning.listenKeyKeepaliveMs);
    },
    subscribeMarks: subscribe,
    onMessage: (msg, ctx) => {
      ctx.confirm(); // anything at all (a subscription reply at the latest) proves the socket delivers
      switch (msg.e) {
        case 'markPriceUpdate':
          return [binanceMarkTick(msg)];
        case 'ACCOUNT_UPDATE':
          return binanceAccountUpdate(msg);
        case 'ORDER_TRADE_UPDATE': {
          const event = parseBinanceOrderUpdate(msg, now());
          return event ? [event] : [];
        }
        case 'listenKeyExpired':
          logger.warn('Binance listen key expired; reconnecting with a new key', { accountId: deps.accountId });
          listenKey = null;
          ctx.restart('listen key expired');
          return [];
        default:
          return [];
      }
    },
    onClose: stopKeepalive,
    onStop: async () => {
      stopKeepalive();
      const key = listenKey;
      listenKey = null;
      if (key) await client.call(product.listenKey.delete, 1, { listenKey: key });
    },
  };
  return new StreamSet([socket], deps);
}

/** markPriceUpdate: https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Mark-Price-Stream */
export function binanceMarkTick(msg: Row): StreamEvent {
  return {
    kind: 'mark',
    symbol: stringField(msg.s, 'markPriceUpdate.s'),
    price: decimalField(msg.p, 'markPriceUpdate.p'),
    time: millisField(msg.E, 'markPriceUpdate.E'),
    ...(msg.r !== undefined && msg.r !== '' ? { fundingRate: decimalField(msg.r, 'markPriceUpdate.r') } : {}),
    ...(msg.T !== undefined ? { nextFundingTime: millisField(msg.T, 'markPriceUpdate.T') } : {}),
  };
}

/**
 * ACCOUNT_UPDATE → balance and position deltas (the state after the change, not increments):
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Balance-and-Position-Update
 * Every field is validated; one unreadable field rejects the whole message (REST reads instead).
 */
export function binanceAccountUpdate(msg: Row): StreamEvent[] {
  const time = millisField(msg.E, 'ACCOUNT_UPDATE.E');
  const data = msg.a;
  if (typeof data !== 'object' || data === null) throw new VenueFailure('malformed-payload', 'exchange sent no ACCOUNT_UPDATE.a');
  const { B = [], P = [] } = data as Row;
  if (!Array.isArray(B) || !Array.isArray(P)) throw new VenueFailure('malformed-payload', 'exchange sent no list at ACCOUNT_UPDATE.a.B or .P');
  const events: StreamEvent[] = (B as Row[]).map((b, i) => ({
    kind: 'balance',
    time,
    asset: stringField(b.a, `ACCOUNT_UPDATE.a.B[${i}].a`),
    crossWalletBalance: decimalField(b.cw, `ACCOUNT_UPDATE.a.B[${i}].cw`),
  }));
  for (const [i, p] of (P as Row[]).entries()) events.push(binancePositionDelta(p, `ACCOUNT_UPDATE.a.P[${i}]`, time));
  return events;
}

const SIDES: Record<string, Position['positionSide']> = { BOTH: 'both', LONG: 'long', SHORT: 'short' };

function binancePositionDelta(p: Row, at: string, time: number): PositionDelta {
  const symbol = stringField(p.s, `${at}.s`);
  const positionSide = SIDES[stringField(p.ps, `${at}.ps`)];
  if (!positionSide) throw new VenueFailure('malformed-payload', `exchange sent an unknown position side at ${at}.ps: ${JSON.stringify(p.ps)}`);
  return positionDelta({ time, symbol, positionSide }, decimalOf(p.pa, `${at}.pa`), () => {
    const isolated = p.mt === 'isolated';
    if (!isolated && p.mt !== 'cross') throw new VenueFailure('malformed-payload', `exchange sent an unknown margin type at ${at}.mt: ${JSON.stringify(p.mt)}`);
    return {
      entryPrice: decimalField(p.ep, `${at}.ep`),
      marginMode: isolated ? 'isolated' : 'cross',
      ...(isolated ? { isolatedMargin: decimalField(p.iw, `${at}.iw`) } : {}),
    };
  });
}
