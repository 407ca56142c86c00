// SecretVault on Electron safeStorage (OS keychain / DPAPI / libsecret or kwallet).
// On Linux without a keyring safeStorage falls back to 'basic_text', which "encrypts" with a fixed,
// publicly known key: the secret is as good as plain text. The vault refuses to store secrets there
// unless the user explicitly accepts it (docs/DESKTOP.md, "Secrets on Linux").
import { safeStorage } from 'electron';
import type { SecretVault } from '../../src/secrets';
import { VaultError } from '../../src/secrets';

/** Set to 1 to store exchange keys under safeStorage's unprotected 'basic_text' backend anyway. */
export const ALLOW_UNPROTECTED_ENV = 'MARGINWATCH_ALLOW_UNPROTECTED_SECRETS';

type AsyncSafeStorage = typeof safeStorage & {
  encryptStringAsync?: (plain: string) => Promise<Buffer>;
  decryptStringAsync?: (blob: Buffer) => Promise<{ result: string } | string>;
};

/** Call after app 'ready' (the Linux backend is only known then). */
export function safeStorageVault(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): SecretVault {
  const storage = safeStorage as AsyncSafeStorage;
  const available = storage.isEncryptionAvailable();
  const backend =
    platform === 'linux' ? storage.getSelectedStorageBackend() : platform === 'darwin' ? 'keychain' : 'dpapi';
  const unprotected = backend === 'basic_text' || backend === 'unknown';
  const accepted = env[ALLOW_UNPROTECTED_ENV] === '1';
  // Checked when a secret is stored, so the app itself (demo, alerts, history) still starts.
  const refusal = !available
    ? 'OS encryption is not available (Electron safeStorage): exchange keys cannot be stored securely on this system'
    : unprotected && !accepted
      ? `no OS keyring is available: Electron's safeStorage would use its "${backend}" backend, which stores secrets ` +
        'unprotected (readable by anyone who can read your files), so MarginWatch refuses to store exchange keys. ' +
        'Start a keyring (GNOME Keyring or KWallet; or run with --password-store=gnome-libsecret), or, to accept ' +
        `unprotected storage, start MarginWatch with ${ALLOW_UNPROTECTED_ENV}=1 (see docs/DESKTOP.md)`
      : null;
  return {
    backend: `safeStorage:${backend}`,
    encrypted: available && !unprotected,
    async encrypt(plain: string): Promise<Buffer> {
      if (refusal) throw new VaultError(refusal);
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
