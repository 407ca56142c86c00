// The danger verdict as the api shows it: each subject with its restoring action attached. The verdict
// and its advice are the ones the reducer computed for the same report (advisedDanger memoises them).
import type { AccountSnapshot, MarginReport } from '../domain/contracts';
import type { AccountForecast } from '../domain/forecast/types';
import type { AlertSettings } from '../domain/alerts/settings';
import { advisedDanger, type SubjectAdvice } from '../domain/alerts/dangerVerdict';
import type { SubjectDanger } from '../domain/danger';
import type { DangerSubjectView, DangerView } from '../api/messages';
import { levelRank, type AlertLevel } from '../domain/alerts/levels';
import { LEVEL_LABEL } from '../domain/alerts/format';

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

/**
 * A subject whose open alert is at a worse level than the verdict now (the alert eases only once the
 * danger has cleared its release band and stayed calm) is shown at the alert's level, so a row never
 * says "Warning" under a header that says "Margin call" about the same position.
 */
function withOpenAlert(view: DangerSubjectView, alertLevel: AlertLevel | undefined): DangerSubjectView {
  if (!alertLevel || levelRank(alertLevel) <= levelRank(view.level)) return view;
  const now = view.reason ? `now ${view.reason}` : 'easing';
  return { ...view, level: alertLevel, reason: `${LEVEL_LABEL[alertLevel]} alert still open: ${now}; it eases once the danger clears` };
}

/** `openAlertLevels`: the level of each subject's open alert episode, by subject key. */
export function dangerView(source: DangerSource, settings: AlertSettings, openAlertLevels: Record<string, AlertLevel> = {}): DangerView | null {
  if (!source.report) return null;
  const { verdict, advice } = advisedDanger(source.report, source.forecast, source.snapshot, source.volatility, settings);
  const subjects = verdict.subjects.map((d) => withOpenAlert(subjectView(d, advice.get(d.key)), openAlertLevels[d.key]));
  // Array sort is stable: the verdict's order (most endangered first) stays within a level.
  subjects.sort((a, b) => levelRank(b.level) - levelRank(a.level));
  return { level: subjects[0]?.level ?? verdict.level, worst: subjects[0] ?? null, subjects };
}
