// Out-of-sample multipliers of the asymmetric-volatility option (FORECAST.md §8.16): each scored file
// gets multipliers fitted only on files its fold may see, with the same keys as the calibration folds.
import { fitAsymmetry, type AsymParams, type AsymSample } from '../domain/forecast/asymmetry';
import { assetOfFile, type PoolScheme } from './pooled';

export type AsymFold = AsymParams & { trainedOn: string[] };

/**
 * Per scored file, multipliers fitted on the samples of the files its fold may see: every file of
 * another asset (leave-one-asset-out) or every other file (leave-one-crash-out).
 */
export function asymFolds(scheme: PoolScheme, samplesByFile: Readonly<Record<string, readonly AsymSample[]>>, shrink: number, raiseOnly = false): Record<string, AsymFold> {
  const files = Object.keys(samplesByFile);
  const out: Record<string, AsymFold> = {};
  for (const f of files) {
    const train = files.filter((g) => (scheme === 'leave-one-asset-out' ? assetOfFile(g) !== assetOfFile(f) : g !== f));
    if (train.length === 0) throw new Error(`no training file for the asymmetry of ${f}`);
    out[f] = { ...fitAsymmetry(train.flatMap((g) => samplesByFile[g]!), shrink, undefined, raiseOnly), trainedOn: train };
  }
  return out;
}
