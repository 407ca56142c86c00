// One error type for everything an exchange can do to us, carrying the VenueErrorCode the service
// and alert pipeline act on, and (when the exchange says) how long to wait.
import type { VenueError, VenueErrorCode } from '../../types';

export class VenueFailure extends Error {
  constructor(
    readonly code: VenueErrorCode,
    message: string,
    /** Exchange-mandated wait (Retry-After), in ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'VenueFailure';
  }

  toVenueError(retryAtMs: number | null): VenueError {
    return retryAtMs === null ? { code: this.code, message: this.message } : { code: this.code, message: this.message, retryAt: new Date(retryAtMs).toISOString() };
  }
}

/** Messages a trader can act on, one per code; the exchange's own text is appended when safe. */
export const USER_MESSAGES: Record<VenueErrorCode, string> = {
  'invalid-key': 'The exchange rejected the API key (invalid, expired, deleted or IP-restricted). Create a new read-only key and update the account.',
  'permission-denied': 'The API key lacks the read permission this account needs. Enable reading (futures) on the key.',
  'clock-skew': "This computer's clock differs from the exchange's; resynchronising. If it persists, enable automatic time sync.",
  'rate-limited': 'The exchange asked us to slow down (rate limit). Waiting as instructed before the next request.',
  'ip-banned': 'The exchange temporarily banned this IP address for too many requests. Waiting until the ban ends.',
  maintenance: 'The exchange is under maintenance or overloaded. Retrying with backoff.',
  network: 'Cannot reach the exchange (network error). Retrying with backoff.',
  timeout: 'The exchange did not answer in time. Retrying with backoff.',
  'malformed-payload': 'The exchange sent data MarginWatch cannot read. Retrying; the last good data is kept.',
  'unknown-symbol': 'The exchange does not know one of the symbols requested.',
  'stream-stalled': 'The live data stream stopped delivering. Reconnecting; figures may be stale meanwhile.',
  unknown: 'Unexpected error from the exchange. Retrying with backoff.',
};

/** Redacts anything that looks like a signed query or key from a message before it leaves the adapter. */
export function redact(text: string): string {
  return text
    .replace(/signature=[0-9a-fA-F]+/g, 'signature=***')
    .replace(/(listenKey[=/":\s]+)[A-Za-z0-9]{16,}/g, '$1***')
    .replace(/https?:\/\/\S+\?\S*/g, (url) => url.split('?')[0] + '?…');
}
