// Premise check of the volume-activity option (FORECAST.md §8.24): per file, how often the next 15
// minutes move 2.5·σ_15·√15 either way, by quintile of the activity ratio a (short/long EWMA of bar
// volume), every minute after a day of warm-up. A flat row means activity says nothing σ does not.
//
//   npx tsx scripts/forecast-activity-diagnose.ts FILE [FILE ...]
import { basename } from 'node:path';
import { readCandleFile } from '../src/backtest/candles';
import { activitySamples } from '../src/backtest/volumeActivity';

function main(files: string[]): void {
  if (files.length === 0) throw new Error('usage: forecast-activity-diagnose.ts FILE [FILE ...]');
  console.log('file | event rate by quintile of a, low → high (%) | top / bottom | quintile cuts of a');
  for (const file of files) {
    const samples = activitySamples(readCandleFile(file), 30, 1440, 1);
    const sorted = samples.map((s) => s.a).sort((x, y) => x - y);
    const cuts = [0.2, 0.4, 0.6, 0.8].map((q) => sorted[Math.floor(q * sorted.length)]!);
    const n = [0, 0, 0, 0, 0];
    const hits = [0, 0, 0, 0, 0];
    for (const s of samples) {
      let q = 0;
      while (q < 4 && s.a > cuts[q]!) q++;
      n[q]!++;
      if (s.hit) hits[q]!++;
    }
    const rate = n.map((m, q) => (m > 0 ? (100 * hits[q]!) / m : 0));
    console.log(
      `${basename(file)} | ${rate.map((r) => r.toFixed(2)).join(' ')} | ${(rate[4]! / rate[0]!).toFixed(2)} | ${cuts.map((c) => c.toFixed(2)).join(' / ')}`,
    );
  }
}

main(process.argv.slice(2));
