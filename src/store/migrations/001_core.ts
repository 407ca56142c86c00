import type { Migration } from './types';

// Core history: accounts' snapshots, reports, forecasts and input errors.
export const coreMigration: Migration = {
  version: 1,
  name: 'core',
  up(db) {
    db.exec(`
      CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        as_of_ms INTEGER NOT NULL,
        json TEXT NOT NULL
      );
      CREATE INDEX snapshots_account_time ON snapshots(account_id, as_of_ms);

      CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        as_of_ms INTEGER NOT NULL,
        equity TEXT NOT NULL,
        margin_ratio TEXT,
        min_distance TEXT,
        level TEXT NOT NULL,
        json TEXT NOT NULL
      );
      CREATE INDEX reports_account_time ON reports(account_id, as_of_ms);

      CREATE TABLE input_errors (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX input_errors_account_time ON input_errors(account_id, at_ms);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        json TEXT NOT NULL
      );
    `);
  },
};
