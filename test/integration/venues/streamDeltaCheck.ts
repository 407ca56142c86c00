// Shared check for venues whose stream carries positions: a position pushed on the local server's stream
// (and only there) reaches the snapshot with no REST read in between, and the periodic REST
// reconciliation then brings the snapshot back to what the exchange's REST state says.
import { expect } from 'vitest';
import type { AccountSnapshot } from '../../../src/domain/contracts';
import type { VenueHealth, VenueListener } from '../../../src/venues/types';
import { waitFor } from './binanceHarness';

export interface Recorder {
  snaps: AccountSnapshot[];
  health: VenueHealth[];
  /** REST position reads the server had counted when each snapshot arrived. */
  readsAt: number[];
  listener: VenueListener;
}

export function recorder(restReads: () => number): Recorder {
  const r: Recorder = {
    snaps: [],
    health: [],
    readsAt: [],
    listener: {
      onSnapshot: (s) => {
        r.snaps.push(s);
        r.readsAt.push(restReads());
      },
      onHealth: (h) => r.health.push(h),
    },
  };
  return r;
}

/** `pushStreamOnly` changes the position on the stream alone; the REST state keeps `truthSize`. */
export async function expectDeltaThenReconciliation(
  r: Recorder,
  restReads: () => number,
  pushStreamOnly: () => void,
  streamedSize: string,
  truthSize: string,
  checkStreamed: (s: AccountSnapshot) => void = () => {},
): Promise<void> {
  expect(r.snaps.at(-1)!.positions[0]!.size).toBe(truthSize);
  const before = r.snaps.length;
  const reads = restReads();
  pushStreamOnly();
  await waitFor(() => r.snaps.slice(before).some((s) => s.positions[0]?.size === streamedSize), 3_000, 'stream delta in the snapshot');
  const k = before + r.snaps.slice(before).findIndex((s) => s.positions[0]?.size === streamedSize);
  expect(r.readsAt[k]).toBe(reads); // applied from the stream: no REST position read in between
  expect(r.snaps[k]!.positions[0]!.reported?.unrealizedPnl).toBeUndefined(); // the venue's old figures are not shown as current
  checkStreamed(r.snaps[k]!);
  await waitFor(() => r.snaps.at(-1)?.positions[0]?.size === truthSize, 5_000, 'REST reconciliation');
  expect(restReads()).toBeGreaterThan(reads);
  expect(r.health.at(-1)!.state).toBe('live');
}
