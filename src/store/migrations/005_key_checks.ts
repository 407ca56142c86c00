import type { Migration } from './types';

// The permission verdict each account's key had when it was last checked, so a periodic re-check can
// tell the trader when a key gained trading or withdrawal rights after it was added.
export const keyChecksMigration: Migration = {
  version: 5,
  name: 'key-checks',
  up(db) {
    db.exec(`ALTER TABLE accounts ADD COLUMN key_check_json TEXT`);
  },
};
