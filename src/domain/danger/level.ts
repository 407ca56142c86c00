// The level rule of one subject: the worst level any input reaches (σ-distance, calibrated
// probability, median time to trigger, margin ratio), floored by the product's invariants.
// Evaluated twice, with the entry thresholds and with the looser release thresholds (hysteresis).
import { levelRank, type AlertLevel } from '../alerts/levels';
import { DANGER_LEVELS, INVARIANT_FLOOR, type DangerPolicy, type DangerRuleLevel } from './policy';

export interface DangerInputs {
  /** |distance| from mark to the trigger as a fraction of mark; 0 at or past it; null when no price triggers. */
  distance: number | null;
  /** σ of 1-minute log returns per √minute of the subject's asset, or null without history. */
  sigmaPerMin: number | null;
  /** Calibrated P(trigger within 1 h), or null. */
  p1h: number | null;
  /** Median minutes to trigger, null beyond 24 h or unknown. */
  ttfMedianMin: number | null;
  /** Normalised margin ratio (1 = liquidation), or null. */
  marginRatio: number | null;
}

export interface DangerJudgement {
  level: AlertLevel;
  /** Level by the release thresholds (≥ level): an episode keeps its level while this holds it. */
  holdLevel: AlertLevel;
  /** distance / (σ·√60), null without distance or σ. */
  sigmaDistance1h: number | null;
  /** Which input decided the entry level, in plain words ("" when ok). */
  reason: string;
}

/** A margin-ratio level is left only this far below its threshold. */
const RELEASE_MARGIN_RATIO = 0.05;

export function sigmaDistance1h(distance: number | null, sigmaPerMin: number | null): number | null {
  if (distance === null || sigmaPerMin === null || !(sigmaPerMin > 0) || !Number.isFinite(distance)) return null;
  const z = Math.max(0, distance) / (sigmaPerMin * Math.sqrt(60));
  return Number.isFinite(z) ? z : null;
}

export function judgeDanger(inputs: DangerInputs, policy: DangerPolicy): DangerJudgement {
  const z = sigmaDistance1h(inputs.distance, inputs.sigmaPerMin);
  const entry = levelFor(inputs, z, policy, false);
  const hold = levelFor(inputs, z, policy, true);
  const holdLevel = levelRank(hold.level) > levelRank(entry.level) ? hold.level : entry.level;
  return { level: entry.level, holdLevel, sigmaDistance1h: z, reason: entry.reason };
}

function levelFor(
  m: DangerInputs,
  z: number | null,
  p: DangerPolicy,
  release: boolean,
): { level: AlertLevel; reason: string } {
  const sigmaFactor = release ? p.releaseSigmaFactor : 1;
  const probabilityFactor = release ? p.releaseProbabilityFactor : 1;
  let level: AlertLevel = 'ok';
  let reason = '';
  const raise = (to: AlertLevel, why: string) => {
    if (levelRank(to) > levelRank(level)) {
      level = to;
      reason = why;
    }
  };
  if (m.distance !== null && m.distance <= 0) raise('critical', 'at or past the trigger price');
  const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
  for (const l of DANGER_LEVELS as readonly DangerRuleLevel[]) {
    const zt = p.sigmaDistance1h[l];
    if (zt !== null && z !== null && z <= zt * sigmaFactor) raise(l, `${z.toFixed(2)} σ from the trigger (1 h volatility)`);
    const pt = p.probability1h[l];
    if (pt !== null && m.p1h !== null && m.p1h >= pt * probabilityFactor) raise(l, `${pct(m.p1h)} chance of the trigger within 1 h`);
    const tt = p.ttfMedianMin[l];
    if (tt !== null && m.ttfMedianMin !== null && m.ttfMedianMin < tt / probabilityFactor) raise(l, `median time to trigger ${m.ttfMedianMin.toFixed(0)} min`);
    const rt = p.marginRatio[l];
    if (rt !== null && m.marginRatio !== null && m.marginRatio >= rt - (release ? RELEASE_MARGIN_RATIO : 0)) raise(l, `margin ratio ${pct(m.marginRatio)}`);
  }
  // The invariants hold whatever the settings say.
  if (m.p1h !== null && m.p1h >= INVARIANT_FLOOR.probability1h) raise('warning', `${pct(m.p1h)} chance of the trigger within 1 h`);
  if (m.ttfMedianMin !== null && m.ttfMedianMin < INVARIANT_FLOOR.ttfMedianMin) raise('warning', `median time to trigger ${m.ttfMedianMin.toFixed(0)} min`);
  return { level, reason };
}
