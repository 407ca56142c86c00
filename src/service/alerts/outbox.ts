// The outbox: sends committed deliveries, channels in parallel and each channel in order, with
// retry rounds and backoff. At-least-once with an idempotency key per push and channel: a delivery
// is marked "sending" (committed) before the channel is called and "sent" after, so a crash in
// between re-sends it after restart (see docs/ALERTS.md for that window).
import type { AlertStore, DeliveryRow } from '../../store/alertStore';
import type { NotificationChannel, SendResult } from '../../notify/types';
import type { Claimed } from './decide';
import type { AlertEvents } from './events';
import type { UnsavedDecisions } from './unsaved';
import type { DeliveryRetryPolicy } from './types';
import { toOutgoing } from './views';

export interface OutboxOptions {
  store: AlertStore;
  channels: ReadonlyMap<string, NotificationChannel>;
  events: AlertEvents;
  now: () => number;
  retry: DeliveryRetryPolicy;
  onError: (error: unknown) => void;
  awaitDeliveryMs: number;
  sendTimeoutMs: number;
  /** Re-judges channel health after trouble; true when that raised an alert to send. */
  judgeChannels: () => boolean;
  /** Deliveries of decisions the database could not take (sent from memory, never marked on disk). */
  unsaved: UnsavedDecisions;
  /** A write failed: true when it was the disk (the stored deliveries wait for it, quietly). */
  storageFailed: (error: unknown) => boolean;
}

/** One channel.send that always settles: a throw or no answer within `timeoutMs` is a failed send. */
export async function sendWithTimeout(
  channel: NotificationChannel,
  row: DeliveryRow,
  timeoutMs: number,
): Promise<SendResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // A channel that never answers must not hold its delivery "sending" forever; a late success
    // after the timeout means a same-key re-send on the next round (at-least-once).
    const timeout = new Promise<SendResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    return await Promise.race([channel.send(toOutgoing(row.payload)), timeout]);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export class Outbox {
  private flushing: Promise<void> | null = null;
  private flushAgain = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly o: OutboxOptions) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends this decision's deliveries (and anything else due), waiting at most awaitDeliveryMs. */
  async deliver(claimed: Claimed): Promise<void> {
    const work = Promise.all([this.sendClaimed(claimed.saved), this.sendUnsaved(claimed.unsaved), this.flush()]).then(
      () => undefined,
      (error: unknown) => this.o.onError(error),
    );
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
    if (!Number.isFinite(this.o.awaitDeliveryMs)) return work;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      work,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.o.awaitDeliveryMs))),
    ]);
    clearTimeout(timer);
  }

  /** Resolves once no delivery is in flight and nothing due is left unsent. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0 || this.flushing) {
      await Promise.all([...this.inflight, this.flushing]);
    }
  }

  /** Delivers everything due; concurrent callers share one run (a second pass if asked meanwhile). */
  flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.flushAgain = false;
          await this.deliverDue();
        } while (this.flushAgain && !this.closed);
      } catch (error) {
        this.o.onError(error);
      } finally {
        this.flushing = null;
        this.scheduleRetry();
      }
    })();
    return this.flushing;
  }

  /** Stops the retry timer and waits for sends in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.idle();
  }

  private async deliverDue(): Promise<void> {
    const { store } = this.o;
    await this.sendUnsaved(this.o.unsaved.claimUnsent(this.o.now()));
    // Decisions still in memory mean the disk is failing: stored deliveries wait until it is back.
    if (this.o.unsaved.size > 0) return;
    const due = store.dueDeliveries(this.o.now());
    if (due.length === 0) return;
    let claimed: DeliveryRow[];
    try {
      claimed = due.filter((d) =>
        this.o.channels.has(d.channel) ? store.claim(d.id, this.o.now()) : this.dropOrphan(d),
      );
    } catch (error) {
      if (this.o.storageFailed(error)) return;
      throw error;
    }
    await this.sendClaimed(claimed, true);
  }

  private dropOrphan(d: DeliveryRow): false {
    this.o.store.markFailed(d, 0, `channel "${d.channel}" is no longer configured`, null, this.o.now());
    return false;
  }

  /** Sends deliveries already marked "sending": channels in parallel (a slow webhook must not delay
   *  the OS notification), each channel in order. */
  private async sendClaimed(rows: readonly DeliveryRow[], insideFlush = false): Promise<void> {
    if (rows.length === 0) return;
    const byChannel = new Map<string, DeliveryRow[]>();
    for (const d of rows) byChannel.set(d.channel, [...(byChannel.get(d.channel) ?? []), d]);
    let channelTrouble = false;
    await Promise.all(
      [...byChannel.entries()].map(async ([channelId, list]) => {
        for (const row of list) {
          const outcome = await this.sendOne(channelId, row);
          if (outcome === 'failed' || outcome === 'recovered') channelTrouble = true;
        }
      }),
    );
    // A "channel failing" alert goes out through the other channels before we return. Inside the
    // flush loop a second pass picks it up; outside, start (or join) a flush.
    if (!channelTrouble) return;
    const notify = this.o.judgeChannels();
    if (notify) this.flushAgain = true;
    if (notify && !insideFlush) await this.flush();
  }

  /** Memory-only deliveries (the database is failing): same channels, results kept in memory; one
   *  that fails is tried again on the next pass and written pending when the disk is back. */
  private async sendUnsaved(rows: readonly DeliveryRow[]): Promise<void> {
    if (rows.length === 0) return;
    const byChannel = new Map<string, DeliveryRow[]>();
    for (const d of rows) byChannel.set(d.channel, [...(byChannel.get(d.channel) ?? []), d]);
    await Promise.all(
      [...byChannel.entries()].map(async ([channelId, list]) => {
        const channel = this.o.channels.get(channelId);
        for (const row of list) {
          const result: SendResult = channel
            ? await sendWithTimeout(channel, row, this.o.sendTimeoutMs)
            : { ok: false, detail: `channel "${channelId}" is no longer configured` };
          this.o.unsaved.settle(row, result.ok, result.attempts ?? 1, result.detail ?? null, this.o.now());
          this.o.events.episode(row.episodeId);
        }
      }),
    );
    if (rows.some((r) => r.status === 'pending')) this.scheduleRetry();
  }

  private async sendOne(channelId: string, row: DeliveryRow): Promise<'sent' | 'recovered' | 'failed'> {
    const { store } = this.o;
    const channel = this.o.channels.get(channelId);
    if (!channel) {
      this.dropOrphan(row); // removed by setChannels() after the delivery was claimed
      return 'failed';
    }
    const result = await sendWithTimeout(channel, row, this.o.sendTimeoutMs);
    const doneMs = this.o.now();
    const attempts = result.attempts ?? 1;
    const before = store.channelStatus(channelId)?.consecutiveFailures ?? 0;
    if (result.ok) {
      store.markSent(row, attempts, result.detail ?? null, doneMs);
    } else {
      const { maxRounds, baseDelayMs, maxDelayMs } = this.o.retry;
      const round = row.rounds + 1;
      const retryAt =
        round < maxRounds ? doneMs + Math.min(maxDelayMs, baseDelayMs * 2 ** (round - 1)) : null;
      store.markFailed(row, attempts, result.detail ?? 'failed', retryAt, doneMs);
    }
    this.o.events.episode(row.episodeId);
    if (!result.ok) return 'failed';
    return before > 0 ? 'recovered' : 'sent';
  }

  private scheduleRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.closed) return;
    // Memory deliveries that failed are retried after the first backoff step.
    const memoryRetry = this.o.unsaved.hasUnsent() ? this.o.now() + this.o.retry.baseDelayMs : null;
    const stored = this.o.store.nextDueMs();
    const next = stored === null ? memoryRetry : memoryRetry === null ? stored : Math.min(stored, memoryRetry);
    if (next === null) return;
    const delay = Math.max(0, Math.min(next - this.o.now(), 2 ** 31 - 1));
    this.retryTimer = setTimeout(() => void this.flush(), delay);
    this.retryTimer.unref?.();
  }
}
