import { describe, expect, it } from 'vitest';
import { widenedPermissions } from '../../src/service/keyAudit';

const readOnly = { read: true, trade: false, withdraw: false };

describe('key permission audit', () => {
  it('names what a key gained since its baseline, and only that', () => {
    expect(widenedPermissions(readOnly, readOnly)).toBeNull();
    expect(widenedPermissions(readOnly, { ...readOnly, trade: true })).toMatch(/now has trading enabled/);
    expect(widenedPermissions(readOnly, { read: true, trade: true, withdraw: true })).toMatch(/withdrawals and trading/);
    // Already allowed at the baseline (the trader accepted the trading warning): nothing new.
    expect(widenedPermissions({ ...readOnly, trade: true }, { ...readOnly, trade: true })).toBeNull();
    // Unknown (venue does not say) is not treated as a change.
    expect(widenedPermissions(readOnly, { read: true, trade: null, withdraw: null })).toBeNull();
  });
});
