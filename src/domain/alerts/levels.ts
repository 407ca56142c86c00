// Alert levels, ordered from calm to liquidation imminent.
export const ALERT_LEVELS = ['ok', 'watch', 'warning', 'margin-call', 'critical'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export function levelRank(level: AlertLevel): number {
  return ALERT_LEVELS.indexOf(level);
}

export function worstLevel(levels: Iterable<AlertLevel>): AlertLevel {
  let worst: AlertLevel = 'ok';
  for (const level of levels) if (levelRank(level) > levelRank(worst)) worst = level;
  return worst;
}
