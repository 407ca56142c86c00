// Turns a HistoryResult into chart series and CSV. Values are the service's; we only reformat them.
import Decimal from 'decimal.js';
import type { AccountView, AlertView, HistoryPoint, HistoryResult } from '../../api/messages';
import type { ChartMarker, ChartPoint, ChartSeries } from './chart-types';
import { LEVEL_LABELS } from './levels';
import { toNumber } from './format';
import { baseSubject, channelLabel, isLiquidationAlert, subjectLabel } from './subjects';

export type HistoryField = 'equity' | 'marginRatio' | 'minDistanceToLiquidation';

/** A field as a chart series; `absolute` plots |value| (distance to liquidation has a side-dependent sign). */
export function seriesOf(points: HistoryPoint[], field: HistoryField, absolute = false): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (const p of points) {
    const raw = toNumber(p[field]);
    const value = raw !== null && absolute ? Math.abs(raw) : raw;
    const ms = Date.parse(p.at);
    if (value !== null && Number.isFinite(ms)) out.push({ time: ms / 1000, value });
  }
  return out;
}

/** Subjects seen in the range: the cross book first, then positions by name. */
function subjectsIn(points: HistoryPoint[]): string[] {
  const seen = new Set<string>();
  for (const p of points) for (const d of p.subjects ?? []) seen.add(d.subject);
  return [...seen].sort((a, b) => (a === 'cross' ? -1 : b === 'cross' ? 1 : a.localeCompare(b)));
}

/**
 * One series per subject (each isolated position, the cross book): its absolute distance to its
 * trigger over time. Empty when the service keeps no per-subject history (older services).
 */
export function subjectSeries(points: HistoryPoint[], account?: AccountView): ChartSeries[] {
  const bySubject = new Map<string, ChartPoint[]>(subjectsIn(points).map((s) => [s, []]));
  for (const p of points) {
    const ms = Date.parse(p.at);
    if (!Number.isFinite(ms)) continue;
    for (const d of p.subjects ?? []) {
      const value = toNumber(d.distance);
      if (value !== null) bySubject.get(d.subject)?.push({ time: ms / 1000, value: Math.abs(value) });
    }
  }
  return [...bySubject].map(([subject, series]) => {
    const label = subjectLabel(subject, account);
    // A position with its own history line is an isolated one, even once it is closed.
    const named = subject.startsWith('position:') && !label.includes('(') ? `${label} (isolated)` : label;
    return { subject, label: named, points: series };
  });
}

/** Alert openings (level word), closings (small, unlabelled) and liquidations as chart markers. */
export function alertMarkers(alerts: AlertView[]): ChartMarker[] {
  const out: ChartMarker[] = [];
  for (const a of alerts) {
    const opened = Date.parse(a.openedAt);
    if (Number.isFinite(opened))
      out.push(
        isLiquidationAlert(a)
          ? { time: opened / 1000, text: 'Liquidated', tone: 'liquidation', subject: baseSubject(a.subject) }
          : {
              time: opened / 1000,
              text: LEVEL_LABELS[a.level],
              tone: 'alert',
              subject: baseSubject(a.subject),
            },
      );
    const closed = a.closedAt ? Date.parse(a.closedAt) : NaN;
    if (Number.isFinite(closed))
      out.push({ time: closed / 1000, text: '', tone: 'closed', subject: baseSubject(a.subject) });
  }
  return out;
}

function csvCell(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** An exact ratio string as a percentage string ("0.0123" → "1.23"), no rounding; null stays null. */
function percentOf(value: string | null, absolute = false): string | null {
  if (value === null) return null;
  try {
    const d = new Decimal(value);
    if (!d.isFinite()) return null;
    return (absolute ? d.abs() : d).times(100).toString();
  } catch {
    return null;
  }
}

/**
 * RFC 4180 CSV with UTC ISO times: equity as stored, ratio and distances in percent (exact): the
 * closest position's, then one column per subject (named in words), and the alerts opened since the
 * previous row ("Critical: title").
 */
export function historyCsv(result: HistoryResult, account?: AccountView): string {
  const subjects = subjectsIn(result.points);
  const header = [
    'time_utc',
    'equity',
    'margin_ratio_pct',
    'distance_to_liquidation_pct',
    ...subjects.map((s) => `distance_pct ${subjectLabel(s, account)}`),
    'alerts',
  ];
  const lines = [header.map(csvCell).join(',')];
  const opened = result.alerts
    .map((a) => ({ ms: Date.parse(a.openedAt), text: `${LEVEL_LABELS[a.level]}: ${a.title}` }))
    .filter((a) => Number.isFinite(a.ms))
    .sort((a, b) => a.ms - b.ms);
  let next = 0;
  for (const p of result.points) {
    const at = Date.parse(p.at);
    const here: string[] = [];
    while (next < opened.length && opened[next]!.ms <= at) here.push(opened[next++]!.text);
    lines.push(
      [
        p.at,
        p.equity,
        percentOf(p.marginRatio),
        percentOf(p.minDistanceToLiquidation, true),
        ...subjects.map((s) => percentOf(p.subjects?.find((d) => d.subject === s)?.distance ?? null, true)),
        here.join('; '),
      ]
        .map((v) => csvCell(v === '' ? null : v))
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** The alerts of a history range, one row each, in plain words. */
export function alertsCsv(alerts: AlertView[], account: AccountView | undefined): string {
  const lines = ['opened_utc,closed_utc,level,state,subject,title,message,delivered_to'];
  for (const a of [...alerts].sort((x, y) => x.openedAt.localeCompare(y.openedAt))) {
    const delivered = a.deliveries.filter((d) => d.status === 'sent').map((d) => channelLabel(d.channel));
    lines.push(
      [
        a.openedAt,
        a.closedAt,
        LEVEL_LABELS[a.level],
        a.state,
        subjectLabel(a.subject, account),
        a.title,
        a.body,
        delivered.join('; '),
      ]
        .map(csvCell)
        .join(','),
    );
  }
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
