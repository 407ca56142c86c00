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
