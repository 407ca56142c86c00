// The one action that restores a subject to safety, in words a trader can act on. Safety is a target
// P(trigger within 24 h) (policy.targetProbability24h), turned into a distance with the driftless
// barrier identity P = 2·Φ(−d / (σ·√1440)) and the subject's own volatility. The amount moves the
// engine's liquidation price out to that distance, rounded UP to the asset's display precision.
import Decimal from 'decimal.js';
import type { AccountSnapshot, MarginReport } from '../contracts';
import { normInv } from '../forecast/normal';
import type { SubjectDanger } from './assess';
import type { DangerPolicy } from './policy';

export interface DangerAction {
  kind: 'add-isolated-margin' | 'transfer-to-cross' | 'reduce';
  /** Decimal string, rounded up to the display precision of `asset`. */
  amount: string;
  asset: string;
  /** Plain sentence: "add 412.50 USDT isolated margin to BTCUSDT long". */
  text: string;
  /** The distance (fraction of mark) the action restores the trigger to. */
  targetDistance: string;
}

const STABLE = new Set(['USDT', 'USDC', 'USD', 'BUSD', 'FDUSD', 'DAI']);

/** Digits shown for an amount of `asset` (money: 2 for dollars, 6 for coins). */
export function displayDecimals(asset: string): number {
  return STABLE.has(asset.toUpperCase()) ? 2 : 6;
}

/** Rounds up to the display precision and groups thousands: "1,250.00". */
export function formatAmountUp(amount: Decimal, asset: string): string {
  const fixed = amount.toDecimalPlaces(displayDecimals(asset), Decimal.ROUND_UP).toFixed(displayDecimals(asset));
  const [int, frac] = fixed.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac ? `${grouped}.${frac}` : grouped;
}

/** Distance (fraction of mark) at which P(trigger within 24 h) equals the target, for σ per √min. */
export function safeDistance(sigmaPerMin: number, targetProbability24h: number): number {
  const z = -normInv(targetProbability24h / 2);
  return Math.max(0, z) * sigmaPerMin * Math.sqrt(1440);
}

function sideWord(side: string): string {
  return side === 'both' ? '' : ` ${side}`;
}

/** The distance the advice restores `s` to, or null when it needs no advice (ok, or already beyond it). */
export function restoreTarget(s: SubjectDanger, policy: DangerPolicy): number | null {
  if (s.sigmaPerMin === null || s.triggerPrice === null || s.markPrice === null || s.adverse === null) return null;
  const target = safeDistance(s.sigmaPerMin, policy.targetProbability24h);
  const distance = Number(s.distance ?? 0);
  return s.level === 'ok' || !(target > distance) ? null : target;
}

export function targetDistanceText(target: number): string {
  return String(Number(target.toPrecision(4)));
}

/** Primary advice, then alternatives while the sentence stays short: "…, or reduce ETHUSDT by 3.2 ETH". */
export function adviceText(action: DangerAction | null, alternatives: readonly DangerAction[], maxChars = 100): string | null {
  let text = action?.text ?? null;
  for (const alt of alternatives) {
    const next = text === null ? alt.text : `${text}, or ${alt.text}`;
    if (text !== null && next.length > maxChars) break;
    text = next;
  }
  return text;
}

export function adviseSubject(s: SubjectDanger, snapshot: AccountSnapshot, report: MarginReport, policy: DangerPolicy): DangerAction | null {
  const target = restoreTarget(s, policy);
  if (target === null || s.triggerPrice === null || s.markPrice === null) return null;
  const mark = new Decimal(s.markPrice);
  const liq = new Decimal(s.triggerPrice);
  const down = s.adverse === 'down';
  const goal = down ? mark.times(1 - target) : mark.times(1 + target);
  const gap = liq.minus(goal).abs();
  const asset = report.settleAsset;
  const legs = snapshot.positions
    .map((p, i) => ({ p, r: report.positions[i]! }))
    .filter(({ p }) => p.symbol === s.symbol && (s.subject.type === 'cross' ? p.marginMode === 'cross' : p.marginMode === 'isolated' && p.positionSide === (s.subject.type === 'position' ? s.subject.side : '')));
  if (legs.length === 0 || legs.some(({ p }) => p.contractType !== 'linear')) return null;
  // Price sensitivity of the margin balance less maintenance: |q_net − Σ m_i·|q_i|| (long exposure).
  let qNet = new Decimal(0);
  let mQ = new Decimal(0);
  for (const { p, r } of legs) {
    const q = new Decimal(p.size).times(p.contractSize);
    qNet = p.side === 'long' ? qNet.plus(q) : qNet.minus(q);
    mQ = mQ.plus(new Decimal(r.maintenanceRate).times(q));
  }
  const slope = down ? qNet.minus(mQ) : qNet.neg().plus(mQ);
  if (!slope.isPositive()) return null;
  const amount = gap.times(slope);
  if (!amount.isPositive()) return null;
  const shown = formatAmountUp(amount, asset);
  const targetDistance = targetDistanceText(target);
  if (s.subject.type === 'position') {
    return { kind: 'add-isolated-margin', amount: shown.replace(/,/g, ''), asset, targetDistance, text: `add ${shown} ${asset} isolated margin to ${s.symbol}${sideWord(s.subject.side)}` };
  }
  return { kind: 'transfer-to-cross', amount: shown.replace(/,/g, ''), asset, targetDistance, text: `transfer ${shown} ${asset} to the cross wallet` };
}
