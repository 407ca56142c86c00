// Binance USDⓈ-M Multi-Assets mode: account asset rows + the asset index → collateral[] (issue 16).
// Pure. Every non-settle asset with a cross wallet counts at its index with the bid buffer as the
// haircut (bidRate = index × (1 − bidBuffer), GET /fapi/v1/assetIndex docs example); a negative
// balance counts in full at the ask rate (index × (1 + askBuffer)). The settle asset (USDT) stays the
// snapshot's crossWalletBalance. docs/ENGINE.md "Collateral".
import Decimal from 'decimal.js';
import type { Collateral } from '../../../domain/contracts';
import { decimalField, decimalOf, stringField } from '../shared/decimals';
import { VenueFailure } from '../shared/errors';

type Row = Record<string, unknown>;

export interface BinanceCollateral {
  /** The settle asset's own cross wallet (excludes every other asset). */
  crossWalletBalance: string;
  collateral: Collateral[];
}

/**
 * `account` = GET /fapi/v2/account, `assetIndex` = GET /fapi/v1/assetIndex (all symbols). null when
 * the account holds no other asset (single-asset mode: nothing to value).
 */
export function binanceMultiAssetsCollateral(
  account: Row,
  assetIndex: readonly Row[],
  settleAsset = 'USDT',
): BinanceCollateral | null {
  const assets = account.assets;
  if (!Array.isArray(assets))
    throw new VenueFailure('malformed-payload', 'exchange sent no list at account.assets');
  let settle = '0';
  const collateral: Collateral[] = [];
  (assets as Row[]).forEach((row, i) => {
    const asset = stringField(row.asset, `account.assets[${i}].asset`);
    const amount = decimalField(row.crossWalletBalance, `account.assets[${i}].crossWalletBalance`);
    if (asset === settleAsset) {
      settle = amount;
      return;
    }
    if (new Decimal(amount).isZero()) return;
    const k = assetIndex.findIndex((r) => r.symbol === `${asset}USD`);
    if (k < 0)
      throw new VenueFailure(
        'malformed-payload',
        `assetIndex has no ${asset}USD row for the ${asset} collateral`,
      );
    const at = `assetIndex[${k}]`;
    const index = decimalField(assetIndex[k]!.index, `${at}.index`);
    const negative = new Decimal(amount).isNegative();
    collateral.push(
      negative
        ? {
            asset,
            amount,
            price: decimalOf(index, `${at}.index`)
              .times(new Decimal(1).plus(decimalOf(assetIndex[k]!.askBuffer, `${at}.askBuffer`)))
              .toFixed(),
            haircut: '0',
          }
        : { asset, amount, price: index, haircut: decimalField(assetIndex[k]!.bidBuffer, `${at}.bidBuffer`) },
    );
  });
  return collateral.length === 0 ? null : { crossWalletBalance: settle, collateral };
}
