// Decisions the database could not take (disk full, I/O error, locked): kept in memory, delivered
// from memory, shown from memory, and written exactly once, in order, in one transaction, when the
// database takes writes again. Deliveries already sent from memory are written as sent (no re-send);
// the rest are written pending and the outbox retries them as usual.
import type { AlertStore, DeliveryRow, EpisodeRow } from '../../store/alertStore';
import { deliveryKey, episodeRowOf } from '../../store/alertStore';
import type { AlertEffect, AlertsState, Episode } from '../../domain/alerts/types';

interface UnsavedDecision {
  accountId: string;
  state: AlertsState;
  effects: readonly AlertEffect[];
  /** Channels chosen at decision time, by intent key (the channel set may change meanwhile). */
  channels: Map<string, string[]>;
  nowMs: number;
}

export class UnsavedDecisions {
  private decisions: UnsavedDecision[] = [];
  private readonly episodes = new Map<string, Episode>();
  private readonly deliveries = new Map<string, DeliveryRow>();
  private nextId = -1;

  get size(): number {
    return this.decisions.length;
  }

  /** Keeps a decision; with `claim` returns its deliveries claimed ("sending") for the caller to send,
   *  otherwise they wait (pending) for the outbox's next pass. */
  add(
    accountId: string,
    state: AlertsState,
    effects: readonly AlertEffect[],
    channelsFor: (n: Extract<AlertEffect, { type: 'notify' }>['notification']) => string[],
    nowMs: number,
    claim: boolean,
  ): DeliveryRow[] {
    const channels = new Map<string, string[]>();
    const created: DeliveryRow[] = [];
    for (const e of effects) {
      if (e.type === 'episode') this.episodes.set(e.episode.id, e.episode);
      if (e.type !== 'notify') continue;
      const n = e.notification;
      const list = channelsFor(n);
      channels.set(n.key, list);
      for (const channel of list) {
        const key = deliveryKey(n.key, channel);
        if (this.deliveries.has(key)) continue;
        const row: DeliveryRow = {
          id: this.nextId--,
          key,
          episodeId: n.alertId,
          channel,
          payload: n,
          status: claim ? 'sending' : 'pending',
          attempts: claim ? 1 : 0,
          rounds: 0,
          createdMs: nowMs,
          nextAttemptMs: nowMs,
          lastAttemptMs: nowMs,
          sentMs: null,
          detail: 'not saved yet: the database cannot be written',
        };
        this.deliveries.set(key, row);
        if (claim) created.push(row);
      }
    }
    this.decisions.push({ accountId, state, effects, channels, nowMs });
    return created;
  }

  /** Records a send from memory (never touches the database). */
  settle(row: DeliveryRow, ok: boolean, attempts: number, detail: string | null, atMs: number): void {
    row.status = ok ? 'sent' : 'pending';
    row.attempts += Math.max(0, attempts - 1);
    row.rounds += 1;
    row.sentMs = ok ? atMs : null;
    row.detail = detail ?? row.detail;
  }

  hasUnsent(): boolean {
    for (const row of this.deliveries.values()) if (row.status === 'pending') return true;
    return false;
  }

  /** Memory deliveries that did not go out yet, claimed again for another try. */
  claimUnsent(atMs: number): DeliveryRow[] {
    const out: DeliveryRow[] = [];
    for (const row of this.deliveries.values()) {
      if (row.status !== 'pending') continue;
      row.status = 'sending';
      row.attempts += 1;
      row.lastAttemptMs = atMs;
      out.push(row);
    }
    return out;
  }

  episode(id: string): { row: EpisodeRow; deliveries: DeliveryRow[] } | null {
    const e = this.episodes.get(id);
    if (!e) return null;
    return { row: episodeRowOf(e), deliveries: [...this.deliveries.values()].filter((d) => d.episodeId === id) };
  }

  allEpisodes(): { row: EpisodeRow; deliveries: DeliveryRow[] }[] {
    return [...this.episodes.keys()].map((id) => this.episode(id)!);
  }

  /** Writes everything kept, oldest first, in ONE transaction; throws (keeping it all) if it fails. */
  writeTo(store: AlertStore): void {
    if (this.decisions.length === 0) return;
    store.transaction(() => {
      for (const d of this.decisions) {
        const created = store.commitDecision(d.accountId, d.state, d.effects, (n) => d.channels.get(n.key) ?? [], d.nowMs);
        for (const row of created) {
          const mem = this.deliveries.get(row.key);
          // markSent adds attempts − 1 to the stored 0: pass one more so the count is the real one.
          if (mem?.status === 'sent') store.markSent(row, mem.attempts + 1, mem.detail, mem.sentMs ?? d.nowMs);
        }
      }
    });
    this.decisions = [];
    this.episodes.clear();
    this.deliveries.clear();
  }
}
