// OKX v5 error codes (https://www.okx.com/docs-v5/en/#error-code) → VenueFailure.
import { classifyCcxtError } from '../shared/ccxtErrors';
import { redact, USER_MESSAGES, VenueFailure } from '../shared/errors';
import type { VenueErrorCode } from '../../types';

const CODES: Record<string, VenueErrorCode> = {
  '50111': 'invalid-key', // Invalid OK-ACCESS-KEY
  '50113': 'invalid-key', // Invalid Sign
  '50105': 'invalid-key', // OK-ACCESS-PASSPHRASE incorrect
  '50119': 'invalid-key', // API key doesn't exist
  '50110': 'invalid-key', // IP not in whitelist
  '50120': 'permission-denied', // API key doesn't have permission
  '50102': 'clock-skew', // Timestamp request expired
  '50112': 'clock-skew', // Invalid OK-ACCESS-TIMESTAMP
  '50011': 'rate-limited', // Rate limit reached
  '50061': 'rate-limited', // Sub-account rate limit
  '50001': 'maintenance', // Service temporarily unavailable
  '50013': 'maintenance', // System is busy
  '50004': 'timeout', // API endpoint request timeout
};

export function classifyOkxError(error: unknown, headers: Record<string, string>, defaultWaitMs: number): VenueFailure {
  if (error instanceof VenueFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const okxCode = /"code"\s*:\s*"(\d+)"/.exec(message)?.[1];
  const detail = (/"msg"\s*:\s*"([^"]*)"/.exec(message)?.[1] ?? '').slice(0, 160);
  const code = okxCode ? CODES[okxCode] : undefined;
  if (code) {
    const retryAfterSec = Number(headers['retry-after']);
    const wait = code === 'rate-limited' ? (Number.isFinite(retryAfterSec) && retryAfterSec > 0 ? retryAfterSec * 1000 : defaultWaitMs) : null;
    return new VenueFailure(code, redact(detail ? `${USER_MESSAGES[code]} (OKX: ${detail})` : USER_MESSAGES[code]), wait);
  }
  return classifyCcxtError(error, headers, 'OKX', detail, defaultWaitMs);
}
