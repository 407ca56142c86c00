// Live cross-check: the adapter passes on what Binance reports; when Binance's liquidation price is
// far from the engine's, computeMarginReport records a discrepancy for that position.
import Decimal from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { computeMarginReport } from '../../../src/domain/margin';
import { API_KEY, startHarness, type Harness } from './binanceHarness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('live cross-check against the engine', () => {
  it('a reported liquidation price far from the engine\'s produces a discrepancy record', async () => {
    h = await startHarness();
    const row = h.server.account(API_KEY).positions[0]!;
    // What the engine makes of the captured account, and Binance's own figure 20 % away from it.
    const baseline = computeMarginReport(await h.session.fetchSnapshot());
    const ours = baseline.positions[0]!.liquidationPrice;
    expect(ours).not.toBeNull();
    row.liquidationPrice = new Decimal(ours!).times('0.8').toFixed(8);
    const snapshot = await h.session.fetchSnapshot();
    expect(snapshot.positions[0]!.reported?.liquidationPrice).toBe(new Decimal(row.liquidationPrice).toFixed());
    const report = computeMarginReport(snapshot);
    const d = report.positions[0]!.discrepancy;
    expect(d).not.toBeNull();
    expect(d!.field).toBe('liquidationPrice');
    expect(d!.venue).toBe(snapshot.positions[0]!.reported!.liquidationPrice);
    expect(Number(d!.relative)).toBeGreaterThan(0.2);
  });

  it('Binance "0" (no liquidation price) is passed on, so the engine can flag a disagreement', async () => {
    h = await startHarness();
    h.server.account(API_KEY).positions[0]!.liquidationPrice = '0';
    const snapshot = await h.session.fetchSnapshot();
    expect(snapshot.positions[0]!.reported?.liquidationPrice).toBe('0');
    const report = computeMarginReport(snapshot);
    const d = report.positions[0]!.discrepancy;
    // The engine finds a liquidation price for this leveraged long, Binance says none: flagged.
    expect(report.positions[0]!.liquidationPrice).not.toBeNull();
    expect(d?.field).toBe('liquidationPrice');
    expect(d?.venue).toBe('0');
  });
});
