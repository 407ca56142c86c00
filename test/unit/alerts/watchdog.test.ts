import { describe, expect, it } from 'vitest';
import { Watchdog } from '../../../src/service/alerts/watchdog';

describe('Watchdog', () => {
  it('beats on its own timer and reports a late beat (sleep/stall) as a gap', async () => {
    const checks: { gapMs: number | null; monoNowMs: number }[] = [];
    let wallOffset = 0;
    const dog = new Watchdog({
      target: { watchdogCheck: async (_id, c) => void checks.push(c) },
      accountId: 'acc',
      intervalMs: 20,
      wallNow: () => Date.now() + wallOffset,
    });
    dog.start();
    await new Promise((r) => setTimeout(r, 150));
    const beforeGap = checks.length;
    expect(beforeGap).toBeGreaterThanOrEqual(3);
    expect(checks.every((c) => c.gapMs === null || c.gapMs < 60 * 20)).toBe(true);
    // The machine "slept" for 10 minutes: the wall clock jumped, the monotonic one did not.
    wallOffset = 600_000;
    await new Promise((r) => setTimeout(r, 60));
    await dog.stop();
    // (A loaded machine may add small late-beat gaps; the sleep shows up exactly once.)
    const sleeps = checks.slice(beforeGap).filter((c) => c.gapMs !== null && c.gapMs >= 600_000);
    expect(sleeps).toHaveLength(1);
    const after = checks.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(checks.length).toBe(after); // stopped means stopped
    expect(checks.map((c) => c.monoNowMs)).toEqual([...checks.map((c) => c.monoNowMs)].sort((a, b) => a - b));
  });

  it('a slow check is not mistaken for a sleep gap', async () => {
    let mono = 0;
    const checks: (number | null)[] = [];
    let finish: () => void = () => undefined;
    const dog = new Watchdog({
      target: { watchdogCheck: (_id, c) => (checks.push(c.gapMs), new Promise<void>((r) => (finish = r))) },
      accountId: 'acc',
      intervalMs: 1000,
      monoNow: () => mono,
      wallNow: () => mono,
    });
    void dog.beat();
    for (let i = 0; i < 30; i++) {
      mono += 1000;
      void dog.beat(); // the first check hangs for 30 s; beats keep their timing
    }
    finish();
    await new Promise((r) => setTimeout(r, 0));
    mono += 1000;
    await Promise.race([dog.beat(), new Promise((r) => setTimeout(r, 0))]);
    expect(checks).toEqual([null, null]);
  });

  it('does not stack beats while a check is still running, and survives a failing check', async () => {
    let running = 0;
    let maxRunning = 0;
    const errors: unknown[] = [];
    const dog = new Watchdog({
      target: {
        watchdogCheck: async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((r) => setTimeout(r, 30));
          running--;
          throw new Error('disk full');
        },
      },
      accountId: 'acc',
      intervalMs: 5,
      onError: (e) => errors.push(e),
    });
    dog.start();
    await new Promise((r) => setTimeout(r, 120));
    await dog.stop();
    expect(maxRunning).toBe(1);
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });
});
