// SecretVault on Electron safeStorage (OS keychain / DPAPI / libsecret or kwallet).
// Linux without a keyring falls back to 'basic_text': we report that as unencrypted.
import { safeStorage } from 'electron';
import type { SecretVault } from '../../src/secrets';
import { VaultError } from '../../src/secrets';

type AsyncSafeStorage = typeof safeStorage & {
  encryptStringAsync?: (plain: string) => Promise<Buffer>;
  decryptStringAsync?: (blob: Buffer) => Promise<{ result: string } | string>;
};

export function safeStorageVault(platform: NodeJS.Platform = process.platform): SecretVault {
  const storage = safeStorage as AsyncSafeStorage;
  if (!storage.isEncryptionAvailable())
    throw new VaultError('OS encryption is not available (safeStorage): cannot store exchange keys securely');
  const backend =
    platform === 'linux' ? storage.getSelectedStorageBackend() : platform === 'darwin' ? 'keychain' : 'dpapi';
  const encrypted = backend !== 'basic_text' && backend !== 'unknown';
  return {
    backend: `safeStorage:${backend}`,
    encrypted,
    async encrypt(plain: string): Promise<Buffer> {
      if (storage.encryptStringAsync) return storage.encryptStringAsync(plain);
      return storage.encryptString(plain);
    },
    async decrypt(blob: Buffer): Promise<string> {
      try {
        if (storage.decryptStringAsync) {
          const out = await storage.decryptStringAsync(blob);
          return typeof out === 'string' ? out : out.result;
        }
        return storage.decryptString(blob);
      } catch {
        throw new VaultError('could not decrypt a stored secret (OS keyring changed or locked?)');
      }
    },
  };
}
