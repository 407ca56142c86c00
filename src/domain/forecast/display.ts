// How a forecast probability may be shown (issue 12): below 1 % the calibration cannot tell 0.2 % from
// 0.8 % on a new asset (too few events per bin), so such numbers are shown as "low", never as a figure.
// The UI and notifications use this instead of formatting `probability` themselves.

/** Probabilities below this are shown as "low". */
export const LOW_PROBABILITY = 0.01;

export type ProbabilityDisplay = { kind: 'low'; text: string } | { kind: 'value'; text: string; percent: number };

/** "low" below 1 %; otherwise whole percent (one decimal below 10 %), capped at "> 99 %". Never NaN. */
export function displayProbability(p: number): ProbabilityDisplay {
  if (!Number.isFinite(p) || p < LOW_PROBABILITY) return { kind: 'low', text: 'low' };
  const pct = Math.min(p, 1) * 100;
  if (pct > 99) return { kind: 'value', text: '> 99 %', percent: 99 };
  const percent = pct < 10 ? Math.round(pct * 10) / 10 : Math.round(pct);
  return { kind: 'value', text: `${percent} %`, percent };
}

/** True when a probability may be shown as a number. */
export function isShowableProbability(p: number): boolean {
  return displayProbability(p).kind === 'value';
}
