// Shapes the chart component takes (times in seconds since the epoch, values as plain numbers).
export interface ChartPoint {
  time: number;
  value: number;
}
export interface ChartLine {
  price: number;
  title: string;
  tone: 'entry' | 'liquidation' | 'trigger';
}
export interface ChartMarker {
  time: number;
  text: string;
  tone: 'alert' | 'closed' | 'liquidation';
  /** The subject it is about (`position:BTCUSDT:long`, `cross`): drawn on that subject's series when shown. */
  subject?: string;
}
/** One line of a multi-series chart, named in plain words. */
export interface ChartSeries {
  label: string;
  /** Machine key of what it plots, to put that subject's markers on it. */
  subject?: string;
  points: ChartPoint[];
}

/**
 * When each line stops before the chart's last point (its subject was closed or liquidated within the
 * range), in seconds; null for lines still running at the end. Such a line's last value is history,
 * not a current figure, so the chart must not label it on the price axis as if it were.
 */
export function lineEnds(lines: readonly { points: readonly ChartPoint[] }[]): (number | null)[] {
  const lastOf = (points: readonly ChartPoint[]) =>
    points.reduce(
      (m, p) => (Number.isFinite(p.time) && Number.isFinite(p.value) && p.time > m ? p.time : m),
      -Infinity,
    );
  const lasts = lines.map((l) => lastOf(l.points));
  const end = Math.max(...lasts);
  return lasts.map((t) => (Number.isFinite(t) && t < end ? t : null));
}
