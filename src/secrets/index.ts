export type { SecretVault } from './vault';
export { VaultError } from './vault';
export { openHeadlessVault, type HeadlessVaultOptions } from './headlessVault';
export { VAULT_KEY_ENV } from './keySources';
export { sealVenueSecret, loadVenueSecret } from './accountSecrets';
