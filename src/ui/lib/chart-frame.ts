// What every chart in the window shares: colours from the theme's CSS variables (so light/dark follow
// the OS), local-time axis labels, and a price formatter supplied by the chart.
import { createChart, TickMarkType, type IChartApi, type Time } from 'lightweight-charts';

const localTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const localClock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const localClockSeconds = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const localDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function createThemedChart(
  container: HTMLElement,
  priceFormatter: (price: number) => string,
): IChartApi {
  return createChart(container, {
    autoSize: true,
    layout: {
      background: { color: cssVar('--panel') },
      textColor: cssVar('--text'),
      attributionLogo: false,
    },
    grid: { vertLines: { color: cssVar('--gauge-track') }, horzLines: { color: cssVar('--gauge-track') } },
    rightPriceScale: { borderColor: cssVar('--border') },
    timeScale: {
      borderColor: cssVar('--border'),
      timeVisible: true,
      secondsVisible: true,
      // The library says which kind of tick it is; labels with seconds where ticks are seconds apart,
      // so neighbouring labels never repeat the same minute.
      tickMarkFormatter: (time: Time, type: TickMarkType) => {
        const d = new Date(Number(time) * 1000);
        if (type === TickMarkType.TimeWithSeconds) return localClockSeconds.format(d);
        if (type === TickMarkType.Time) return localClock.format(d);
        return localDay.format(d);
      },
    },
    localization: {
      timeFormatter: (time: Time) => localTime.format(new Date(Number(time) * 1000)),
      priceFormatter,
    },
  });
}
