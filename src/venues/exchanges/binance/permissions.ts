// Reads what a Binance key may do (GET /sapi/v1/account/apiRestrictions on the spot host) and
// proves it can read the futures account. Binance: enableReading = read; enableFutures and the
// *Trading flags = trading; enableWithdrawals = withdrawals.
import { USER_MESSAGES, VenueFailure } from '../shared/errors';
import type { BinanceClient } from './client';

export interface KeyCheck {
  ok: boolean;
  permissions: { read: boolean; trade: boolean | null; withdraw: boolean | null };
  verdict: 'ok' | 'warn-trading' | 'refuse-withdraw' | 'invalid';
  message: string;
}

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
  if (!restrictions) {
    return {
      ok: true,
      permissions: { read: true, trade: null, withdraw: null },
      verdict: 'warn-trading',
      message: 'The key can read the futures account, but Binance did not tell us its other permissions. Make sure trading and withdrawals are disabled on it.',
    };
  }
  const flag = (name: string): boolean => restrictions?.[name] === true || restrictions?.[name] === 'true';
  const trade = TRADE_FLAGS.some(flag);
  const withdraw = flag('enableWithdrawals');
  // Reading was proven by the probe above.
  const permissions = { read: true, trade, withdraw };
  if (withdraw) {
    return { ok: false, permissions, verdict: 'refuse-withdraw', message: 'This key can WITHDRAW funds. MarginWatch refuses it: create a read-only key (only "Enable Reading").' };
  }
  if (trade) {
    return {
      ok: true,
      permissions,
      verdict: 'warn-trading',
      message: 'WARNING: this key can TRADE. MarginWatch only reads; a leaked trading key can lose money. Prefer a key with only "Enable Reading".',
    };
  }
  return { ok: true, permissions, verdict: 'ok', message: 'Read-only key accepted.' };
}
