// Bybit: polled reader plus private/public streams (reader.ts, streams.ts); key rights from /v5/user/query-api.
import type { VenueAdapter } from '../adapter';
import { invalidKey, keyVerdict, type KeyCheck } from '../shared/keyVerdict';
import { SessionEngine } from '../shared/sessionEngine';
import { checkKeyWithReader } from '../shared/readerKeyCheck';
import { bybitDescriptor } from './descriptor';
import { BybitReader } from './reader';

const TRADE_GROUPS = ['ContractTrade', 'Spot', 'Options', 'Derivatives', 'Exchange', 'CopyTrading', 'BlockTrade'];

/** Bybit's query-api answer → verdict: any trade group granted = trading; Wallet.Withdraw = withdrawals. */
export function bybitKeyVerdict(info: Record<string, unknown>): KeyCheck {
  const perms = (info.permissions ?? {}) as Record<string, unknown>;
  const list = (name: string): string[] => (Array.isArray(perms[name]) ? (perms[name] as string[]) : []);
  const withdraw = list('Wallet').includes('Withdraw');
  const trade = String(info.readOnly) !== '1' && TRADE_GROUPS.some((n) => list(n).length > 0);
  return keyVerdict('Bybit', trade, withdraw);
}

export const bybitAdapter: VenueAdapter = {
  descriptor: bybitDescriptor,
  createSession: (config, secret, deps) => new SessionEngine(config.id, new BybitReader({ ...deps, options: config.options, secret }), deps),
  checkKey: async (config, secret, deps) => {
    if (!secret) return invalidKey(bybitDescriptor.keyHint);
    return checkKeyWithReader(new BybitReader({ ...deps, options: config.options, secret }), async (r) => bybitKeyVerdict(await r.permissions()));
  },
};
