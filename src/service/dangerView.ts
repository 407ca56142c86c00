// The danger verdict as the api shows it: each subject with its restoring action attached. The verdict
// and its advice are the ones the reducer computed for the same report (advisedDanger memoises them).
import type { AccountSnapshot, MarginReport } from '../domain/contracts';
import type { AccountForecast } from '../domain/forecast/types';
import type { AlertSettings } from '../domain/alerts/settings';
import { advisedDanger, type SubjectAdvice } from '../domain/alerts/dangerVerdict';
import type { SubjectDanger } from '../domain/danger';
import type { DangerSubjectView, DangerView } from '../api/messages';

export interface DangerSource {
  report: MarginReport | null;
  forecast: AccountForecast | null;
  snapshot?: AccountSnapshot | null;
  volatility?: Record<string, number | null>;
}

function subjectView(d: SubjectDanger, advice: SubjectAdvice | undefined): DangerSubjectView {
  const reduce = advice?.reduce ?? null;
  const { subject: _subject, key, holdLevel: _hold, adverse: _adverse, sigmaPerMin: _sigma, pastTrigger: _past, ...shown } = d;
  return { ...shown, subject: key, action: advice?.action ?? null, ...(reduce ? { alternatives: [reduce] } : {}) };
}

export function dangerView(source: DangerSource, settings: AlertSettings): DangerView | null {
  if (!source.report) return null;
  const { verdict, advice } = advisedDanger(source.report, source.forecast, source.snapshot, source.volatility, settings);
  const subjects = verdict.subjects.map((d) => subjectView(d, advice.get(d.key)));
  return { level: verdict.level, worst: subjects[0] ?? null, subjects };
}
