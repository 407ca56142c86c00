// "Would MarginWatch have warned me?": the replay over the shipped demo crash tape
// (resources/demo, Binance 2021-05-19 04:00–16:00 UTC), for the What-if view's panel.
import type { AlertSettings } from '../domain/alerts/settings';
import { loadDemoTapes, loadDemoTiers } from '../venues/demo/session';
import { hedgePairSnapshot } from './book';
import { runReplay, type ReplayForecaster } from './run';
import type { DemoReplayResult } from '../api/messages';

export interface DemoReplayParams {
  symbol: 'BTCUSDT' | 'ETHUSDT';
  leverage: number;
  sides: ('long' | 'short')[];
  /** Minutes after the tape's replay start (10:00 UTC) to open the positions. */
  openAfterMin: number;
}


export function runDemoReplay(
  resourcesDir: string,
  p: DemoReplayParams,
  settings: AlertSettings,
  engine: { targetMarginRatio: string; triggerLevels: readonly string[] },
  forecaster: ReplayForecaster,
): DemoReplayResult {
  const tape = loadDemoTapes(resourcesDir)[p.symbol];
  if (!tape) throw new Error(`no demo tape for ${p.symbol}`);
  const openIndex = tape.replayFrom + Math.round(p.openAfterMin);
  const open = tape.candles[openIndex];
  if (!open) throw new Error(`openAfterMin ${p.openAfterMin} is past the end of the demo tape`);
  const tiers = loadDemoTiers(resourcesDir)[p.symbol] ?? [];
  const snapshot = hedgePairSnapshot({ symbol: p.symbol, price: open.open, leverage: p.leverage, atMs: open.time, tiers, sides: p.sides });
  const lines: DemoReplayResult['lines'] = [];
  const summary = runReplay({ snapshot, symbol: p.symbol, candles: tape.candles, intervalMin: 1, fromMs: open.time, settings, engine, forecaster, accountName: 'Replay' }, (line) => {
    if (line.kind !== 'summary') lines.push(line);
  });
  return { symbol: p.symbol, leverage: p.leverage, from: new Date(open.time).toISOString(), lines, summary };
}
