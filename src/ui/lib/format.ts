// Display formatting only: rounding decimal strings to an instrument's tick/lot step, percentages,
// local times and ages. Nothing here computes margin; the numbers come from the service as strings.
import Decimal from 'decimal.js';
import { displayProbability } from '../../api/vocabulary';

const DASH = '—';

function decimalsOf(step: string): number {
  const d = new Decimal(step);
  return Math.max(0, d.decimalPlaces());
}

function group(fixed: string): string {
  const negative = fixed.startsWith('-');
  const body = negative ? fixed.slice(1) : fixed;
  const [int = '0', frac] = body.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (negative ? '−' : '') + grouped + (frac !== undefined ? '.' + frac : '');
}

function parse(value: string | null | undefined): Decimal | null {
  if (value === null || value === undefined || value === '') return null;
  try {
    const d = new Decimal(value);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

/**
 * Live tables re-render the same decimal strings many times a second, and decimal.js is the costly
 * part of a frame: remember recent results of the pure string → string helpers below.
 */
const CACHE_LIMIT = 20_000;
const textCache = new Map<string, string | null>();

function remembered<T extends string | null>(key: string, compute: () => T): T {
  const cached = textCache.get(key);
  if (cached !== undefined) return cached as T;
  const value = compute();
  if (textCache.size >= CACHE_LIMIT) textCache.clear();
  textCache.set(key, value);
  return value;
}

/** A price or size rounded to the instrument's step (tick or lot) when known, else to `fallbackDp`. */
export function formatStep(value: string | null | undefined, step?: string | null, fallbackDp = 2): string {
  return remembered(`step|${value}|${step}|${fallbackDp}`, () => formatStepUncached(value, step, fallbackDp));
}

function formatStepUncached(
  value: string | null | undefined,
  step: string | null | undefined,
  fallbackDp: number,
): string {
  const d = parse(value);
  if (!d) return DASH;
  const stepD = parse(step ?? null);
  if (stepD && stepD.gt(0)) {
    return group(d.toNearest(stepD, Decimal.ROUND_HALF_UP).toFixed(decimalsOf(step as string)));
  }
  return group(d.toFixed(fallbackDp, Decimal.ROUND_HALF_UP));
}

/** Display decimals of an asset: two for fiat-like assets, eight for coins. */
export function moneyDecimals(asset?: string | null): number {
  const coin = asset !== undefined && asset !== null && !/^(USD|USDT|USDC|BUSD|FDUSD|USDE)$/i.test(asset);
  return coin ? 8 : 2;
}

/** Money in the settle asset, rounded to the asset's display precision. */
export function formatMoney(value: string | null | undefined, asset?: string): string {
  return formatStep(value, null, moneyDecimals(asset));
}

/** A ratio string ("0.4636") as a percentage ("46.36 %"). */
export function formatPercent(value: string | number | null | undefined, dp = 2): string {
  if (value === null || value === undefined) return DASH;
  return remembered(`pct|${typeof value}|${value}|${dp}`, () => formatPercentUncached(value, dp));
}

function formatPercentUncached(value: string | number, dp: number): string {
  const d = typeof value === 'number' ? (Number.isFinite(value) ? new Decimal(value) : null) : parse(value);
  if (!d) return DASH;
  return `${group(d.times(100).toFixed(dp, Decimal.ROUND_HALF_UP))} %`;
}

/** A normalised margin ratio: 1 means liquidation, so anything at or past it says so instead of "100,000 %". */
export function formatMarginRatio(value: string | null | undefined): string {
  const d = parse(value);
  if (!d) return DASH;
  return d.gte(1) ? '≥ 100 % (liquidation)' : formatPercent(value);
}

/**
 * A forecast probability as the forecast may be shown (src/domain/forecast/display.ts): "low" below
 * 1 %, where the calibration cannot tell 0.2 % from 0.8 % on a new asset; a dash when there is none.
 */
export function formatProbability(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return DASH;
  return displayProbability(p).text;
}

/** A duration as a trader reads it: "< 1 min", "14 min", "2 h 5 min", "3 d 4 h"; null means beyond the horizon. */
export function formatMinutes(minutes: number | null | undefined, beyond = '> 24 h'): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return beyond;
  if (minutes < 1) return '< 1 min';
  const whole = Math.round(minutes);
  if (whole < 60) return `${whole} min`;
  if (whole < 48 * 60) {
    const h = Math.floor(whole / 60);
    const m = whole % 60;
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const hours = Math.round(whole / 60);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** Countdown to an ISO time ("in 2 h 5 min"), "due" once passed. */
export function formatCountdown(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return DASH;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return DASH;
  const minutes = (ms - nowMs) / 60_000;
  return minutes <= 0 ? 'due' : `in ${formatMinutes(minutes)}`;
}

/** Money rounded to the asset's display precision, with the asset named ("−12.34 USDT"). */
export function formatAmount(value: string | null | undefined, asset: string | null | undefined): string {
  const text = formatMoney(value, asset ?? undefined);
  return text === DASH || !asset ? text : `${text} ${asset}`;
}

/** A signed ratio as a percentage with an explicit sign ("+1.25 %", "−3.00 %"). */
export function formatSignedPercent(value: string | null | undefined, dp = 2): string {
  return remembered(`signed|${value}|${dp}`, () => {
    const d = parse(value);
    if (!d) return DASH;
    const text = formatPercent(value, dp);
    return d.gt(0) ? `+${text}` : text;
  });
}

/** A ratio of two decimal strings (e.g. P&L over margin), null when either is missing or the divisor is 0. */
export function ratioOf(
  numerator: string | null | undefined,
  denominator: string | null | undefined,
): string | null {
  return remembered(`ratio|${numerator}|${denominator}`, () => {
    const n = parse(numerator);
    const d = parse(denominator);
    return !n || !d || d.isZero() ? null : n.div(d).toString();
  });
}

/** Relative distance from `from` to `to` ((to − from) / from), null when either is missing. */
export function relativeDistance(
  from: string | null | undefined,
  to: string | null | undefined,
): string | null {
  return remembered(`dist|${from}|${to}`, () => {
    const a = parse(from);
    const b = parse(to);
    return !a || !b || a.isZero() ? null : b.minus(a).div(a).toString();
  });
}

/** Local clock time "14:05:09" (connection-lost notes, tooltips). */
export function formatClock(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return DASH;
  return clockFormat.format(new Date(ms));
}

const clockFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** Local time zone, the trader's locale. */
export function formatLocalTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? timeFormat.format(new Date(ms)) : DASH;
}

export function formatAge(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return 'no data yet';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return 'unknown';
  const seconds = Math.max(0, Math.round((nowMs - ms) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  return `${(seconds / 3600).toFixed(1)} h ago`;
}

/** Numeric value of a decimal string for sorting and charts (display only), null when absent. */
export function toNumber(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
