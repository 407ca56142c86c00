// Candle files for the forecast scripts: listing by folder, and parsed series cached as raw Float64
// arrays (parsing a gzipped month costs more than reading five arrays back). Paths always come from
// the command line; nothing here knows where the data lives.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readCandleFile, type CandleSeries } from '../src/backtest/candles';

export function candleFiles(dirs: string[], match: string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    for (const name of readdirSync(d).sort()) {
      if (!/\.csv(\.gz)?$/.test(name) || !/_(1m|5m|15m|1h)[_.]/.test(name) || /funding|markprice_1h|spot_.*_1h|perp_1h/.test(name)) continue;
      if (match.length > 0 && !match.some((m) => name.includes(m))) continue;
      const full = join(d, name);
      if (statSync(full).isFile()) out.push(full);
    }
  }
  return out;
}

/** Parsed candles, cached as raw Float64 arrays keyed by file name, size and mtime. */
export function loadSeries(file: string, cacheDir: string | null): CandleSeries {
  const allowGaps = /spot_.*_5m_2020/.test(file);
  if (!cacheDir) return readCandleFile(file, { allowGaps });
  const st = statSync(file);
  const key = join(cacheDir, `${basename(file)}.${st.size}.${Math.floor(st.mtimeMs)}.bin`);
  if (existsSync(key)) {
    const buf = readFileSync(key);
    const headerLen = buf.readUInt32LE(0);
    const head = JSON.parse(buf.subarray(4, 4 + headerLen).toString('utf8')) as { name: string; intervalMin: number; n: number; gaps: CandleSeries['gaps'] };
    const off = 4 + headerLen + ((8 - ((4 + headerLen) % 8)) % 8);
    const all = new Float64Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + head.n * 5 * 8));
    const col = (k: number): Float64Array => all.slice(k * head.n, (k + 1) * head.n);
    return { name: head.name, intervalMin: head.intervalMin, time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), gaps: head.gaps };
  }
  const s = readCandleFile(file, { allowGaps });
  mkdirSync(cacheDir, { recursive: true });
  const header = Buffer.from(JSON.stringify({ name: s.name, intervalMin: s.intervalMin, n: s.time.length, gaps: s.gaps }), 'utf8');
  const pad = (8 - ((4 + header.length) % 8)) % 8;
  const lenBuf = Buffer.alloc(4);
  lenBuf.writeUInt32LE(header.length);
  const body = Buffer.alloc(s.time.length * 5 * 8);
  [s.time, s.open, s.high, s.low, s.close].forEach((arr, k) => Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).copy(body, k * s.time.length * 8));
  writeFileSync(key, Buffer.concat([lenBuf, header, Buffer.alloc(pad), body]));
  return s;
}
