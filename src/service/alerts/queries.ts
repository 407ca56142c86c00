// Read side of the alert pipeline: lists and single alerts for the UI, an account's worst level.
import type { AlertStore } from '../../store/alertStore';
import type { AlertView } from '../../api/messages';
import { worstLevel, type AlertLevel } from '../../domain/alerts/levels';
import type { AlertsState } from '../../domain/alerts/types';
import type { AlertListFilter } from './types';
import { alertView } from './views';

export class AlertQueries {
  constructor(
    private readonly store: AlertStore,
    private readonly now: () => number,
  ) {}

  list(filter: AlertListFilter = {}): AlertView[] {
    const nowMs = this.now();
    const want = filter.state ?? 'all';
    const limit = filter.limit ?? 200;
    const rows = this.store.episodes({
      ...(filter.accountId !== undefined ? { accountId: filter.accountId } : {}),
      ...(want === 'closed' ? { closed: true } : want === 'all' ? {} : { closed: false }),
      limit: want === 'all' || want === 'closed' ? limit : 10_000,
    });
    const views = rows.map((r) => alertView(r, this.store.deliveriesFor(r.id), nowMs));
    return (want === 'all' || want === 'closed' ? views : views.filter((v) => v.state === want)).slice(
      0,
      limit,
    );
  }

  view(alertId: string): AlertView | null {
    const row = this.store.episode(alertId);
    return row ? alertView(row, this.store.deliveriesFor(alertId), this.now()) : null;
  }

  /** Every alert not yet closed, as the tray lists them. */
  openAlerts(): AlertView[] {
    const nowMs = this.now();
    return this.store.openEpisodes().map((r) => alertView(r, this.store.deliveriesFor(r.id), nowMs));
  }

  /** Accounts with an open alert that says their data is blind (stale, gap, key rejected). */
  blindAccountIds(): string[] {
    return this.store
      .openEpisodes()
      .filter((e) => e.blind)
      .map((e) => e.accountId);
  }
}

/** Worst level among the account's alerts that are not closed (acknowledged and snoozed included). */
export function accountLevel(state: AlertsState | null): AlertLevel {
  return state ? worstLevel(Object.values(state.open).map((e) => e.level)) : 'ok';
}
