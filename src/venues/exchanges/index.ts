// Entry point the service uses: one VenueSession per account, and key validation when adding one.
// Which venues exist, and how each opens a session or checks a key, comes from the registry.
import type { AccountConfig, VenueSession } from '../types';
import { EXCHANGE_SOURCES } from '../catalog';
import type { KeyCheck } from './shared/keyVerdict';
import { DEFAULT_TUNING, SILENT_LOGGER, type SessionDeps, type SessionTuning, type VenueLogger } from './shared/sessionOptions';
import { venueAdapter } from './registry';
import type { VenueSecret } from './secret';

export type { VenueSecret } from './secret';
export { venueSecretSchema } from './secret';
export type { KeyCheck } from './shared/keyVerdict';
export type { SessionTuning, VenueLogger } from './shared/sessionOptions';
export { VenueFailure } from './shared/errors';

export interface VenueSessionOptions {
  now?: () => number;
  random?: () => number;
  logger?: VenueLogger;
  /** Timing overrides (tests, benchmarks); defaults follow the venues' documented limits. */
  tuning?: Partial<SessionTuning>;
}

/** Venues with a working adapter in this build (the catalog's ids). */
export const SUPPORTED_VENUES: ReadonlyArray<AccountConfig['source']> = EXCHANGE_SOURCES;

export class UnsupportedVenueError extends Error {
  constructor(venue: string) {
    super(`venue "${venue}" has no exchange adapter in this build (supported: ${SUPPORTED_VENUES.join(', ')})`);
    this.name = 'UnsupportedVenueError';
  }
}

function sessionDeps(options: VenueSessionOptions): SessionDeps {
  return {
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    logger: options.logger ?? SILENT_LOGGER,
    tuning: { ...DEFAULT_TUNING, ...options.tuning },
  };
}

export function createVenueSession(config: AccountConfig, secret: VenueSecret | null, options: VenueSessionOptions = {}): VenueSession {
  const adapter = venueAdapter(config.source);
  if (!adapter) throw new UnsupportedVenueError(config.source);
  return adapter.createSession(config, secret, sessionDeps(options));
}

export async function validateCredentials(config: AccountConfig, secret: VenueSecret | null, options: VenueSessionOptions = {}): Promise<KeyCheck> {
  const adapter = venueAdapter(config.source);
  if (!adapter) throw new UnsupportedVenueError(config.source);
  return adapter.checkKey(config, secret, sessionDeps(options));
}
