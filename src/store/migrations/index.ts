// Ordered list of schema migrations. Versions are never reused or edited once released.
// Each area owns its migration file: 001 core history, 002 alerts, 003 accounts and secrets,
// 004 history rollups and price candles, 005 key permission checks, 006 per-subject distances.
import type { Migration } from './types';
import { coreMigration } from './001_core';
import { alertsMigration } from './002_alerts';
import { accountsMigration } from './003_accounts';
import { rollupsAndPricesMigration } from './004_rollups_and_prices';
import { keyChecksMigration } from './005_key_checks';
import { subjectDistancesMigration } from './006_subject_distances';

export const MIGRATIONS: readonly Migration[] = [coreMigration, alertsMigration, accountsMigration, rollupsAndPricesMigration, keyChecksMigration, subjectDistancesMigration];
