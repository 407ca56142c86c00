// Reads the demo venue's 1-minute candle files (resources/demo/*.csv, real Binance data).
import { readFileSync } from 'node:fs';
import type { Candle } from '../../domain/contracts';

/** Parses `timestamp_ms,open,high,low,close[,...]` rows; throws with the line number on a bad row. */
export function parseCandleCsv(text: string, source: string): Candle[] {
  const lines = text.split(/\r?\n/);
  const candles: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    const [t, o, h, l, c] = line.split(',').map(Number);
    if (![t, o, h, l, c].every((v) => v !== undefined && Number.isFinite(v))) {
      throw new Error(`${source}:${i + 1}: expected numeric timestamp_ms,open,high,low,close`);
    }
    const candle = { time: t!, open: o!, high: h!, low: l!, close: c! };
    const previous = candles[candles.length - 1];
    if (previous && candle.time <= previous.time) throw new Error(`${source}:${i + 1}: timestamps must increase`);
    candles.push(candle);
  }
  if (candles.length === 0) throw new Error(`${source}: no candles`);
  return candles;
}

export function loadCandleFile(file: string): Candle[] {
  return parseCandleCsv(readFileSync(file, 'utf8'), file);
}
