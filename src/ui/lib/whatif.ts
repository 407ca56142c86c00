// Per-asset what-if inputs: the account's assets (positions' base assets, then collateral assets) and
// the whatif.run shocks they stand for. The service keys position marks by symbol and collateral by
// asset, so one asset's move is sent under its own name and under each of its positions' symbols.
import type { AccountView } from '../../api/messages';
import { baseAssetOf } from './positions';

export interface ShockAsset {
  asset: string;
  /** Position symbols whose mark follows this asset (empty for collateral-only assets). */
  symbols: string[];
  collateral: boolean;
}

/** BTCUSDT → BTC, BTC-PERPETUAL → BTC, BTCUSD_PERP (inverse) → BTC; the symbol itself when unknown. */
function assetOfSymbol(symbol: string, quote: string): string {
  const base = baseAssetOf(symbol, quote);
  if (base === null) return symbol;
  return quote && base.endsWith(quote) && base.length > quote.length ? base.slice(0, -quote.length) : base;
}

export function shockAssets(account: AccountView): ShockAsset[] {
  const byAsset = new Map<string, ShockAsset>();
  const entry = (asset: string) => {
    let found = byAsset.get(asset);
    if (!found) byAsset.set(asset, (found = { asset, symbols: [], collateral: false }));
    return found;
  };
  const settle = account.snapshot?.settleAsset ?? account.report?.settleAsset ?? '';
  for (const p of account.snapshot?.positions ?? []) {
    const symbols = entry(assetOfSymbol(p.symbol, p.contractType === 'inverse' ? 'USD' : settle)).symbols;
    if (!symbols.includes(p.symbol)) symbols.push(p.symbol);
  }
  const collateral = account.report?.account.collateral ?? account.snapshot?.collateral ?? [];
  for (const c of collateral) entry(c.asset).collateral = true;
  return [...byAsset.values()];
}

/** whatif.run shocks for per-asset percent moves (missing = 0 %). */
export function perAssetShocks(
  assets: ShockAsset[],
  percent: Record<string, number>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of assets) {
    const move = ((percent[a.asset] ?? 0) / 100).toString();
    out[a.asset] = move;
    for (const s of a.symbols) out[s] = move;
  }
  return out;
}
