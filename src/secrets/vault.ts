// The one interface for encrypting account secrets at rest. Headless mode uses the AES-GCM vault in
// this folder; the desktop shell implements the same interface with Electron safeStorage.
export interface SecretVault {
  /** Where the key lives: 'os-keyring', 'env', 'key-file', 'safeStorage:<backend>' ... */
  readonly backend: string;
  /** False when the backend stores secrets readable by anyone with the file (safeStorage basic_text). */
  readonly encrypted: boolean;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(blob: Buffer): Promise<string>;
}

export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}
