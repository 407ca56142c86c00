// Tier tables of the danger backtests (scripts/danger-eval.ts, scripts/danger-eval-cross.ts).
import { readFileSync } from 'node:fs';
import type { Tier } from '../src/domain/contracts';

/** Binance brackets for the symbols the demo ships (BTC, ETH). */
const DEMO_TIERS = (JSON.parse(readFileSync('resources/demo/tiers.json', 'utf8')) as { tiers: Record<string, Tier[]> }).tiers;
/** Alts: one bracket at 1 % maintenance up to 50x (an assumption; the shared data has BTC/ETH brackets only). */
const ALT_TIERS: Tier[] = [{ floor: '0', cap: '5000000', maintenanceRate: '0.01', maintenanceAmount: '0', maxLeverage: '50' }];

/** The symbol's real brackets when the repository has them. */
export function hasRealTiers(symbol: string): boolean {
  return DEMO_TIERS[symbol] !== undefined;
}

export function tiersFor(symbol: string): Tier[] {
  return DEMO_TIERS[symbol] ?? ALT_TIERS;
}
