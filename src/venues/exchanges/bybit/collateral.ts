// Bybit UTA (cross margin): wallet coins + tiered collateral-value ratios + the collateral switch →
// collateral[] (issue 16). Pure. Every coin is valued in USD at usdValue / equity (Bybit's USD index),
// its positive balance sliced by the coin's tiers (GET /v5/spot-margin-trade/collateral:
// collateralRatioList minQty/maxQty in coin, "" = no cap), a negative balance in full; a coin the
// user switched off (GET /v5/account/collateral-info collateralSwitch=false) or the platform does not
// accept (marginCollateral=false) counts 0. docs/ENGINE.md "Collateral".
import Decimal from 'decimal.js';
import type { Collateral, CollateralTier } from '../../../domain/contracts';
import { decimalField, decimalOf, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';

type Row = Record<string, unknown>;

function list(value: unknown, path: string): Row[] {
  if (!Array.isArray(value)) throw new VenueFailure('malformed-payload', `exchange sent no list at ${path}`);
  return value as Row[];
}

/** collateralRatioList rows → tiers (sorted, contiguous as Bybit sends them). */
export function bybitCollateralTiers(rows: readonly Row[], path: string): CollateralTier[] {
  return rows
    .map((r, i) => {
      const max =
        r.maxQty === '' || r.maxQty === undefined
          ? undefined
          : decimalField(r.maxQty, `${path}[${i}].maxQty`);
      return {
        floor: decimalField(r.minQty, `${path}[${i}].minQty`),
        ...(max === undefined ? {} : { cap: max }),
        ratio: decimalField(r.collateralRatio, `${path}[${i}].collateralRatio`),
      };
    })
    .sort((a, b) => new Decimal(a.floor).cmp(b.floor));
}

/**
 * `wallet` = /v5/account/wallet-balance result.list[0]; `tiers` = /v5/spot-margin-trade/collateral
 * result.list; `info` = /v5/account/collateral-info result.list (optional). The snapshot's cross
 * wallet is then 0: every coin, the settle coin included, is an entry valued in USD.
 */
export function bybitUtaCollateral(
  wallet: Row,
  tiers: readonly Row[],
  info: readonly Row[] = [],
): Collateral[] {
  const coins = list(wallet.coin, 'wallet.coin');
  const out: Collateral[] = [];
  coins.forEach((row, i) => {
    const at = `wallet.coin[${i}]`;
    const coin = stringField(row.coin, `${at}.coin`);
    const amount = decimalField(row.walletBalance, `${at}.walletBalance`);
    if (new Decimal(amount).isZero()) return;
    const equity = decimalOf(row.equity, `${at}.equity`);
    const usd = decimalOf(row.usdValue, `${at}.usdValue`);
    if (equity.isZero())
      throw new VenueFailure('malformed-payload', `${at}.equity is 0 with a wallet balance: no USD price`);
    const price = usd.div(equity);
    if (!price.isPositive())
      throw new VenueFailure('malformed-payload', `${at}.usdValue/equity gives no positive USD price`);
    const k = tiers.findIndex((t) => t.currency === coin);
    const switchRow = info.find((r) => r.currency === coin);
    const counts =
      switchRow === undefined ||
      (switchRow.collateralSwitch !== false && switchRow.marginCollateral !== false);
    out.push({
      asset: coin,
      amount,
      price: price.toFixed(),
      haircut: '0',
      ...(k >= 0
        ? {
            tiers: bybitCollateralTiers(
              list(tiers[k]!.collateralRatioList, `collateral[${coin}].collateralRatioList`),
              `collateral[${coin}].collateralRatioList`,
            ),
            tierBasis: 'amount' as const,
          }
        : {}),
      ...(counts ? {} : { collateralSwitch: false }),
    });
  });
  return out;
}
