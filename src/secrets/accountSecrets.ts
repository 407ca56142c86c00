// Stores and loads an account's VenueSecret through a SecretVault: JSON → encrypted blob → SQLite.
import type { AccountStore } from '../store/accountStore';
import { venueSecretSchema, type VenueSecret } from '../venues/exchanges/secret';
import { VaultError, type SecretVault } from './vault';

export async function sealVenueSecret(vault: SecretVault, secret: VenueSecret): Promise<{ backend: string; blob: Buffer }> {
  return { backend: vault.backend, blob: await vault.encrypt(JSON.stringify(secret)) };
}

/** The account's secret, or null for accounts that need none (Hyperliquid, demo). */
export async function loadVenueSecret(store: AccountStore, vault: SecretVault, accountId: string): Promise<VenueSecret | null> {
  const stored = store.secretBlob(accountId);
  if (!stored) return null;
  if (stored.backend !== vault.backend) {
    throw new VaultError(`this account's key was encrypted with the "${stored.backend}" vault, but the current vault is "${vault.backend}"; re-add the account or restore that key`);
  }
  const parsed = venueSecretSchema.safeParse(JSON.parse(await vault.decrypt(stored.blob)));
  if (!parsed.success) throw new VaultError('stored account secret is not in the expected format');
  return parsed.data;
}
