// CCXT exception classes → VenueFailure, for venues without special error codes of their own.
import ccxt from 'ccxt';
import type { VenueErrorCode } from '../../types';
import { redact, USER_MESSAGES, VenueFailure } from './errors';
import { parseLosslessJson } from './losslessJson';

export function classifyCcxtError(error: unknown, headers: Record<string, string>, venueName: string, detail = '', rateLimitedWaitMs = 10_000): VenueFailure {
  if (error instanceof VenueFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const retryAfterSec = Number(headers['retry-after']);
  const retryAfterMs = Number.isFinite(retryAfterSec) && retryAfterSec > 0 ? retryAfterSec * 1000 : null;
  const make = (code: VenueErrorCode, wait: number | null = null): VenueFailure =>
    new VenueFailure(code, redact(detail ? `${USER_MESSAGES[code]} (${venueName}: ${detail.slice(0, 160)})` : USER_MESSAGES[code]), wait);
  if (error instanceof ccxt.RateLimitExceeded || error instanceof ccxt.DDoSProtection || /\b429\b/.test(message)) return make('rate-limited', retryAfterMs ?? rateLimitedWaitMs);
  if (error instanceof ccxt.AuthenticationError) return make('invalid-key');
  if (error instanceof ccxt.PermissionDenied || error instanceof ccxt.AccountSuspended) return make('permission-denied');
  if (error instanceof ccxt.InvalidNonce) return make('clock-skew');
  if (error instanceof ccxt.OnMaintenance || /\b503\b/.test(message)) return make('maintenance', retryAfterMs);
  if (error instanceof ccxt.RequestTimeout) return make('timeout');
  if (error instanceof ccxt.ExchangeNotAvailable || error instanceof ccxt.NetworkError) return make('network', retryAfterMs);
  if (error instanceof ccxt.BadSymbol) return make('unknown-symbol');
  if (error instanceof ccxt.BadResponse || error instanceof ccxt.BadRequest || error instanceof SyntaxError) return make('malformed-payload');
  return make('unknown');
}

export function lowerCaseHeaders(exchange: unknown): Record<string, string> {
  const raw = (exchange as { last_response_headers?: Record<string, string> }).last_response_headers ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) out[k.toLowerCase()] = String(v);
  return out;
}

/** Points every CCXT API URL at `base` (keeps paths; drops CCXT's {hostname} templating). */
export function overrideCcxtUrls(exchange: { urls: Record<string, unknown> }, base: string): void {
  const api = exchange.urls['api'] as Record<string, string>;
  for (const key of Object.keys(api)) api[key] = api[key]!.replace(/^https?:\/\/[^/]+/, base.replace(/\/+$/, ''));
}

/** Keeps every number exactly as sent (some venues send bare JSON numbers). */
export function useLosslessJson(exchange: unknown): void {
  (exchange as { parseJson: (text: string) => unknown }).parseJson = (text: string) => {
    try {
      return parseLosslessJson(text);
    } catch {
      return undefined; // CCXT then reports a BadResponse, which the classifiers map to malformed-payload
    }
  };
}
