// Whether the database can be written, and how much room is left. Fed by the places that write
// (alert pipeline, account runners) and by a free-space check (fs.statfs); the alert pipeline turns
// its changes into the system:storage alert and the service status into "degraded: storage".
import { statfs } from 'node:fs/promises';
import type { StorageHealthView } from '../api/health';
import type { StorageCondition } from '../domain/alerts/storage';
import { describeStorageFailure, isStorageFailure } from '../store/storageErrors';

export interface StorageMonitorOptions {
  /** The database file (named in messages). */
  file: string;
  /** The folder whose filesystem is checked for free space. */
  dir: string;
  /** Below this many free bytes a low-disk warning is raised (default 100 MB; 0 turns it off). */
  lowDiskBytes?: number;
  log?: (line: string) => void;
  /** For tests: free bytes of `dir`. */
  freeBytes?: (dir: string) => Promise<number>;
}

export class StorageMonitor {
  private failing: string | null = null;
  private lowDisk: string | null = null;
  private freeBytesSeen: number | null = null;
  private readonly listeners = new Set<(c: StorageCondition) => void>();
  private readonly lowDiskBytes: number;
  private readonly log: (line: string) => void;

  constructor(private readonly o: StorageMonitorOptions) {
    this.lowDiskBytes = o.lowDiskBytes ?? 100 * 1024 * 1024;
    this.log = o.log ?? (() => {});
  }

  view(): StorageHealthView {
    return {
      summary: this.failing === null ? 'ok' : 'degraded: storage',
      failing: this.failing,
      lowDisk: this.lowDisk,
      freeBytes: this.freeBytesSeen,
    };
  }

  condition(): StorageCondition {
    return { failing: this.failing, lowDisk: this.lowDisk };
  }

  get degraded(): boolean {
    return this.failing !== null;
  }

  freeBytes(): number | null {
    return this.freeBytesSeen;
  }

  onChange(listener: (c: StorageCondition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A write failed. True when it was a storage failure (recorded); false for anything else. */
  failed(error: unknown): boolean {
    if (!isStorageFailure(error)) return false;
    const why = describeStorageFailure(error, this.o.file);
    if (why !== this.failing) {
      this.failing = why;
      this.log(`storage: cannot save (${why}); alerts still go out, history is not being kept`);
      this.changed();
    }
    return true;
  }

  /** Writes succeed again. */
  recovered(): void {
    if (this.failing === null) return;
    this.log(`storage: the database at ${this.o.file} can be written again`);
    this.failing = null;
    this.changed();
  }

  /** Reads the free space of the data folder's filesystem; raises or clears the low-disk warning. */
  async checkFreeSpace(): Promise<void> {
    let free: number;
    try {
      free = this.o.freeBytes
        ? await this.o.freeBytes(this.o.dir)
        : await statfs(this.o.dir).then((s) => s.bavail * s.bsize);
    } catch {
      return; // statfs unsupported here: no warning rather than a wrong one
    }
    this.freeBytesSeen = free;
    const low = this.lowDiskBytes > 0 && free < this.lowDiskBytes ? `${formatMb(free)} free at ${this.o.dir}` : null;
    if ((low === null) !== (this.lowDisk === null)) {
      this.lowDisk = low;
      if (low) this.log(`storage: disk almost full (${low})`);
      this.changed();
    } else this.lowDisk = low;
  }

  private changed(): void {
    const c = this.condition();
    for (const l of this.listeners) l(c);
  }
}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
