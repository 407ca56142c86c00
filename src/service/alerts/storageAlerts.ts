// The system:storage alert and the write-back loop: while the database cannot be written, retry the
// kept decisions every few seconds (exactly once when they fit), re-judge the alert (so a critical one
// repeats until acknowledged) and close it once a probe write succeeds.
import type { AlertStore } from '../../store/alertStore';
import { MONITOR_ACCOUNT_ID } from '../../domain/alerts/channels';
import { DEFAULT_ALERT_SETTINGS } from '../../domain/alerts/settings';
import { reduceStorageAlerts } from '../../domain/alerts/storage';
import type { StorageMonitor } from '../storageMonitor';
import type { AlertDecider } from './decide';
import type { Outbox } from './outbox';
import type { UnsavedDecisions } from './unsaved';

export interface StorageAlertsOptions {
  storage: StorageMonitor;
  store: AlertStore;
  decider: AlertDecider;
  outbox: Outbox;
  unsaved: UnsavedDecisions;
  now: () => number;
  utcOffsetMin: (nowMs: number) => number;
  onError: (error: unknown) => void;
  retryMs: number;
}

export class StorageAlerts {
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(private readonly o: StorageAlertsOptions) {
    // Judged once the current decision is done: never inside another commit.
    o.storage.onChange(() => queueMicrotask(() => this.judge()));
  }

  /** Raises, repeats or closes the system:storage alert from the storage monitor's condition. */
  judge(): void {
    if (this.closed) return;
    const { decider, outbox, storage } = this.o;
    try {
      const nowMs = this.o.now();
      const result = reduceStorageAlerts(decider.state(MONITOR_ACCOUNT_ID), {
        condition: storage.condition(),
        settings: DEFAULT_ALERT_SETTINGS,
        nowMs,
        utcOffsetMin: this.o.utcOffsetMin(nowMs),
      });
      void outbox.deliver(decider.commit(MONITOR_ACCOUNT_ID, result, nowMs, true));
    } catch (error) {
      this.o.onError(error);
    }
    this.watch();
  }

  /** Writes what was kept in memory (exactly once) and tells the storage monitor when writes work. */
  retry(): void {
    const { decider, storage, store, outbox } = this.o;
    try {
      if (decider.saveUnsaved() && storage.degraded) {
        try {
          store.probeWrite(this.o.now());
          storage.recovered(); // its change event closes the alert
        } catch (error) {
          if (!storage.failed(error)) throw error;
        }
      }
      if (storage.degraded) this.judge();
      else void outbox.flush(); // stored deliveries that waited for the disk
    } catch (error) {
      this.o.onError(error);
    }
    this.watch();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The retry timer runs only while storage fails or decisions wait in memory. */
  private watch(): void {
    const failing = this.o.storage.degraded || this.o.unsaved.size > 0;
    if (!failing || this.closed) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      return;
    }
    if (this.timer) return;
    this.timer = setInterval(() => this.retry(), this.o.retryMs);
    this.timer.unref?.();
  }
}
