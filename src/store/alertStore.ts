// All alert SQL: reducer state, episodes, the delivery outbox, channel health, acknowledgements.
// An evaluation's state, episodes and new deliveries are written in ONE transaction, so after a
// crash either all of a decision is on disk (and its deliveries will be sent) or none of it is.
import type { Db } from './db';
import type { AlertEffect, AlertsState, Episode, NotificationIntent } from '../domain/alerts/types';
import type { AlertLevel } from '../domain/alerts/levels';
import type { AlertKind } from '../domain/alerts/types';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface DeliveryRow {
  id: number;
  key: string;
  episodeId: string;
  channel: string;
  payload: NotificationIntent;
  status: DeliveryStatus;
  attempts: number;
  rounds: number;
  createdMs: number;
  nextAttemptMs: number;
  lastAttemptMs: number | null;
  sentMs: number | null;
  detail: string | null;
}

export interface EpisodeRow {
  id: string;
  accountId: string;
  subject: string;
  kind: AlertKind;
  level: AlertLevel;
  peakLevel: AlertLevel;
  blind: boolean;
  title: string;
  body: string;
  openedMs: number;
  updatedMs: number;
  closedMs: number | null;
  acknowledgedMs: number | null;
  snoozedUntilMs: number | null;
}

export interface ChannelStatusRow {
  channel: string;
  consecutiveFailures: number;
  lastDetail: string | null;
  lastOkMs: number | null;
  lastFailureMs: number | null;
}

interface RawDelivery {
  id: number;
  idempotency_key: string;
  episode_id: string;
  channel: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  rounds: number;
  created_ms: number;
  next_attempt_ms: number;
  last_attempt_ms: number | null;
  sent_ms: number | null;
  detail: string | null;
}

interface RawEpisode {
  id: string;
  account_id: string;
  subject: string;
  kind: AlertKind;
  level: AlertLevel;
  peak_level: AlertLevel;
  blind: number;
  title: string;
  body: string;
  opened_ms: number;
  updated_ms: number;
  closed_ms: number | null;
  acknowledged_ms: number | null;
  snoozed_until_ms: number | null;
}

/** alert_state row used only by probeWrite (never loaded as an account's state). */
const STORAGE_PROBE_ID = '~storage-probe';

export function deliveryKey(intentKey: string, channel: string): string {
  return `${intentKey}@${channel}`;
}

export class AlertStore {
  private readonly st;

  constructor(private readonly db: Db) {
    this.st = {
      getState: db.prepare<[string], { json: string }>('SELECT json FROM alert_state WHERE account_id = ?'),
      putState: db.prepare(
        `INSERT INTO alert_state (account_id, json, updated_ms) VALUES (?, ?, ?)
         ON CONFLICT(account_id) DO UPDATE SET json = excluded.json, updated_ms = excluded.updated_ms`,
      ),
      upsertEpisode: db.prepare(
        `INSERT INTO alert_episodes (id, account_id, subject, kind, level, peak_level, blind, title, body, opened_ms, updated_ms, closed_ms, acknowledged_ms, snoozed_until_ms)
         VALUES (@id, @accountId, @subject, @kind, @level, @peakLevel, @blind, @title, @body, @openedMs, @updatedMs, @closedMs, @acknowledgedMs, @snoozedUntilMs)
         ON CONFLICT(id) DO UPDATE SET level = excluded.level, peak_level = excluded.peak_level, blind = excluded.blind,
           title = excluded.title, body = excluded.body, updated_ms = excluded.updated_ms, closed_ms = excluded.closed_ms,
           acknowledged_ms = excluded.acknowledged_ms, snoozed_until_ms = excluded.snoozed_until_ms`,
      ),
      // A delivery sent right after this commit is stored already claimed ("sending", one attempt):
      // that saves a second fsync'd commit on the tick-to-notification path.
      insertDelivery: db.prepare<
        [string, string, string, string, DeliveryStatus, number, number | null, number, number],
        RawDelivery
      >(
        `INSERT OR IGNORE INTO alert_deliveries (idempotency_key, episode_id, channel, payload, status, attempts, last_attempt_ms, created_ms, next_attempt_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      ),
      due: db.prepare<[number], RawDelivery>(
        `SELECT * FROM alert_deliveries WHERE status = 'pending' AND next_attempt_ms <= ? ORDER BY id`,
      ),
      nextDue: db.prepare<[], { t: number | null }>(
        `SELECT MIN(next_attempt_ms) AS t FROM alert_deliveries WHERE status = 'pending'`,
      ),
      // The claim counts the attempt, so a send cut short by a crash still shows in `attempts`.
      claim: db.prepare(
        `UPDATE alert_deliveries SET status = 'sending', attempts = attempts + 1, last_attempt_ms = ? WHERE id = ? AND status = 'pending'`,
      ),
      finish: db.prepare(
        `UPDATE alert_deliveries SET status = @status, attempts = attempts + @extraAttempts, rounds = rounds + 1,
           sent_ms = @sentMs, next_attempt_ms = @nextAttemptMs, detail = COALESCE(@detail, detail) WHERE id = @id`,
      ),
      resetInFlight: db.prepare(
        `UPDATE alert_deliveries SET status = 'pending', detail = 'interrupted in flight; sent again after restart' WHERE status = 'sending'`,
      ),
      failOrphans: db.prepare(
        `UPDATE alert_deliveries SET status = 'failed', detail = ? WHERE status = 'pending' AND channel = ?`,
      ),
      channelStatus: db.prepare<[string], ChannelStatusRow>(
        `SELECT channel, consecutive_failures AS consecutiveFailures, last_detail AS lastDetail, last_ok_ms AS lastOkMs,
           last_failure_ms AS lastFailureMs FROM alert_channel_status WHERE channel = ?`,
      ),
      channelOk: db.prepare(
        `INSERT INTO alert_channel_status (channel, consecutive_failures, last_detail, last_ok_ms) VALUES (?, 0, NULL, ?)
         ON CONFLICT(channel) DO UPDATE SET consecutive_failures = 0, last_ok_ms = excluded.last_ok_ms`,
      ),
      channelFailed: db.prepare(
        `INSERT INTO alert_channel_status (channel, consecutive_failures, last_detail, last_failure_ms) VALUES (?, 1, ?, ?)
         ON CONFLICT(channel) DO UPDATE SET consecutive_failures = consecutive_failures + 1,
           last_detail = excluded.last_detail, last_failure_ms = excluded.last_failure_ms`,
      ),
      ack: db.prepare(
        `INSERT INTO alert_acknowledgements (episode_id, action, at_ms, until_ms) VALUES (?, ?, ?, ?)`,
      ),
      episodeById: db.prepare<[string], RawEpisode>('SELECT * FROM alert_episodes WHERE id = ?'),
      deliveriesFor: db.prepare<[string], RawDelivery>(
        'SELECT * FROM alert_deliveries WHERE episode_id = ? ORDER BY id',
      ),
      openEpisodes: db.prepare<[], RawEpisode>(
        'SELECT * FROM alert_episodes WHERE closed_ms IS NULL ORDER BY opened_ms',
      ),
      allDeliveries: db.prepare<[], RawDelivery>('SELECT * FROM alert_deliveries ORDER BY id'),
    };
  }

  /** A tiny write that needs room on disk: tells whether the database takes writes again. */
  probeWrite(nowMs: number): void {
    this.st.putState.run(STORAGE_PROBE_ID, '{}', nowMs);
  }

  /** Runs `fn` in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  loadState(accountId: string): AlertsState | null {
    const row = this.st.getState.get(accountId);
    return row ? (JSON.parse(row.json) as AlertsState) : null;
  }

  /**
   * Persists one reducer decision: its state, every episode it touched and one delivery per push
   * and channel. With `claim`, the new deliveries are stored as "sending" for the caller to send
   * at once; otherwise "pending" for the next flush. Returns the new deliveries.
   */
  commitDecision(
    accountId: string,
    state: AlertsState,
    effects: readonly AlertEffect[],
    channelsFor: (n: NotificationIntent) => readonly string[],
    nowMs: number,
    claim = false,
  ): DeliveryRow[] {
    return this.db.transaction(() => {
      this.st.putState.run(accountId, JSON.stringify(state), nowMs);
      const created: DeliveryRow[] = [];
      for (const effect of effects) {
        if (effect.type === 'episode') this.st.upsertEpisode.run(episodeParams(effect.episode));
      }
      for (const effect of effects) {
        if (effect.type !== 'notify') continue;
        const n = effect.notification;
        const payload = JSON.stringify(n);
        for (const channel of channelsFor(n)) {
          const row = this.st.insertDelivery.get(
            deliveryKey(n.key, channel),
            n.alertId,
            channel,
            payload,
            claim ? 'sending' : 'pending',
            claim ? 1 : 0,
            claim ? nowMs : null,
            nowMs,
            nowMs,
          );
          if (row) created.push(toDelivery(row));
        }
      }
      return created;
    })();
  }

  /** An acknowledgement or snooze: new reducer state, the episode row and the audit row together. */
  commitUserAction(
    accountId: string,
    state: AlertsState,
    episode: Episode,
    action: 'ack' | 'snooze',
    atMs: number,
    untilMs: number | null,
  ) {
    this.db.transaction(() => {
      this.st.putState.run(accountId, JSON.stringify(state), atMs);
      this.st.upsertEpisode.run(episodeParams(episode));
      this.st.ack.run(episode.id, action, atMs, untilMs);
    })();
  }

  /** Acknowledging an alert that has already closed only records it. */
  acknowledgeClosed(episodeId: string, atMs: number): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE alert_episodes SET acknowledged_ms = ?, updated_ms = ? WHERE id = ? AND acknowledged_ms IS NULL',
        )
        .run(atMs, atMs, episodeId);
      this.st.ack.run(episodeId, 'ack', atMs, null);
    })();
  }

  dueDeliveries(nowMs: number): DeliveryRow[] {
    return this.st.due.all(nowMs).map(toDelivery);
  }

  nextDueMs(): number | null {
    return this.st.nextDue.get()?.t ?? null;
  }

  /** Marks a delivery as being sent (committed before the channel is called); false if already taken. */
  claim(id: number, nowMs: number): boolean {
    return this.st.claim.run(nowMs, id).changes === 1;
  }

  /** `attempts` is what the channel reports for this round (its own retries included). */
  markSent(d: DeliveryRow, attempts: number, detail: string | null, nowMs: number): void {
    this.db.transaction(() => {
      this.st.finish.run({
        id: d.id,
        status: 'sent',
        extraAttempts: Math.max(0, attempts - 1),
        sentMs: nowMs,
        nextAttemptMs: d.nextAttemptMs,
        detail,
      });
      this.st.channelOk.run(d.channel, nowMs);
    })();
  }

  /** A failed round: back to pending for another round at retryAtMs, or failed for good when null. */
  markFailed(
    d: DeliveryRow,
    attempts: number,
    detail: string,
    retryAtMs: number | null,
    nowMs: number,
  ): void {
    this.db.transaction(() => {
      this.st.finish.run({
        id: d.id,
        status: retryAtMs === null ? 'failed' : 'pending',
        extraAttempts: Math.max(0, attempts - 1),
        sentMs: null,
        nextAttemptMs: retryAtMs ?? d.nextAttemptMs,
        detail,
      });
      this.st.channelFailed.run(d.channel, detail, nowMs);
    })();
  }

  /** After a restart: whatever was in flight may or may not have gone out; send it again (at least once). */
  resetInFlight(): number {
    return this.st.resetInFlight.run().changes;
  }

  failPendingFor(channel: string, detail: string): number {
    return this.st.failOrphans.run(detail, channel).changes;
  }

  channelStatus(channel: string): ChannelStatusRow | null {
    return this.st.channelStatus.get(channel) ?? null;
  }

  episode(id: string): EpisodeRow | null {
    const row = this.st.episodeById.get(id);
    return row ? toEpisode(row) : null;
  }

  openEpisodes(): EpisodeRow[] {
    return this.st.openEpisodes.all().map(toEpisode);
  }

  episodes(filter: { accountId?: string; closed?: boolean; limit: number }): EpisodeRow[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.accountId !== undefined) {
      where.push('account_id = ?');
      params.push(filter.accountId);
    }
    if (filter.closed !== undefined)
      where.push(filter.closed ? 'closed_ms IS NOT NULL' : 'closed_ms IS NULL');
    params.push(filter.limit);
    const sql = `SELECT * FROM alert_episodes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_ms DESC, id LIMIT ?`;
    return this.db
      .prepare<(string | number)[], RawEpisode>(sql)
      .all(...params)
      .map(toEpisode);
  }

  deliveriesFor(episodeId: string): DeliveryRow[] {
    return this.st.deliveriesFor.all(episodeId).map(toDelivery);
  }

  allDeliveries(): DeliveryRow[] {
    return this.st.allDeliveries.all().map(toDelivery);
  }
}

function episodeParams(e: Episode) {
  return { ...episodeRowOf(e), blind: e.blind ? 1 : 0 };
}

/** The row an episode is stored as (also what is shown of an episode not stored yet). */
export function episodeRowOf(e: Episode): EpisodeRow {
  return {
    id: e.id,
    accountId: e.accountId,
    subject: e.subject,
    kind: e.kind,
    level: e.level,
    peakLevel: e.peakLevel,
    blind: e.blind,
    title: e.title,
    body: e.body,
    openedMs: e.openedAtMs,
    updatedMs: e.updatedAtMs,
    closedMs: e.closedAtMs,
    acknowledgedMs: e.acknowledgedAtMs,
    snoozedUntilMs: e.snoozedUntilMs,
  };
}

function toEpisode(r: RawEpisode): EpisodeRow {
  return {
    id: r.id,
    accountId: r.account_id,
    subject: r.subject,
    kind: r.kind,
    level: r.level,
    peakLevel: r.peak_level,
    blind: r.blind === 1,
    title: r.title,
    body: r.body,
    openedMs: r.opened_ms,
    updatedMs: r.updated_ms,
    closedMs: r.closed_ms,
    acknowledgedMs: r.acknowledged_ms,
    snoozedUntilMs: r.snoozed_until_ms,
  };
}

function toDelivery(r: RawDelivery): DeliveryRow {
  return {
    id: r.id,
    key: r.idempotency_key,
    episodeId: r.episode_id,
    channel: r.channel,
    payload: JSON.parse(r.payload) as NotificationIntent,
    status: r.status,
    attempts: r.attempts,
    rounds: r.rounds,
    createdMs: r.created_ms,
    nextAttemptMs: r.next_attempt_ms,
    lastAttemptMs: r.last_attempt_ms,
    sentMs: r.sent_ms,
    detail: r.detail,
  };
}
