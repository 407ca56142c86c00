import type { Migration } from './types';

// Accounts and their encrypted secrets. Secrets live in their own table so listing accounts never
// reads them, and removing an account erases its secret row (see accountStore.ts for the overwrite).
export const accountsMigration: Migration = {
  version: 3,
  name: 'accounts',
  up(db) {
    db.exec(`
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        options_json TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );

      CREATE TABLE account_secrets (
        account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        vault_backend TEXT NOT NULL,
        blob BLOB NOT NULL
      );
    `);
  },
};
