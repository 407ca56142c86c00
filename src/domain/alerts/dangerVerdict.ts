// The danger verdict of one report with each subject's advice, computed once per report and shared by
// the alert reducer (notification text) and the api's danger view. The reduce alternative asks the
// margin engine several times per endangered cross book, so it must not run twice for one tick.
// Memoised by the identity of the inputs: a new report object (every tick) is a new verdict; the
// watchdog's re-judgement and the view of the last evaluated data reuse it. Results are read-only.
import type { AccountSnapshot, MarginReport } from '../contracts';
import type { AccountForecast } from '../forecast/types';
import { adviceText, adviseReduce, adviseSubject, assessDanger, type DangerAction, type DangerVerdict } from '../danger';
import type { AlertSettings } from './settings';

/** The restoring action, the reduce alternative (cross book only) and the sentence naming both. */
export interface SubjectAdvice {
  action: DangerAction | null;
  reduce: DangerAction | null;
  text: string | null;
}

export interface AdvisedVerdict {
  verdict: DangerVerdict;
  /** By subject key; every subject of the verdict has an entry. */
  advice: ReadonlyMap<string, SubjectAdvice>;
}

const NO_ADVICE: SubjectAdvice = { action: null, reduce: null, text: null };

/** The danger verdict of a report (what the reducer judges; also shown by the service and the replay). */
export function dangerVerdict(
  report: MarginReport,
  forecast: AccountForecast | null,
  snapshot: AccountSnapshot | null | undefined,
  volatility: Record<string, number | null> | undefined,
  settings: AlertSettings,
): DangerVerdict {
  const marks = new Map<string, string>();
  for (const p of snapshot?.positions ?? []) marks.set(p.symbol, p.markPrice);
  return assessDanger(
    {
      report,
      forecast,
      sigma: (symbol) => volatility?.[symbol] ?? null,
      policy: settings.danger,
      useForecast: settings.predictive.enabled,
    },
    marks,
  );
}

interface Memo {
  forecast: AccountForecast | null;
  snapshot: AccountSnapshot | null | undefined;
  volatility: Record<string, number | null> | undefined;
  settings: AlertSettings;
  result: AdvisedVerdict;
}

// Keyed by the report so a dropped report frees its entry; the other inputs must be the same objects.
const memo = new WeakMap<MarginReport, Memo>();

/** dangerVerdict plus each subject's advice, once per (report, forecast, snapshot, volatility, settings). */
export function advisedDanger(
  report: MarginReport,
  forecast: AccountForecast | null,
  snapshot: AccountSnapshot | null | undefined,
  volatility: Record<string, number | null> | undefined,
  settings: AlertSettings,
): AdvisedVerdict {
  const hit = memo.get(report);
  if (hit && hit.forecast === forecast && hit.snapshot === snapshot && hit.volatility === volatility && hit.settings === settings) return hit.result;
  const verdict = dangerVerdict(report, forecast, snapshot, volatility, settings);
  const advice = new Map<string, SubjectAdvice>();
  for (const d of verdict.subjects) {
    if (!snapshot) {
      advice.set(d.key, NO_ADVICE);
      continue;
    }
    const action = adviseSubject(d, snapshot, report, settings.danger);
    const reduce = adviseReduce(d, snapshot, settings.danger);
    advice.set(d.key, { action, reduce, text: adviceText(action, reduce ? [reduce] : []) });
  }
  const result: AdvisedVerdict = { verdict, advice };
  memo.set(report, { forecast, snapshot, volatility, settings, result });
  return result;
}
