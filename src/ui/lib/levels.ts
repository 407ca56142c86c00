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
 * Margin-ratio thresholds per level from the service's alert settings
 * (settings.alerts.levels[level].marginRatio). Returns [] rather than guessing.
 */
export function thresholdsFrom(
  settings: Record<string, unknown> | null,
): { level: AlertLevel; ratio: number }[] {
  const alerts = settings?.alerts as
    { levels?: Record<string, { marginRatio?: unknown } | undefined> } | undefined;
  const levels = alerts?.levels;
  if (typeof levels !== 'object' || levels === null) return [];
  const out: { level: AlertLevel; ratio: number }[] = [];
  for (const [level, value] of Object.entries(levels)) {
    const ratio = value?.marginRatio;
    if (isLevel(level) && typeof ratio === 'number' && Number.isFinite(ratio)) out.push({ level, ratio });
  }
  return out.sort((a, b) => a.ratio - b.ratio);
}

export function worstOf(levels: Iterable<AlertLevel>): AlertLevel {
  let worst: AlertLevel = 'ok';
  for (const level of levels) if (levelRank(level) > levelRank(worst)) worst = level;
  return worst;
}
