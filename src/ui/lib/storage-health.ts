// What the trader must know about local storage (ServiceStatus.storage): a red banner while the
// database takes no writes (alerts still go out, history is lost), an amber note when the disk runs low.
import type { ServiceStatus } from '../../api/messages';

export interface StorageNotes {
  /** Persistent red banner text while writes fail, else null. */
  failing: string | null;
  /** Amber note while free space is low, else null. */
  lowDisk: string | null;
}

export function storageNotes(status: Pick<ServiceStatus, 'storage'> | null): StorageNotes {
  const storage = status?.storage;
  if (!storage) return { failing: null, lowDisk: null };
  const failing =
    storage.summary === 'degraded: storage'
      ? `MarginWatch cannot save${storage.failing ? ` (${storage.failing})` : ''}: alerts still go out but history is not being kept.`
      : null;
  const lowDisk = storage.lowDisk
    ? `Disk space is low (${storage.lowDisk}): free some space so MarginWatch can keep saving history.`
    : null;
  return { failing, lowDisk };
}
