// Notification text: short titles a trader can read on a lock screen, bodies with the numbers
// that matter (margin ratio, distance to liquidation, top-up to target). Pure string building.
import Decimal from 'decimal.js';
import type { AlertLevel } from './levels';
import type { AlertSettings } from './settings';
import type { NotificationFacts } from './types';
import { displayProbability } from '../forecast/display';

export const LEVEL_LABEL: Record<AlertLevel, string> = {
  ok: 'OK',
  watch: 'Watch',
  warning: 'Warning',
  'margin-call': 'Margin call',
  critical: 'Liquidation imminent',
};

export function percent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A forecast probability as it may be shown: "low" under 1 % (never a figure there), else "88%". */
function chance(p: number): string {
  const d = displayProbability(p);
  return d.kind === 'low' ? 'low' : d.text.replace(' %', '%');
}

function percentOf(decimal: string | undefined, digits = 1): string | null {
  if (decimal === undefined) return null;
  const n = Number(decimal);
  return Number.isFinite(n) ? percent(n, digits) : null;
}

export function levelTitle(level: AlertLevel, label: string, facts: NotificationFacts, what: string): string {
  const ratio = percentOf(facts.marginRatio);
  const tail = facts.pastLiquidation ? ' at or past liquidation' : ratio ? ` margin ratio ${ratio}` : '';
  return `${LEVEL_LABEL[level]}: ${label}${what ? ` ${what}` : ''}${tail}`;
}

export function levelBody(level: AlertLevel, facts: NotificationFacts, settings: AlertSettings): string {
  const parts: string[] = [];
  if (facts.pastLiquidation)
    parts.push('At or past the liquidation price: the exchange may be liquidating now.');
  const ratio = percentOf(facts.marginRatio);
  if (ratio) {
    const mc = settings.danger.marginRatio['margin-call'];
    parts.push(
      `Margin ratio ${ratio}${mc !== null ? ` (margin call at ${percent(mc, 0)}, liquidation at 100%)` : ''}.`,
    );
  }
  const distance = percentOf(
    facts.distanceToLiquidation === undefined
      ? undefined
      : String(Math.abs(Number(facts.distanceToLiquidation))),
    2,
  );
  if (distance && !facts.pastLiquidation)
    parts.push(`Liquidation ${facts.nearestSymbol ? `of ${facts.nearestSymbol} ` : ''}${distance} away.`);
  if (facts.topUpToTarget !== undefined && Number(facts.topUpToTarget) > 0) {
    parts.push(
      `Top up ${facts.topUpToTarget}${facts.settleAsset ? ` ${facts.settleAsset}` : ''} to get back to target.`,
    );
  }
  if (parts.length === 0) parts.push(`${LEVEL_LABEL[level]}.`);
  return parts.join(' ');
}

export function predictiveBody(facts: NotificationFacts, levelRatio: number): string {
  const parts = [
    `Forecast: ${chance(facts.probability1h ?? 0)} chance of reaching a ${percent(levelRatio, 0)} margin ratio within 1 h`,
  ];
  if (facts.probability15m !== undefined) parts.push(`${chance(facts.probability15m)} chance within 15 min`);
  let text = parts.join(', ') + '.';
  const ratio = percentOf(facts.marginRatio);
  if (ratio) text += ` Margin ratio now ${ratio}.`;
  if (facts.topUpToTarget !== undefined && Number(facts.topUpToTarget) > 0) {
    text += ` Top up ${facts.topUpToTarget}${facts.settleAsset ? ` ${facts.settleAsset}` : ''} to get back to target.`;
  }
  return text;
}

export function durationText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}

/** "Margin call: Demo BTCUSDT long (isolated) 0.59% from liquidation" (readable on a lock screen). */
export function dangerTitle(level: AlertLevel, account: string, subject: string, facts: NotificationFacts): string {
  const distance = percentOf(facts.distanceToLiquidation, 2);
  const ratio = percentOf(facts.marginRatio);
  const tail = facts.pastLiquidation
    ? ' at or past liquidation'
    : distance
      ? ` ${distance} from liquidation`
      : ratio
        ? ` margin ratio ${ratio}`
        : '';
  return `${LEVEL_LABEL[level]}: ${account} ${subject}${tail}`;
}

/**
 * A price as a lock screen should show it: about six significant digits, at least two decimals and at most
 * eight ("39676.85", "2405.75", "0.352817"), rounded half-up. The engine's full-precision liquidation price
 * ("39676.85461847") is exact but unreadable at a glance; the exact figure stays in the report.
 */
export function priceText(price: string): string {
  let d: Decimal;
  try {
    d = new Decimal(price);
  } catch {
    return price;
  }
  if (!d.isFinite()) return price;
  // d.e is the decimal exponent (floor(log10|d|)): digits before the point are e + 1.
  const decimals = d.isZero() ? 2 : Math.min(8, Math.max(2, 5 - d.e));
  return d.toFixed(decimals, Decimal.ROUND_HALF_UP);
}

/** Minutes as people read them: "< 1 min", "14 min", "2 h 5 min". */
export function minutesText(min: number): string {
  if (min < 1) return '< 1 min';
  if (min < 60) return `${Math.round(min)} min`;
  const h = Math.floor(min / 60);
  const m = Math.round(min - h * 60);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** The danger in numbers, why this level, and the one action that restores safety. */
export function dangerBody(facts: NotificationFacts, reason: string): string {
  const parts: string[] = [];
  if (facts.pastLiquidation) parts.push('At or past the liquidation price: the exchange may be liquidating now.');
  else if (facts.distanceToLiquidation !== undefined) {
    const d = percentOf(facts.distanceToLiquidation, 2);
    parts.push(`Liquidation${facts.triggerPrice ? ` at ${priceText(facts.triggerPrice)}` : ''}${d ? `, ${d} away` : ''}.`);
  }
  const forecast: string[] = [];
  if (facts.probability1h !== undefined) forecast.push(`${chance(facts.probability1h)} chance within 1 h`);
  if (facts.ttfMedianMin !== undefined) forecast.push(`median time to trigger ${minutesText(facts.ttfMedianMin)}`);
  if (forecast.length > 0) parts.push(`${forecast.join(', ')}.`.replace(/^./, (c) => c.toUpperCase()));
  const ratio = percentOf(facts.marginRatio);
  if (ratio) parts.push(`Margin ratio ${ratio}.`);
  if (reason) parts.push(`Level set by: ${reason}.`);
  if (facts.action) parts.push(`To restore safety: ${facts.action}.`);
  return parts.join(' ');
}

/** `noTraderOrder`: the subject vanished while the venue stream (which carries the trader's orders) was live. */
export function liquidatedBody(kind: 'liquidation' | 'adl' | 'forced-reduction', subject: string, price: string | null, noTraderOrder = false): string {
  const what = kind === 'adl' ? 'auto-deleveraged' : kind === 'forced-reduction' ? 'force-reduced' : 'liquidated';
  return `The exchange ${what} ${subject}${price ? ` at about ${priceText(price)}` : ''}${noTraderOrder ? ' (no order from you was seen)' : ''}. The position is closed; check the account's remaining positions and balance.`;
}
