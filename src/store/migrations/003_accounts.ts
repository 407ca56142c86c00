import type { Migration } from './types';

// Schema for accounts: filled in by the accounts work (see src/store/README in docs/ARCHITECTURE).
export const accountsMigration: Migration = {
  version: 3,
  name: 'accounts',
  up() {},
};
