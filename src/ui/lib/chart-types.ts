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
}
