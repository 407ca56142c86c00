import type { Migration } from './types';

// Alerts: the reducer's state per account, episodes (one row per alert), an outbox of deliveries
// (one row per push and channel, unique idempotency key), channel health, and acknowledgements.
export const alertsMigration: Migration = {
  version: 2,
  name: 'alerts',
  up(db) {
    db.exec(`
      CREATE TABLE alert_state (
        account_id TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        updated_ms INTEGER NOT NULL
      );

      CREATE TABLE alert_episodes (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('level', 'predictive', 'system')),
        level TEXT NOT NULL,
        peak_level TEXT NOT NULL,
        blind INTEGER NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        opened_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        closed_ms INTEGER,
        acknowledged_ms INTEGER,
        snoozed_until_ms INTEGER
      );
      CREATE INDEX alert_episodes_account_opened ON alert_episodes(account_id, opened_ms);
      CREATE INDEX alert_episodes_open ON alert_episodes(opened_ms) WHERE closed_ms IS NULL;

      CREATE TABLE alert_deliveries (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        episode_id TEXT NOT NULL REFERENCES alert_episodes(id),
        channel TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        rounds INTEGER NOT NULL DEFAULT 0,
        created_ms INTEGER NOT NULL,
        next_attempt_ms INTEGER NOT NULL,
        last_attempt_ms INTEGER,
        sent_ms INTEGER,
        detail TEXT
      );
      CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_attempt_ms);
      CREATE INDEX alert_deliveries_episode ON alert_deliveries(episode_id);

      CREATE TABLE alert_channel_status (
        channel TEXT PRIMARY KEY,
        consecutive_failures INTEGER NOT NULL,
        last_detail TEXT,
        last_ok_ms INTEGER,
        last_failure_ms INTEGER
      );

      CREATE TABLE alert_acknowledgements (
        id INTEGER PRIMARY KEY,
        episode_id TEXT NOT NULL REFERENCES alert_episodes(id),
        action TEXT NOT NULL CHECK (action IN ('ack', 'snooze')),
        at_ms INTEGER NOT NULL,
        until_ms INTEGER
      );
      CREATE INDEX alert_acknowledgements_episode ON alert_acknowledgements(episode_id);
    `);
  },
};
