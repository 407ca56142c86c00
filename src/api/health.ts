// What the tray, the window and the status line show about the monitor as a whole: the worst open
// alert level and whether the data behind it can be trusted. Defined once here so the service, the
// desktop shell and the UI agree on one meaning of "healthy".
import type { AlertLevel } from '../domain/alerts/levels';
import type { VenueHealth } from '../domain/contracts/health';
import type { AlertView } from './messages';

export interface TrayState {
  level: AlertLevel;
  dataHealthy: boolean;
  tooltip: string;
  openAlerts: AlertView[];
}

/** Feed states in which the figures are current (streaming, or polling on schedule). */
const HEALTHY_FEED_STATES: ReadonlySet<VenueHealth['state']> = new Set(['live', 'polling']);

export function feedHealthy(health: Pick<VenueHealth, 'state'>): boolean {
  return HEALTHY_FEED_STATES.has(health.state);
}

export interface DataHealthSummary {
  healthy: boolean;
  /** Accounts whose data cannot be trusted right now (blind alert open or feed not live), once each. */
  unhealthyAccounts: string[];
}

/** The data is healthy when no account is blind and every feed is live or polling. */
export function summarizeDataHealth(
  feeds: Iterable<{ accountId: string; health: Pick<VenueHealth, 'state'> }>,
  blindAccountIds: Iterable<string>,
): DataHealthSummary {
  const names = new Set(blindAccountIds);
  for (const f of feeds) if (!feedHealthy(f.health)) names.add(f.accountId);
  return { healthy: names.size === 0, unhealthyAccounts: [...names] };
}

/** Whether the service can keep what it decides (ServiceStatus.storage). */
export interface StorageHealthView {
  /** "degraded: storage" while the database cannot be written; alerts still go out. */
  summary: 'ok' | 'degraded: storage';
  /** Why writes fail ("disk full at PATH"), or null. */
  failing: string | null;
  /** Low free space ("42 MB free at PATH"), or null. */
  lowDisk: string | null;
  /** Free bytes at the last check, or null when unknown. */
  freeBytes: number | null;
}
