// Bybit v5 retCodes (https://bybit-exchange.github.io/docs/v5/error) → VenueFailure.
import { classifyCcxtError } from '../shared/ccxtErrors';
import { redact, USER_MESSAGES, VenueFailure } from '../shared/errors';
import type { VenueErrorCode } from '../../types';

const CODES: Record<string, VenueErrorCode> = {
  '10003': 'invalid-key', // API key is invalid
  '10004': 'invalid-key', // error sign
  '10010': 'invalid-key', // unmatched IP
  '33004': 'invalid-key', // API key expired
  '10005': 'permission-denied',
  '10002': 'clock-skew', // timestamp outside recv_window
  '10006': 'rate-limited', // too many visits
  '10018': 'rate-limited', // IP rate limit
  '10016': 'maintenance', // server error
  '10019': 'maintenance', // service restarting
};

export function classifyBybitError(error: unknown, headers: Record<string, string>, now: number, defaultWaitMs: number): VenueFailure {
  if (error instanceof VenueFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const retCode = /"retCode"\s*:\s*"?(\d+)/.exec(message)?.[1];
  const detail = (/"retMsg"\s*:\s*"([^"]*)"/.exec(message)?.[1] ?? '').slice(0, 160);
  const code = retCode ? CODES[retCode] : undefined;
  if (code) {
    const reset = Number(headers['x-bapi-limit-reset-timestamp']);
    const wait = code === 'rate-limited' ? (Number.isFinite(reset) && reset > now ? reset - now : defaultWaitMs) : null;
    return new VenueFailure(code, redact(detail ? `${USER_MESSAGES[code]} (Bybit: ${detail})` : USER_MESSAGES[code]), wait);
  }
  // HTTP 403 "access too frequent": the IP is blocked for a while.
  if (/\b403\b/.test(message)) return new VenueFailure('ip-banned', USER_MESSAGES['ip-banned'], 10 * 60_000);
  return classifyCcxtError(error, headers, 'Bybit', detail, defaultWaitMs);
}
