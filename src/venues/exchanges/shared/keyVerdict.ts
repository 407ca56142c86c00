// One rule for every venue: withdrawal rights are refused, trading rights are warned about loudly,
// read-only is accepted.
export interface KeyCheck {
  ok: boolean;
  permissions: { read: boolean; trade: boolean | null; withdraw: boolean | null };
  verdict: 'ok' | 'warn-trading' | 'refuse-withdraw' | 'invalid';
  message: string;
}

export function keyVerdict(venue: string, trade: boolean | null, withdraw: boolean | null): KeyCheck {
  const permissions = { read: true, trade, withdraw };
  if (withdraw) {
    return { ok: false, permissions, verdict: 'refuse-withdraw', message: `This ${venue} key can WITHDRAW funds. MarginWatch refuses it: create a read-only key.` };
  }
  if (trade !== false) {
    return {
      ok: true,
      permissions,
      verdict: 'warn-trading',
      message:
        trade === null
          ? `WARNING: ${venue} did not tell us whether this key can trade. MarginWatch only reads; make sure trading and withdrawals are disabled on it.`
          : 'WARNING: this key can TRADE. MarginWatch only reads; a leaked trading key can lose money. Prefer a read-only key.',
    };
  }
  return { ok: true, permissions, verdict: 'ok', message: 'Read-only key accepted.' };
}

export function invalidKey(message: string): KeyCheck {
  return { ok: false, permissions: { read: false, trade: null, withdraw: null }, verdict: 'invalid', message };
}
