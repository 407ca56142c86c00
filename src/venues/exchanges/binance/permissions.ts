// Reads what a Binance key may do (GET /sapi/v1/account/apiRestrictions on the spot host) and
// proves it can read the futures account. Binance: enableReading = read; enableFutures and the
// *Trading flags = trading; enableWithdrawals = withdrawals.
import { USER_MESSAGES, VenueFailure } from '../shared/errors';
import type { BinanceClient } from './client';

import { keyVerdict, type KeyCheck } from '../shared/keyVerdict';

export type { KeyCheck };

const TRADE_FLAGS = ['enableFutures', 'enableSpotAndMarginTrading', 'enableMargin', 'enableVanillaOptions', 'enablePortfolioMarginTrading', 'enableFixApiTrade'];

export async function checkBinanceKey(client: BinanceClient, readProbe: () => Promise<unknown>): Promise<KeyCheck> {
  let restrictions: Record<string, unknown> | null = null;
  try {
    await readProbe();
  } catch (error) {
    const failure = error instanceof VenueFailure ? error : new VenueFailure('unknown', USER_MESSAGES.unknown);
    if (failure.code === 'invalid-key' || failure.code === 'permission-denied') {
      return { ok: false, permissions: { read: false, trade: null, withdraw: null }, verdict: 'invalid', message: failure.message };
    }
    throw failure;
  }
  try {
    restrictions = (await client.call('sapiGetAccountApiRestrictions', 0)) as Record<string, unknown>;
  } catch (error) {
    // Some keys (sub-accounts, testnets) cannot read restrictions: say so instead of guessing.
    if (!(error instanceof VenueFailure)) throw error;
  }
  if (!restrictions) return keyVerdict('Binance', null, null);
  const flag = (name: string): boolean => restrictions?.[name] === true || restrictions?.[name] === 'true';
  return keyVerdict('Binance', TRADE_FLAGS.some(flag), flag('enableWithdrawals'));
}
