// Presentation of alert levels (labels, order); the levels themselves come from the service.
import { ALERT_LEVELS, levelRank, type AlertLevel } from '../../api/vocabulary';

export { ALERT_LEVELS, levelRank, type AlertLevel };

export const LEVEL_LABELS: Record<AlertLevel, string> = {
  ok: 'OK',
  watch: 'Watch',
  warning: 'Warning',
  'margin-call': 'Margin call',
  critical: 'Critical',
};

export function isLevel(value: unknown): value is AlertLevel {
  return typeof value === 'string' && (ALERT_LEVELS as readonly string[]).includes(value);
}

/**
 * Margin-ratio thresholds per level from the service's danger policy
 * (settings.alerts.danger.marginRatio[level]; null = that level has no ratio rule). Returns [] rather
 * than guessing.
 */
export function thresholdsFrom(
  settings: Record<string, unknown> | null,
): { level: AlertLevel; ratio: number }[] {
  const alerts = settings?.alerts as { danger?: { marginRatio?: Record<string, unknown> } } | undefined;
  const ratios = alerts?.danger?.marginRatio;
  if (typeof ratios !== 'object' || ratios === null) return [];
  const out: { level: AlertLevel; ratio: number }[] = [];
  for (const [level, ratio] of Object.entries(ratios)) {
    if (isLevel(level) && typeof ratio === 'number' && Number.isFinite(ratio)) out.push({ level, ratio });
  }
  return out.sort((a, b) => a.ratio - b.ratio);
}

export function worstOf(levels: Iterable<AlertLevel>): AlertLevel {
  let worst: AlertLevel = 'ok';
  for (const level of levels) if (levelRank(level) > levelRank(worst)) worst = level;
  return worst;
}
