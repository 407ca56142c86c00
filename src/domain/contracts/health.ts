// The health of an account's data feed, as data the alert domain, the api and the UI read: a venue
// session reports it, the domain judges it. Defined here so the domain needs nothing from src/venues.

export type VenueHealthState =
  | 'connecting' // starting, no data yet
  | 'live' // streaming and fresh
  | 'polling' // no stream; REST polling within rate limits
  | 'stale' // connection looks alive but data is older than the venue's freshness limit
  | 'error' // last attempt failed; retrying with backoff
  | 'stopped';

export type VenueErrorCode =
  | 'invalid-key'
  | 'permission-denied'
  | 'clock-skew'
  | 'rate-limited'
  | 'ip-banned'
  | 'maintenance'
  | 'network'
  | 'timeout'
  | 'malformed-payload'
  | 'unknown-symbol'
  | 'stream-stalled'
  | 'unknown';

export interface VenueError {
  code: VenueErrorCode;
  /** One sentence the trader can act on; never contains a secret. */
  message: string;
  /** When the adapter will try again (ISO time), if it will. */
  retryAt?: string;
}

export interface VenueHealth {
  state: VenueHealthState;
  /** Exchange time of the newest data the account view is built from (ISO), or null before the first sync. */
  dataAsOf: string | null;
  lastError: VenueError | null;
  /** Short human detail, e.g. "WebSocket reconnecting (attempt 3)". */
  detail?: string;
}
