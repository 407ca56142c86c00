// The tray's one-line view: worst open level, whether the data is healthy, and a tooltip.
import type { AlertView } from '../../api/messages';
import type { DataHealthSummary, TrayState } from '../../api/health';
import { levelRank, worstLevel } from '../../domain/alerts/levels';
import { LEVEL_LABEL } from '../../domain/alerts/format';

export function trayView(open: AlertView[], health: DataHealthSummary): TrayState {
  const level = worstLevel(open.map((a) => a.level));
  const worst = open
    .filter((a) => a.level === level)
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt))[0];
  let tooltip = open.length === 0 ? 'MarginWatch: all clear' : `MarginWatch: ${LEVEL_LABEL[level]}`;
  if (worst) tooltip += ` (${worst.title})`;
  if (open.length > 1) tooltip += `, ${open.length} open alerts`;
  if (!health.healthy) tooltip += `. Data not healthy: ${health.unhealthyAccounts.join(', ')}`;
  return {
    level,
    dataHealthy: health.healthy,
    tooltip,
    openAlerts: open.sort((a, b) => levelRank(b.level) - levelRank(a.level)),
  };
}
