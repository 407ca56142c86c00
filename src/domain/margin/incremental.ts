// Incremental engine for the mark-price stream: one symbol's mark moves, only that symbol's positions
// are revalued and their bucket totals adjusted (O(positions of the symbol) + O(buckets)), and the
// account figures the alert reducer needs come straight from the totals. The full report (every
// liquidation and trigger price, which all depend on the totals) is built on demand.
import type { AccountReport, AccountSnapshot, EngineOptions, MarginReport } from '../contracts';
import { ContractError } from '../contracts';
import { Dec, plain } from './decimal';
import { resolveOptions } from './options';
import { accountReport, reportFromState } from './report';
import { buildState, moveMark } from './state';

export interface IncrementalEngine {
  /** Moves one symbol's mark; returns the account figures (false-y symbol → ContractError). */
  updateMark(symbol: string, price: string): AccountReport;
  /** Current account figures without a change. */
  account(): AccountReport;
  /** Full MarginReport at the current marks. */
  report(): MarginReport;
  /** The snapshot with the current marks (for persisting or re-running elsewhere). */
  snapshot(): AccountSnapshot;
}

export function createIncrementalEngine(
  snapshot: AccountSnapshot,
  options?: EngineOptions,
): IncrementalEngine {
  const opts = resolveOptions(options);
  const state = buildState(snapshot);
  const marks = new Map<string, string>();
  const currentSnapshot = (): AccountSnapshot => ({
    ...snapshot,
    positions: snapshot.positions.map((p) => {
      const mark = marks.get(p.symbol);
      return mark === undefined ? p : { ...p, markPrice: mark };
    }),
  });
  return {
    updateMark(symbol, price) {
      let value: Dec;
      try {
        value = new Dec(price);
      } catch {
        throw new ContractError('price', 'must be a decimal string');
      }
      if (!value.isFinite() || !value.isPositive() || value.isZero())
        throw new ContractError('price', 'must be greater than zero');
      if (!moveMark(state, symbol, value)) throw new ContractError('symbol', `no position in ${symbol}`);
      marks.set(symbol, plain(value));
      return accountReport(state, opts);
    },
    account: () => accountReport(state, opts),
    // Warnings describe the current marks only, so the full report starts from a fresh state.
    report: () => reportFromState(buildState(currentSnapshot()), opts),
    snapshot: () => ({
      ...snapshot,
      positions: snapshot.positions.map((p) =>
        marks.has(p.symbol) ? { ...p, markPrice: marks.get(p.symbol)! } : p,
      ),
    }),
  };
}
