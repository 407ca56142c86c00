// The headless (Node) vault: AES-256-GCM with a key from the OS keyring, the environment or a key file.
import { vaultKeyFile } from '../paths';
import { open, seal } from './aesGcm';
import { keyFromEnv, keyFromFile, keyFromKeyring } from './keySources';
import type { SecretVault } from './vault';

export interface HeadlessVaultOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Try the desktop keyring first (default true). Tests turn it off to stay hermetic. */
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

export async function openHeadlessVault(options: HeadlessVaultOptions): Promise<SecretVault> {
  const env = options.env ?? process.env;
  if (options.useKeyring !== false) {
    const key = await keyFromKeyring(env);
    if (key) return new AesGcmVault('os-keyring', key);
  }
  const envKey = keyFromEnv(env);
  if (envKey) return new AesGcmVault('env', envKey);
  return new AesGcmVault('key-file', keyFromFile(vaultKeyFile(options.dataDir)));
}
