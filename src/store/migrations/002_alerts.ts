import type { Migration } from './types';

// Schema for alerts: filled in by the alerts work (see src/store/README in docs/ARCHITECTURE).
export const alertsMigration: Migration = {
  version: 2,
  name: 'alerts',
  up() {},
};
