// Candle and funding CSV files in the format of the market data described in docs/FORECAST.md and test/fixtures/README.md (header
// `timestamp_ms,open,high,low,close[,volume]`, optionally gzip-compressed). Every problem names the
// file and line; the bar interval is detected (1m, 5m, 15m, 1h, ...).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface CandleSeries {
  name: string;
  intervalMin: number;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** Traded volume per bar (base asset) when the file has the column; absent otherwise. */
  volume?: Float64Array;
  /** Gaps (missing bars) accepted with allowGaps, for the report. */
  gaps: { afterTime: number; missingBars: number }[];
}

export class CandleFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    reason: string,
  ) {
    super(line === null ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'CandleFileError';
  }
}

export function readTextFile(file: string): string {
  const buf = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function parseNumber(raw: string | undefined, file: string, line: number, column: string): number {
  const s = (raw ?? '').trim();
  const v = s === '' ? NaN : Number(s);
  if (!Number.isFinite(v)) throw new CandleFileError(file, line, `${column} is not a number ("${s}")`);
  return v;
}

/** Parse and validate a candle file's text. Gaps are errors unless `allowGaps`. */
export function parseCandleCsv(text: string, name: string, options: { allowGaps?: boolean } = {}): CandleSeries {
  const lines = splitLines(text);
  const header = (lines[0] ?? '').trim().toLowerCase();
  if (!/^timestamp_ms,open,high,low,close(,volume)?$/.test(header)) {
    throw new CandleFileError(name, 1, 'header must be "timestamp_ms,open,high,low,close[,volume]"');
  }
  const n = lines.length - 1;
  if (n < 2) throw new CandleFileError(name, null, 'needs at least two candles');
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = header.endsWith(',volume') ? new Float64Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const lineNo = i + 2;
    const cols = lines[i + 1]!.split(',');
    if (cols.length < 5) throw new CandleFileError(name, lineNo, `expected at least 5 columns, got ${cols.length}`);
    time[i] = parseNumber(cols[0], name, lineNo, 'timestamp_ms');
    open[i] = parseNumber(cols[1], name, lineNo, 'open');
    high[i] = parseNumber(cols[2], name, lineNo, 'high');
    low[i] = parseNumber(cols[3], name, lineNo, 'low');
    close[i] = parseNumber(cols[4], name, lineNo, 'close');
    if (volume) {
      volume[i] = parseNumber(cols[5], name, lineNo, 'volume');
      if (volume[i]! < 0) throw new CandleFileError(name, lineNo, 'volume must not be negative');
    }
    if (!(low[i]! > 0)) throw new CandleFileError(name, lineNo, 'low must be greater than zero');
    if (low[i]! > Math.min(open[i]!, close[i]!) || high[i]! < Math.max(open[i]!, close[i]!)) {
      throw new CandleFileError(name, lineNo, 'prices must satisfy low ≤ open, close ≤ high');
    }
    if (i > 0 && !(time[i]! > time[i - 1]!)) {
      throw new CandleFileError(name, lineNo, `timestamp ${time[i]} is not after the previous row's ${time[i - 1]} (rows must be sorted, no duplicates)`);
    }
  }
  const intervalMs = detectIntervalMs(time);
  if (intervalMs % 60_000 !== 0) throw new CandleFileError(name, null, `bar interval of ${intervalMs} ms is not a whole number of minutes`);
  const gaps: CandleSeries['gaps'] = [];
  for (let i = 1; i < n; i++) {
    const step = time[i]! - time[i - 1]!;
    if (step === intervalMs) continue;
    if (step % intervalMs !== 0) throw new CandleFileError(name, i + 2, `timestamp is off the ${intervalMs / 60_000}-minute bar grid`);
    const missing = step / intervalMs - 1;
    if (!options.allowGaps) {
      throw new CandleFileError(name, i + 2, `gap of ${missing} missing bar(s) before this row (pass --allow-gaps to treat it as an outage)`);
    }
    gaps.push({ afterTime: time[i - 1]!, missingBars: missing });
  }
  return { name, intervalMin: intervalMs / 60_000, time, open, high, low, close, ...(volume ? { volume } : {}), gaps };
}

/** Lowest low and highest high of bars from..to (inclusive): how far a window of bars moved either way. */
export function lowHighOver(series: CandleSeries, from: number, to: number): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = from; j <= to; j++) {
    lo = Math.min(lo, series.low[j]!);
    hi = Math.max(hi, series.high[j]!);
  }
  return { lo, hi };
}

/** Most common spacing between consecutive rows: robust to a few gaps. */
function detectIntervalMs(time: Float64Array): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < time.length; i++) {
    const d = time[i]! - time[i - 1]!;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = -1;
  for (const [d, c] of counts) if (c > bestCount || (c === bestCount && d < best)) [best, bestCount] = [d, c];
  return best;
}

export function readCandleFile(file: string, options: { allowGaps?: boolean } = {}): CandleSeries {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (e) {
    throw new CandleFileError(file, null, `cannot read (${(e as Error).message})`);
  }
  return parseCandleCsv(text, basename(file), options);
}

export interface FundingSeries {
  time: Float64Array;
  rate: Float64Array;
}

export function parseFundingCsv(text: string, name: string): FundingSeries {
  const lines = splitLines(text);
  if (!/^timestamp_ms,funding_rate$/.test((lines[0] ?? '').trim().toLowerCase())) {
    throw new CandleFileError(name, 1, 'header must be "timestamp_ms,funding_rate"');
  }
  const n = lines.length - 1;
  const time = new Float64Array(n);
  const rate = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cols = lines[i + 1]!.split(',');
    time[i] = parseNumber(cols[0], name, i + 2, 'timestamp_ms');
    rate[i] = parseNumber(cols[1], name, i + 2, 'funding_rate');
    if (i > 0 && !(time[i]! > time[i - 1]!)) throw new CandleFileError(name, i + 2, 'timestamps must increase');
  }
  return { time, rate };
}

export function readFundingFile(file: string): FundingSeries {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (e) {
    throw new CandleFileError(file, null, `cannot read (${(e as Error).message})`);
  }
  return parseFundingCsv(text, basename(file));
}
