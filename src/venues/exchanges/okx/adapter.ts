// OKX: polled reader plus private/public streams (reader.ts, streams.ts); key rights from the account config's perm.
import type { VenueAdapter } from '../adapter';
import { invalidKey, keyVerdict, type KeyCheck } from '../shared/keyVerdict';
import { SessionEngine } from '../shared/sessionEngine';
import { checkKeyWithReader } from '../shared/readerKeyCheck';
import { okxDescriptor } from './descriptor';
import { OkxReader } from './reader';

/** OKX perm list ("read_only,trade,withdraw") → verdict; an empty list means OKX did not say. */
export function okxKeyVerdict(perm: string[]): KeyCheck {
  return keyVerdict('OKX', perm.length === 0 ? null : perm.includes('trade'), perm.length === 0 ? null : perm.includes('withdraw'));
}

export const okxAdapter: VenueAdapter = {
  descriptor: okxDescriptor,
  createSession: (config, secret, deps) => new SessionEngine(config.id, new OkxReader({ ...deps, options: config.options, secret }), deps),
  checkKey: async (config, secret, deps) => {
    if (!secret?.passphrase) return invalidKey(okxDescriptor.keyHint);
    return checkKeyWithReader(new OkxReader({ ...deps, options: config.options, secret }), async (r) => okxKeyVerdict(await r.permissions()));
  },
};
