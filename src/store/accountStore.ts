// Accounts and their encrypted secrets. All account/secret SQL lives here.
// Secrets arrive already encrypted by a SecretVault; this module never sees plain text.
import type { Db } from './db';
import type { AccountConfig } from '../venues/types';
import { EXCHANGE_SOURCES } from '../venues/catalog';

const SOURCES: ReadonlySet<string> = new Set(['demo', ...EXCHANGE_SOURCES]);

interface AccountRow {
  id: string;
  name: string;
  source: string;
  options_json: string;
}

export interface EncryptedSecret {
  backend: string;
  blob: Buffer;
}

/** Permissions only — never the key itself. */
export interface StoredKeyCheck {
  checkedMs: number;
  verdict: 'ok' | 'warn-trading' | 'refuse-withdraw' | 'invalid';
  permissions: { read: boolean; trade: boolean | null; withdraw: boolean | null };
}

export class AccountStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountStoreError';
  }
}

export class AccountStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    // Deleted content is overwritten with zeros instead of left in free pages.
    db.pragma('secure_delete = ON');
  }

  list(): AccountConfig[] {
    const rows = this.db.prepare('SELECT id, name, source, options_json FROM accounts ORDER BY created_ms, name').all() as AccountRow[];
    return rows.map(toConfig);
  }

  get(idOrName: string): AccountConfig | null {
    const row = this.db.prepare('SELECT id, name, source, options_json FROM accounts WHERE id = ? OR name = ?').get(idOrName, idOrName) as
      | AccountRow
      | undefined;
    return row ? toConfig(row) : null;
  }

  add(config: AccountConfig, secret: EncryptedSecret | null): void {
    if (!config.id.trim()) throw new AccountStoreError('account id must not be empty');
    if (!config.name.trim()) throw new AccountStoreError('account name must not be empty');
    if (!SOURCES.has(config.source)) throw new AccountStoreError(`unknown venue "${config.source}"`);
    const insert = this.db.transaction(() => {
      const clash = this.db.prepare('SELECT id FROM accounts WHERE id = ? OR name = ?').get(config.id, config.name);
      if (clash) throw new AccountStoreError(`an account named "${config.name}" already exists`);
      this.db
        .prepare('INSERT INTO accounts (id, name, source, options_json, created_ms) VALUES (?, ?, ?, ?, ?)')
        .run(config.id, config.name, config.source, JSON.stringify(config.options), this.now());
      if (secret) {
        this.db.prepare('INSERT INTO account_secrets (account_id, vault_backend, blob) VALUES (?, ?, ?)').run(config.id, secret.backend, secret.blob);
      }
    });
    insert();
  }

  /** The key's permissions as last checked against the exchange (null before the first check). */
  keyCheck(id: string): StoredKeyCheck | null {
    const row = this.db.prepare('SELECT key_check_json FROM accounts WHERE id = ?').get(id) as { key_check_json: string | null } | undefined;
    return row?.key_check_json ? (JSON.parse(row.key_check_json) as StoredKeyCheck) : null;
  }

  setKeyCheck(id: string, check: StoredKeyCheck): void {
    this.db.prepare('UPDATE accounts SET key_check_json = ? WHERE id = ?').run(JSON.stringify(check), id);
  }

  secretBlob(id: string): EncryptedSecret | null {
    const row = this.db.prepare('SELECT vault_backend, blob FROM account_secrets WHERE account_id = ?').get(id) as
      | { vault_backend: string; blob: Buffer }
      | undefined;
    return row ? { backend: row.vault_backend, blob: row.blob } : null;
  }

  /**
   * Removes the account and erases its secret: the blob is first overwritten in place with zeros,
   * then deleted (secure_delete zeroes the freed page), and the WAL is checkpointed and truncated so
   * no older page image holding the bytes survives in the -wal file.
   */
  remove(idOrName: string): boolean {
    const account = this.get(idOrName);
    if (!account) return false;
    this.db.transaction(() => {
      this.db.prepare('UPDATE account_secrets SET blob = zeroblob(length(blob)) WHERE account_id = ?').run(account.id);
      this.db.prepare('DELETE FROM account_secrets WHERE account_id = ?').run(account.id);
      this.db.prepare('DELETE FROM accounts WHERE id = ?').run(account.id);
    })();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return true;
  }
}

function toConfig(row: AccountRow): AccountConfig {
  return { id: row.id, name: row.name, source: row.source as AccountConfig['source'], options: JSON.parse(row.options_json) as Record<string, string> };
}
