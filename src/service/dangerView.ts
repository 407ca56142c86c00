// The danger verdict as the api shows it: each subject with its restoring action attached.
import type { AccountSnapshot, MarginReport } from '../domain/contracts';
import type { AccountForecast } from '../domain/forecast/types';
import type { AlertSettings } from '../domain/alerts/settings';
import { dangerVerdict } from '../domain/alerts/reducer';
import { adviseReduce, adviseSubject, type SubjectDanger } from '../domain/danger';
import type { DangerSubjectView, DangerView } from '../api/messages';

export interface DangerSource {
  report: MarginReport | null;
  forecast: AccountForecast | null;
  snapshot?: AccountSnapshot | null;
  volatility?: Record<string, number | null>;
}

function subjectView(d: SubjectDanger, source: DangerSource, settings: AlertSettings): DangerSubjectView {
  const action = source.snapshot && source.report ? adviseSubject(d, source.snapshot, source.report, settings.danger) : null;
  const reduce = source.snapshot ? adviseReduce(d, source.snapshot, settings.danger) : null;
  const { subject: _subject, key, holdLevel: _hold, adverse: _adverse, sigmaPerMin: _sigma, pastTrigger: _past, ...shown } = d;
  return { ...shown, subject: key, action, ...(reduce ? { alternatives: [reduce] } : {}) };
}

export function dangerView(source: DangerSource, settings: AlertSettings): DangerView | null {
  if (!source.report) return null;
  const verdict = dangerVerdict(source.report, source.forecast, source.snapshot, source.volatility, settings);
  const subjects = verdict.subjects.map((d) => subjectView(d, source, settings));
  return { level: verdict.level, worst: subjects[0] ?? null, subjects };
}
