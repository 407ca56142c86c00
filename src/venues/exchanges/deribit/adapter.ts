// Deribit: polled reader plus streams (reader.ts, streams.ts); key rights from the token's scopes.
import type { VenueAdapter } from '../adapter';
import { invalidKey, keyVerdict, type KeyCheck } from '../shared/keyVerdict';
import { SessionEngine } from '../shared/sessionEngine';
import { checkKeyWithReader } from '../shared/readerKeyCheck';
import { deribitDescriptor } from './descriptor';
import { DeribitReader } from './reader';

/** Deribit scopes: trade:read_write allows orders; wallet:read_write allows withdrawals. None listed = unknown. */
export function deribitKeyVerdict(scopes: string[]): KeyCheck {
  return keyVerdict('Deribit', scopes.length ? scopes.includes('trade:read_write') : null, scopes.length ? scopes.includes('wallet:read_write') : null);
}

export const deribitAdapter: VenueAdapter = {
  descriptor: deribitDescriptor,
  createSession: (config, secret, deps) => new SessionEngine(config.id, new DeribitReader({ ...deps, options: config.options, secret }), deps),
  checkKey: async (config, secret, deps) => {
    if (!secret) return invalidKey(deribitDescriptor.keyHint);
    return checkKeyWithReader(new DeribitReader({ ...deps, options: config.options, secret }), async (r) => deribitKeyVerdict(await r.scopes()));
  },
};
