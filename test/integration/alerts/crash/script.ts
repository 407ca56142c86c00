// The scripted market the crash test replays: a few accounts whose margin ratios wander across
// every level, deterministic from a seed so the parent can compute the expected pushes itself.
import { DEFAULT_ALERT_SETTINGS, reduceAlerts, type AlertsState } from '../../../../src/domain/alerts';
import { liveHealth, report } from '../../../unit/alerts/fixtures';

export interface CrashStep {
  accountId: string;
  atMs: number;
  ratio: string;
}

export const CRASH_CHANNELS = ['sink-a', 'sink-b'] as const;
export const CRASH_T0 = Date.parse('2026-03-02T12:00:00.000Z');

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function crashScript(seed: number, accounts = 4, stepsPerAccount = 80): CrashStep[] {
  const rand = mulberry32(seed);
  const ratios = Array.from({ length: accounts }, () => 0.4);
  const steps: CrashStep[] = [];
  for (let i = 0; i < stepsPerAccount; i++) {
    for (let a = 0; a < accounts; a++) {
      // A mean-reverting walk around 0.75 with swings big enough to cross levels up and down.
      ratios[a] = Math.min(
        0.99,
        Math.max(0.2, ratios[a]! + (0.75 - ratios[a]!) * 0.1 + (rand() - 0.5) * 0.16),
      );
      steps.push({ accountId: `acc${a}`, atMs: CRASH_T0 + i * 40_000 + a, ratio: ratios[a]!.toFixed(4) });
    }
  }
  return steps;
}

export function stepInput(step: CrashStep) {
  return { report: report(step.ratio, undefined, step.atMs), forecast: null, health: liveHealth(step.atMs) };
}

/** What an uninterrupted run must deliver: every push key × every channel. */
export function expectedDeliveries(steps: readonly CrashStep[]): string[] {
  const states = new Map<string, AlertsState | null>();
  const keys: string[] = [];
  for (const step of steps) {
    const r = reduceAlerts(states.get(step.accountId) ?? null, {
      accountId: step.accountId,
      ...stepInput(step),
      settings: DEFAULT_ALERT_SETTINGS,
      nowMs: step.atMs,
      utcOffsetMin: 0,
      monitor: { silentMs: 0, resumedAfterGapMs: null },
    });
    states.set(step.accountId, r.state);
    for (const e of r.effects)
      if (e.type === 'notify') for (const c of CRASH_CHANNELS) keys.push(`${e.notification.key}@${c}`);
  }
  return keys;
}
