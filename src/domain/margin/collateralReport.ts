// The account report's collateral breakdown and the reason collateral moves the account's risk
// (wrong-way risk), for the account detail, the danger strip and advice. Emitted only when the
// snapshot has collateral, so reports of accounts without it are unchanged.
import type { CollateralRisk, CollateralValuation } from '../contracts';
import { collateralValueAt, effectiveHaircut } from './collateral';
import { Dec, ZERO, printWith } from './decimal';
import type { CollateralState, EngineState } from './state';

const ONE_PERCENT_DOWN = new Dec('0.99');

/** Net signed exposure of the cross account to `symbol`'s price: > 0 loses when the price falls. */
function crossExposure(state: EngineState, symbol: string): Dec {
  let net = ZERO;
  for (const p of state.bySymbol.get(symbol) ?? []) {
    if (p.bucket !== state.cross || p.position.option) continue;
    // Linear long and inverse long both lose when the price falls.
    net = p.sign === 1 ? net.plus(p.qty) : net.minus(p.qty);
  }
  return net;
}

function riskOf(state: EngineState, c: CollateralState): CollateralRisk | null {
  if (c.linkedSymbol === null || !c.rule.amount.isPositive() || c.value.isZero()) return null;
  const change = collateralValueAt(c.rule, c.price.times(ONE_PERCENT_DOWN)).minus(c.value);
  const asset = c.rule.entry.asset;
  const exposure = crossExposure(state, c.linkedSymbol);
  const wrongWay = exposure.isPositive() && !exposure.isZero();
  return {
    asset,
    symbol: c.linkedSymbol,
    kind: wrongWay ? 'wrong-way' : 'collateral-moves',
    valuePerPercentFall: printWith(state.rulebook.print, change),
    reason: wrongWay
      ? `your ${asset} collateral covers less as ${asset} falls, while your ${c.linkedSymbol} long loses too`
      : `your ${asset} collateral covers less as ${asset} falls`,
  };
}

export function collateralReport(state: EngineState): {
  collateral?: CollateralValuation[];
  collateralRisk?: CollateralRisk[];
} {
  if (state.collateral.length === 0) return {};
  const print = (d: Dec): string => printWith(state.rulebook.print, d);
  const collateral = state.collateral.map((c) => ({
    asset: c.rule.entry.asset,
    amount: c.rule.entry.amount,
    price: print(c.price),
    value: print(c.value),
    haircut: print(effectiveHaircut(c.rule, c.price, c.value)),
    linkedSymbol: c.linkedSymbol,
  }));
  const collateralRisk = state.collateral
    .map((c) => riskOf(state, c))
    .filter((r): r is CollateralRisk => r !== null);
  return { collateral, collateralRisk };
}
