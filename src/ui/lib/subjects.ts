// Plain-words names for what an alert is about. The service identifies subjects with machine strings
// ("position:BTCUSDT:short", "predictive:position:…", "system:stale"); a trader must never read those.
// Interim formatter until the danger model's own subject label helper lands in src/api.
import type { AccountView, AlertKind } from '../../api/messages';

const SYSTEM_LABELS: Record<string, string> = {
  stale: 'data feed',
  unreachable: 'exchange connection',
  key: 'API key',
  'key-permissions': 'API key permissions',
  'clock-skew': 'computer clock',
  blind: 'monitoring',
  storage: 'local storage',
};

export interface PositionRef {
  symbol: string;
  positionSide: string;
}

function positionLabel(symbol: string, positionSide: string, account: AccountView | undefined): string {
  const p = account?.snapshot?.positions.find((x) => x.symbol === symbol && x.positionSide === positionSide);
  const side = p?.side ?? (positionSide === 'both' ? '' : positionSide);
  const mode = p?.marginMode ?? account?.report?.positions.find((x) => x.symbol === symbol)?.marginMode;
  return [symbol, side].filter(Boolean).join(' ') + (mode ? ` (${mode})` : '');
}

/** Parses "position:SYM:side" (optionally behind a "predictive:" prefix). */
export function positionOfSubject(subject: string): PositionRef | null {
  const parts = subject.replace(/^predictive:/, '').split(':');
  if (parts[0] !== 'position' || parts.length < 3) return null;
  const positionSide = parts[parts.length - 1] ?? '';
  return { symbol: parts.slice(1, -1).join(':'), positionSide };
}

/** "BTCUSDT long (isolated)", "whole account (cross book)", "data feed", "notification channel webhook". */
export function subjectLabel(subject: string, account?: AccountView): string {
  if (subject.startsWith('liquidated:'))
    return `${subjectLabel(subject.slice('liquidated:'.length), account)}, liquidated`;
  const position = positionOfSubject(subject);
  if (position) return positionLabel(position.symbol, position.positionSide, account);
  const bare = subject.replace(/^predictive:/, '');
  if (bare === 'account') return 'whole account';
  if (bare.startsWith('cross')) return 'cross book';
  if (bare.startsWith('system:')) {
    const rest = bare.slice('system:'.length);
    if (rest.startsWith('channel:')) return `notification channel ${rest.slice('channel:'.length)}`;
    if (rest.startsWith('discrepancy:')) {
      const parts = rest.split(':');
      return `${positionLabel(parts.slice(1, -1).join(':'), parts[parts.length - 1] ?? '', account)}: engine vs exchange`;
    }
    return SYSTEM_LABELS[rest] ?? 'monitoring';
  }
  // Unknown shapes: never show the raw identifier.
  return 'account';
}

const KIND_LABELS: Record<AlertKind, string> = {
  level: 'margin level',
  predictive: 'forecast',
  system: 'system',
};

export function kindLabel(kind: string): string {
  return (KIND_LABELS as Record<string, string>)[kind] ?? 'alert';
}

/** Channel names as words ("os" → "desktop notification"). */
export function channelLabel(channel: string): string {
  const known: Record<string, string> = {
    os: 'desktop notification',
    sound: 'sound',
    webhook: 'webhook',
    ntfy: 'ntfy push',
    telegram: 'Telegram',
    email: 'email',
    browser: 'browser notification',
  };
  return known[channel] ?? channel;
}

/** A delivery's status in words. */
export function deliveryWords(d: { status: string; attempts: number; detail: string | null }): string {
  if (d.status === 'sent') return d.attempts > 1 ? `delivered after ${d.attempts} attempts` : 'delivered';
  if (d.status === 'pending') return d.attempts > 0 ? `retrying (attempt ${d.attempts})` : 'sending…';
  return `not delivered${d.detail ? `: ${d.detail}` : ''}`;
}

/** The subject an alert is about with prefixes ("predictive:", "liquidated:") removed: "position:BTCUSDT:long". */
export function baseSubject(subject: string): string {
  return subject.replace(/^(predictive:|liquidated:)+/, '');
}

/** A `liquidated` alert of the danger model (its subject is "liquidated:<subject>"). */
export function isLiquidationAlert(alert: { subject: string; kind: string }): boolean {
  return alert.subject.startsWith('liquidated:') || alert.kind === 'liquidated';
}
