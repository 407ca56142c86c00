// Read side of the alert pipeline: lists and single alerts for the UI, an account's worst level.
import type { AlertStore, DeliveryRow, EpisodeRow } from '../../store/alertStore';

interface EpisodeWithDeliveries {
  row: EpisodeRow;
  deliveries: DeliveryRow[];
}
import type { AlertView } from '../../api/messages';
import { worstLevel, type AlertLevel } from '../../domain/alerts/levels';
import type { AlertsState } from '../../domain/alerts/types';
import type { AlertListFilter } from './types';
import type { UnsavedDecisions } from './unsaved';
import { alertView } from './views';

/** Stored alerts, overlaid with those decided while the database could not be written. */
export class AlertQueries {
  constructor(
    private readonly store: AlertStore,
    private readonly now: () => number,
    private readonly unsaved: UnsavedDecisions,
  ) {}

  private episodes(filter: { accountId?: string; closed?: boolean; limit: number }): EpisodeWithDeliveries[] {
    const stored = this.store.episodes(filter).map((row) => ({ row, deliveries: this.store.deliveriesFor(row.id) }));
    if (this.unsaved.size === 0) return stored;
    const memory = this.unsaved
      .allEpisodes()
      .filter(
        ({ row }) =>
          (filter.accountId === undefined || row.accountId === filter.accountId) &&
          (filter.closed === undefined || (row.closedMs !== null) === filter.closed),
      );
    const ids = new Set(memory.map((m) => m.row.id));
    return [...memory, ...stored.filter((s) => !ids.has(s.row.id))]
      .sort((a, b) => b.row.updatedMs - a.row.updatedMs || a.row.id.localeCompare(b.row.id))
      .slice(0, filter.limit);
  }

  list(filter: AlertListFilter = {}): AlertView[] {
    const nowMs = this.now();
    const want = filter.state ?? 'all';
    const limit = filter.limit ?? 200;
    const rows = this.episodes({
      ...(filter.accountId !== undefined ? { accountId: filter.accountId } : {}),
      ...(want === 'closed' ? { closed: true } : want === 'all' ? {} : { closed: false }),
      limit: want === 'all' || want === 'closed' ? limit : 10_000,
    });
    const views = rows.map((r) => alertView(r.row, r.deliveries, nowMs));
    return (want === 'all' || want === 'closed' ? views : views.filter((v) => v.state === want)).slice(
      0,
      limit,
    );
  }

  view(alertId: string): AlertView | null {
    const memory = this.unsaved.episode(alertId);
    if (memory) return alertView(memory.row, memory.deliveries, this.now());
    const row = this.store.episode(alertId);
    return row ? alertView(row, this.store.deliveriesFor(alertId), this.now()) : null;
  }

  private open(): EpisodeWithDeliveries[] {
    const stored = this.store.openEpisodes().map((row) => ({ row, deliveries: this.store.deliveriesFor(row.id) }));
    if (this.unsaved.size === 0) return stored;
    const memory = this.unsaved.allEpisodes();
    const ids = new Set(memory.map((m) => m.row.id));
    return [...stored.filter((s) => !ids.has(s.row.id)), ...memory.filter((m) => m.row.closedMs === null)].sort(
      (a, b) => a.row.openedMs - b.row.openedMs,
    );
  }

  /** Every alert not yet closed, as the tray lists them. */
  openAlerts(): AlertView[] {
    const nowMs = this.now();
    return this.open().map((e) => alertView(e.row, e.deliveries, nowMs));
  }

  /** Accounts with an open alert that says their data is blind (stale, gap, key rejected). */
  blindAccountIds(): string[] {
    return this.open()
      .filter((e) => e.row.blind)
      .map((e) => e.row.accountId);
  }
}

/** Worst level among the account's alerts that are not closed (acknowledged and snoozed included). */
export function accountLevel(state: AlertsState | null): AlertLevel {
  return state ? worstLevel(Object.values(state.open).map((e) => e.level)) : 'ok';
}
