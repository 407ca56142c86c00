// The Hyperliquid docs example account (test/fixtures/captured) and a meta/assetCtxs answer
// consistent with it: ETH max leverage 50 (as in the 2024 example), mark = positionValue / szi.
import { readFixtureJson } from '../../fixtures';
import { num } from '../shared/jsonText';

export const HL_WALLET = '0x5e9ee1089755c3435139848e47e6635505d5a13a';

export function capturedClearinghouseState(): Record<string, unknown> {
  const doc = readFixtureJson<{ response: Record<string, unknown> }>('captured/hyperliquid_clearinghouseState_docs_example.json');
  // Hyperliquid sends leverage.value and maxLeverage as bare numbers, as in the capture.
  const state = structuredClone(doc.response) as { assetPositions: Array<{ position: { leverage: { value: unknown }; maxLeverage: unknown } }> };
  for (const p of state.assetPositions) {
    p.position.leverage.value = num(String(p.position.leverage.value));
    p.position.maxLeverage = num(String(p.position.maxLeverage));
  }
  return state as unknown as Record<string, unknown>;
}

export function metaAndAssetCtxs(): [unknown, unknown[]] {
  return [
    {
      universe: [
        { name: 'BTC', szDecimals: num('5'), maxLeverage: num('40'), marginTableId: num('56') },
        { name: 'ETH', szDecimals: num('4'), maxLeverage: num('50'), marginTableId: num('50') },
      ],
      marginTables: [
        [num('50'), { description: '', marginTiers: [{ lowerBound: '0.0', maxLeverage: num('50') }] }],
        [
          num('56'),
          {
            description: 'tiered 40x',
            marginTiers: [
              { lowerBound: '0.0', maxLeverage: num('40') },
              { lowerBound: '150000000.0', maxLeverage: num('20') },
            ],
          },
        ],
      ],
    },
    [
      { funding: '0.0000125', openInterest: '1000', prevDayPx: '60000.0', dayNtlVlm: '1', premium: '0.0', oraclePx: '60000.0', markPx: '60010.0', midPx: '60005.0' },
      { funding: '0.0000125', openInterest: '1000', prevDayPx: '2990.0', dayNtlVlm: '1', premium: '0.0', oraclePx: '2985.8', markPx: '2985.9', midPx: '2985.85' },
    ],
  ];
}

/** Benchmarks only: a wallet with `count` cross positions on synthetic coins. */
export function syntheticHyperliquid(count: number): { state: Record<string, unknown>; meta: [unknown, unknown[]] } {
  const universe: unknown[] = [];
  const ctxs: unknown[] = [];
  const assetPositions: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const coin = `SYN${i}`;
    const price = (100 + i * 7.5).toFixed(2);
    universe.push({ name: coin, szDecimals: num('2'), maxLeverage: num('20'), marginTableId: num('20') });
    ctxs.push({ funding: '0.0000125', markPx: price, oraclePx: price });
    assetPositions.push({
      type: 'oneWay',
      position: { coin, szi: i % 2 ? `-${1 + i}` : String(1 + i), entryPx: price, leverage: { type: 'cross', value: num('10') }, liquidationPx: null, marginUsed: '10', positionValue: '100', unrealizedPnl: '0', maxLeverage: num('20') },
    });
  }
  const summary = { accountValue: '100000', totalNtlPos: '0', totalRawUsd: '100000', totalMarginUsed: '0' };
  return {
    state: { assetPositions, crossMarginSummary: summary, marginSummary: summary, crossMaintenanceMarginUsed: '0', withdrawable: '0', time: Date.now() },
    meta: [{ universe, marginTables: [] }, ctxs],
  };
}
