import type { Migration } from './types';
import { encodeSubjectDistances, subjectDistancesOfJson } from '../subjectDistances';

// Per-subject distances to the trigger with each report and rollup (the History chart draws one series
// per isolated position and the cross book). Rollups, which long ranges read, are filled from the
// reports they stand for; raw reports written before keep NULL and are read from their JSON on demand.
export const subjectDistancesMigration: Migration = {
  version: 6,
  name: 'subject-distances',
  up(db) {
    db.exec(`
      ALTER TABLE reports ADD COLUMN subject_distances TEXT;
      ALTER TABLE report_rollups ADD COLUMN subject_distances TEXT;
    `);
    const rows = db
      .prepare(
        `SELECT ro.account_id, ro.period_ms, ro.slot_ms,
                (SELECT r.json FROM reports r WHERE r.account_id = ro.account_id AND r.as_of_ms = ro.as_of_ms LIMIT 1) AS json
         FROM report_rollups ro`,
      )
      .all() as { account_id: string; period_ms: number; slot_ms: number; json: string | null }[];
    const update = db.prepare(
      'UPDATE report_rollups SET subject_distances = ? WHERE account_id = ? AND period_ms = ? AND slot_ms = ?',
    );
    for (const r of rows) {
      if (r.json === null) continue;
      update.run(
        encodeSubjectDistances(subjectDistancesOfJson(r.json)),
        r.account_id,
        r.period_ms,
        r.slot_ms,
      );
    }
  },
};
