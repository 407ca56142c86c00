// Token and origin checks for the headless server. Everything here is pure so it can be unit-tested;
// the server decides what to do with the verdicts.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Cookies are shared across ports of one host, so the name carries the port. */
export function tokenCookieName(port: number): string {
  return `mw_token_${port}`;
}
export const TOKEN_HEADER = 'x-marginwatch-token';

/** Host names a browser uses for this machine. Anything else is a DNS-rebinding attempt. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function tokensEqual(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      // A malformed cookie is simply not a token.
    }
  }
  return cookies;
}

/** Where the request's token came from, or null when it has none that matches. */
export type TokenSource = 'query' | 'cookie' | 'header' | null;

export function findToken(req: IncomingMessage, url: URL, token: string, cookieName: string): TokenSource {
  if (tokensEqual(token, url.searchParams.get('token'))) return 'query';
  if (tokensEqual(token, parseCookies(req.headers.cookie).get(cookieName))) return 'cookie';
  const header = req.headers[TOKEN_HEADER];
  if (tokensEqual(token, Array.isArray(header) ? header[0] : header)) return 'header';
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && tokensEqual(token, auth.slice(7).trim())) return 'header';
  return null;
}

/**
 * The Host header must name the loopback interface (any port: SSH tunnels remap it). "malformed" is
 * not a host at all (answered 400), "foreign" is a well-formed other name (DNS rebinding, 403).
 */
export function classifyHost(hostHeader: string | undefined): 'loopback' | 'foreign' | 'malformed' {
  if (!hostHeader) return 'malformed';
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(hostHeader.trim().toLowerCase());
  if (!match) return 'malformed';
  if (match[2] !== undefined && Number(match[2]) > 65_535) return 'malformed';
  return LOOPBACK_HOSTS.has(match[1] ?? '') ? 'loopback' : 'foreign';
}

export function hostAllowed(hostHeader: string | undefined): boolean {
  return classifyHost(hostHeader) === 'loopback';
}

/**
 * The request target as a URL, or null when it is not an origin-form path ("/..."). Parsed against a
 * fixed loopback base, so nothing the client sends (Host, absolute targets) can make this throw.
 */
export function parseTarget(target: string | undefined): URL | null {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return null;
  try {
    const url = new URL(target, 'http://127.0.0.1');
    return url.host === '127.0.0.1' ? url : null;
  } catch {
    return null;
  }
}

/**
 * A redirect target on this origin only: the path with its leading slashes (and backslashes, which
 * browsers read as slashes) collapsed to one, so "//evil.com/x" can never become a protocol-relative
 * Location.
 */
export function sameOriginLocation(url: URL): string {
  return `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`;
}

/**
 * A browser's Origin must be this very page (same scheme, host and port as the Host header).
 * Non-browser clients send no Origin; they still need the token.
 */
export function originAllowed(originHeader: string | undefined, hostHeader: string | undefined): boolean {
  if (originHeader === undefined) return true;
  if (!hostHeader) return false;
  return originHeader.toLowerCase() === `http://${hostHeader.trim().toLowerCase()}`;
}

/** Content-Security-Policy for the UI: only our own scripts, styles and socket. */
export function contentSecurityPolicy(hostHeader: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://${hostHeader}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
