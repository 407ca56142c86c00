// Turns a HistoryResult into chart series and CSV. Values are the service's; we only reformat them.
import type { AlertView, HistoryPoint, HistoryResult } from '../../api/messages';
import type { ChartMarker, ChartPoint } from './chart-types';
import { LEVEL_LABELS } from './levels';
import { toNumber } from './format';

export type HistoryField = 'equity' | 'marginRatio' | 'minDistanceToLiquidation';

export function seriesOf(points: HistoryPoint[], field: HistoryField): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (const p of points) {
    const value = toNumber(p[field]);
    const ms = Date.parse(p.at);
    if (value !== null && Number.isFinite(ms)) out.push({ time: ms / 1000, value });
  }
  return out;
}

export function alertMarkers(alerts: AlertView[]): ChartMarker[] {
  const out: ChartMarker[] = [];
  for (const a of alerts) {
    const opened = Date.parse(a.openedAt);
    if (Number.isFinite(opened))
      out.push({ time: opened / 1000, text: LEVEL_LABELS[a.level], tone: 'alert' });
    const closed = a.closedAt ? Date.parse(a.closedAt) : NaN;
    if (Number.isFinite(closed)) out.push({ time: closed / 1000, text: 'closed', tone: 'closed' });
  }
  return out;
}

function csvCell(value: string | null): string {
  if (value === null) return '';
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** RFC 4180 CSV with UTC ISO times and the exact decimal strings the service stored. */
export function historyCsv(result: HistoryResult): string {
  const lines = ['time_utc,equity,margin_ratio,min_distance_to_liquidation'];
  for (const p of result.points)
    lines.push([p.at, p.equity, p.marginRatio, p.minDistanceToLiquidation].map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function downloadText(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
