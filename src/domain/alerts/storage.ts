// The monitor's own storage as an alert subject: when the database cannot be written the trader must
// hear it (alerts still go out, history is not kept), and a nearly full disk is a warning before that.
// Lives under MONITOR_ACCOUNT_ID beside the channel alerts; pure like the rest of the reducer.
import { advanceEpisodes } from './episodes';
import type { AlertSettings } from './settings';
import { emptyAlertsState, type AlertsState, type Observation, type ReduceResult } from './types';
import { MONITOR_ACCOUNT_ID } from './channels';

export const STORAGE_SUBJECT = 'system:storage';

export interface StorageCondition {
  /** Why writes fail ("disk full at /path"), or null when they succeed. */
  failing: string | null;
  /** Free space is low ("42 MB free at /path"), or null. */
  lowDisk: string | null;
}

export function storageObservation(c: StorageCondition): Observation {
  const [level, title, body]: [Observation['level'], string, string] =
    c.failing !== null
      ? [
          'critical',
          'MarginWatch cannot save',
          `MarginWatch cannot save: ${c.failing} — alerts still go out but history is not being kept.`,
        ]
      : c.lowDisk !== null
        ? [
            'warning',
            'MarginWatch: disk almost full',
            `Disk almost full: ${c.lowDisk}. Free some space, or MarginWatch will soon stop keeping history.`,
          ]
        : ['ok', 'MarginWatch saves again', 'The database can be written again.'];
  return { subject: STORAGE_SUBJECT, kind: 'system', level, holdLevel: level, blind: false, calmMs: 0, title, body, facts: {} };
}

export function reduceStorageAlerts(
  previous: AlertsState | null,
  input: { condition: StorageCondition; settings: AlertSettings; nowMs: number; utcOffsetMin?: number },
): ReduceResult {
  const state = previous ?? emptyAlertsState(MONITOR_ACCOUNT_ID);
  return advanceEpisodes(state, [storageObservation(input.condition)], {
    nowMs: input.nowMs,
    settings: input.settings,
    utcOffsetMin: input.utcOffsetMin ?? 0,
  });
}
