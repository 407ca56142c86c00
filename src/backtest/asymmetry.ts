// Harness side of the asymmetric-volatility option (FORECAST.md §8.16): the past-hour z of every bar
// close (the same series the replay uses) and the samples the multipliers are fitted on. Which files
// the samples come from is the caller's business (asymFolds.ts: never the scored file or asset).
import { ASYM_HIT_Z, pastHourZ, type AsymSample } from '../domain/forecast/asymmetry';
import { horizonSigmaPerMin, newVolState, updateVol, type VolConfig } from '../domain/forecast';
import { lowHighOver, type CandleSeries } from './candles';

/** Per bar close: past-hour log return over σ√60 (σ = 1-hour term-structure σ, no floor); NaN before it is known. */
export function hourZSeries(series: CandleSeries, fastHalfLifeMin: number, slowHalfLifeMin: number): { z: Float64Array; sigma60: Float64Array } {
  const n = series.time.length;
  const dt = series.intervalMin;
  const lag = Math.max(1, Math.round(60 / dt));
  const cfg: VolConfig = { fastHalfLifeMin, slowHalfLifeMin, floorPerMin: 0, minReturns: Math.max(10, Math.ceil(60 / dt)) };
  const vol = newVolState();
  const z = new Float64Array(n).fill(NaN);
  const sigma60 = new Float64Array(n).fill(NaN);
  for (let t = 1; t < n; t++) {
    updateVol(vol, Math.log(series.close[t]! / series.close[t - 1]!), (series.time[t]! - series.time[t - 1]!) / 60_000, cfg);
    if (vol.count < cfg.minReturns || t < lag) continue;
    const s = horizonSigmaPerMin(vol, cfg, 60);
    sigma60[t] = s;
    z[t] = pastHourZ(Math.log(series.close[t]! / series.close[t - lag]!), s);
  }
  return { z, sigma60 };
}

/** Samples every 15 minutes after a one-day warm-up: z now, and whether the next hour moved ±2σ√60. */
export function asymSamples(series: CandleSeries, fastHalfLifeMin = 30, slowHalfLifeMin = 1440): AsymSample[] {
  const { z, sigma60 } = hourZSeries(series, fastHalfLifeMin, slowHalfLifeMin);
  const dt = series.intervalMin;
  const ahead = Math.max(1, Math.round(60 / dt));
  const every = Math.max(1, Math.round(15 / dt));
  const warm = Math.ceil(1440 / dt);
  const out: AsymSample[] = [];
  for (let t = warm; t + ahead < series.time.length; t += every) {
    if (!Number.isFinite(z[t]!) || !(sigma60[t]! > 0)) continue;
    const c = series.close[t]!;
    const { lo, hi } = lowHighOver(series, t + 1, t + ahead);
    const barrier = ASYM_HIT_Z * sigma60[t]! * Math.sqrt(60);
    out.push({ z: z[t]!, downHit: Math.log(lo / c) <= -barrier, upHit: Math.log(hi / c) >= barrier });
  }
  return out;
}
