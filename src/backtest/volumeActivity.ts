// Harness side of the volume-activity option (FORECAST.md §8.24): the samples its exponent is fitted on.
// Which files they come from is the caller's business (never the scored file: scripts/forecast-data.ts).
import { activityRatios, ACTIVITY_EVENT_MIN, ACTIVITY_EVENT_Z, type ActivitySample } from '../domain/forecast/volumeActivity';
import { horizonSigmaPerMin, newVolState, updateVol, type VolConfig } from '../domain/forecast';
import { lowHighOver, type CandleSeries } from './candles';

/**
 * Every `everyMin` minutes (15 for the fit) after a one-day warm-up: a at the bar close, and whether the next 15 minutes moved
 * ACTIVITY_EVENT_Z·σ_15·√15 either way (σ_15 = the model's 15-minute term-structure σ, no floor).
 */
export function activitySamples(series: CandleSeries, fastHalfLifeMin = 30, slowHalfLifeMin = 1440, everyMin = 15): ActivitySample[] {
  if (!series.volume) throw new Error(`${series.name}: no volume column`);
  const dt = series.intervalMin;
  const a = activityRatios(series.volume, dt);
  const cfg: VolConfig = { fastHalfLifeMin, slowHalfLifeMin, floorPerMin: 0, minReturns: Math.max(10, Math.ceil(60 / dt)) };
  const vol = newVolState();
  const ahead = Math.max(1, Math.round(ACTIVITY_EVENT_MIN / dt));
  const every = Math.max(1, Math.round(everyMin / dt));
  const warm = Math.ceil(1440 / dt);
  const out: ActivitySample[] = [];
  for (let t = 1; t + ahead < series.time.length; t++) {
    updateVol(vol, Math.log(series.close[t]! / series.close[t - 1]!), (series.time[t]! - series.time[t - 1]!) / 60_000, cfg);
    if (t < warm || (t - warm) % every !== 0) continue;
    const sigma = horizonSigmaPerMin(vol, cfg, ACTIVITY_EVENT_MIN);
    if (!(sigma > 0)) continue;
    const c = series.close[t]!;
    const { lo, hi } = lowHighOver(series, t + 1, t + ahead);
    const barrier = ACTIVITY_EVENT_Z * sigma * Math.sqrt(ACTIVITY_EVENT_MIN);
    out.push({ a: a[t]!, hit: Math.log(lo / c) <= -barrier || Math.log(hi / c) >= barrier });
  }
  return out;
}
