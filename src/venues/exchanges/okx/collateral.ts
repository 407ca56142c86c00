// OKX multi-currency margin: account balance details + discount-rate tiers → collateral[] (issue 16).
// Pure. Each currency is valued in USD at eqUsd / eq; its positive cash balance is sliced by the
// discount tiers of GET /api/v5/public/discount-rate-interest-free-quota (details minAmt/maxAmt in the
// currency, "" = no cap; beyond the last cap `minDiscountRate` when given). docs/ENGINE.md "Collateral".
import Decimal from 'decimal.js';
import type { Collateral, CollateralTier } from '../../../domain/contracts';
import { decimalField, decimalOf, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';

type Row = Record<string, unknown>;

export function okxDiscountTiers(row: Row, path: string): CollateralTier[] {
  const details = row.details;
  if (!Array.isArray(details))
    throw new VenueFailure('malformed-payload', `exchange sent no list at ${path}.details`);
  const tiers: CollateralTier[] = (details as Row[])
    .map((d, i) => {
      const max =
        d.maxAmt === '' || d.maxAmt === undefined
          ? undefined
          : decimalField(d.maxAmt, `${path}.details[${i}].maxAmt`);
      return {
        floor: decimalField(d.minAmt, `${path}.details[${i}].minAmt`),
        ...(max === undefined ? {} : { cap: max }),
        ratio: decimalField(d.discountRate, `${path}.details[${i}].discountRate`),
      };
    })
    .sort((a, b) => new Decimal(a.floor).cmp(b.floor));
  const last = tiers[tiers.length - 1];
  if (last?.cap !== undefined && typeof row.minDiscountRate === 'string' && row.minDiscountRate !== '')
    tiers.push({ floor: last.cap, ratio: decimalField(row.minDiscountRate, `${path}.minDiscountRate`) });
  return tiers;
}

/**
 * `balance` = /api/v5/account/balance data[0]; `discounts` = the discount-rate endpoint's data. The
 * snapshot's cross wallet is then 0: every currency is an entry valued in USD.
 */
export function okxMultiCurrencyCollateral(balance: Row, discounts: readonly Row[]): Collateral[] {
  const details = balance.details;
  if (!Array.isArray(details))
    throw new VenueFailure('malformed-payload', 'exchange sent no list at balance.details');
  const out: Collateral[] = [];
  (details as Row[]).forEach((row, i) => {
    const at = `balance.details[${i}]`;
    const ccy = stringField(row.ccy, `${at}.ccy`);
    const amount = decimalField(row.cashBal, `${at}.cashBal`);
    if (new Decimal(amount).isZero()) return;
    const eq = decimalOf(row.eq, `${at}.eq`);
    if (eq.isZero())
      throw new VenueFailure('malformed-payload', `${at}.eq is 0 with a cash balance: no USD price`);
    const price = decimalOf(row.eqUsd, `${at}.eqUsd`).div(eq);
    if (!price.isPositive())
      throw new VenueFailure('malformed-payload', `${at}.eqUsd/eq gives no positive USD price`);
    const k = discounts.findIndex((d) => d.ccy === ccy);
    out.push({
      asset: ccy,
      amount,
      price: price.toFixed(),
      haircut: '0',
      ...(k >= 0
        ? { tiers: okxDiscountTiers(discounts[k]!, `discount[${ccy}]`), tierBasis: 'amount' as const }
        : {}),
    });
  });
  return out;
}
