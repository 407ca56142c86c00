// The headless (Node) vault: AES-256-GCM with a key from the OS keyring, the environment or a key file.
import { vaultKeyFile } from '../paths';
import { open, seal } from './aesGcm';
import { keyFileExists, keyFromEnv, keyFromFile, keyFromKeyring } from './keySources';
import type { SecretVault } from './vault';

export interface HeadlessVaultOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Try the desktop keyring first (default: yes unless MARGINWATCH_NO_KEYRING=1). */
  useKeyring?: boolean;
}

class AesGcmVault implements SecretVault {
  readonly encrypted = true;
  constructor(
    readonly backend: string,
    private readonly key: Buffer,
  ) {}
  async encrypt(plain: string): Promise<Buffer> {
    return seal(this.key, plain);
  }
  async decrypt(blob: Buffer): Promise<string> {
    return open(this.key, blob);
  }
}

/**
 * Order (the brief's): OS keyring, MARGINWATCH_VAULT_KEY, 0600 key file. A key that already exists
 * wins over creating a new one, so secrets stay decryptable when, say, a keyring appears later.
 */
export async function openHeadlessVault(options: HeadlessVaultOptions): Promise<SecretVault> {
  const env = options.env ?? process.env;
  const file = vaultKeyFile(options.dataDir);
  const keyring = options.useKeyring ?? env.MARGINWATCH_NO_KEYRING !== '1';
  if (keyring) {
    const existing = await keyFromKeyring(env, false);
    if (existing) return new AesGcmVault('os-keyring', existing);
  }
  const envKey = keyFromEnv(env);
  if (envKey) return new AesGcmVault('env', envKey);
  if (keyFileExists(file)) return new AesGcmVault('key-file', keyFromFile(file));
  if (keyring) {
    const created = await keyFromKeyring(env, true);
    if (created) return new AesGcmVault('os-keyring', created);
  }
  return new AesGcmVault('key-file', keyFromFile(file));
}
