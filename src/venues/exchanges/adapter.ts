// What each exchange folder exports besides its descriptor: how to open a session and how to check a
// key. The registry (registry.ts) maps every catalog id to one of these.
import type { AccountConfig, VenueSession } from '../types';
import type { VenueDescriptor } from '../descriptor';
import type { KeyCheck } from './shared/keyVerdict';
import type { SessionDeps } from './shared/sessionOptions';
import type { VenueSecret } from './secret';

export interface VenueAdapter {
  descriptor: VenueDescriptor;
  createSession(config: AccountConfig, secret: VenueSecret | null, deps: SessionDeps): VenueSession;
  /** Proves the key (or address) reads the account and says what else it may do. */
  checkKey(config: AccountConfig, secret: VenueSecret | null, deps: SessionDeps): Promise<KeyCheck>;
}
