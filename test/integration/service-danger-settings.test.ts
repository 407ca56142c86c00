// The alert thresholds a trader edits are the danger policy's, through the API and across a restart;
// the old ratio/distance table, which decides nothing, is refused rather than saved.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMonitor } from '../../src/service';

const resourcesDir = join(import.meta.dirname, '../../resources');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

type DangerSettings = {
  alerts: {
    danger: { marginRatio: Record<string, number | null>; sigmaDistance1h: Record<string, number | null> };
  };
};

describe('danger thresholds in settings', () => {
  it('saves the danger policy, keeps it across a restart, and refuses the retired ratio table', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mw-danger-settings-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const open = () =>
      createMonitor({ dataDir, shell: 'headless', resourcesDir, channels: [], log: () => {} });
    const monitor = await open();

    const saved = await monitor.call('settings.update', {
      patch: { alerts: { danger: { marginRatio: { 'margin-call': 0.75 }, sigmaDistance1h: { warning: 2 } } } },
    });
    if (!saved.ok) throw new Error(saved.error.message);
    const retired = await monitor.call('settings.update', {
      patch: { alerts: { levels: { watch: { marginRatio: 0.3, distance: null } } } },
    });
    expect(retired.ok ? '' : retired.error.message).toMatch(/alerts\.levels: no longer used.*alerts\.danger/);
    // Out of order: refused, naming the level in words; nothing changes.
    const outOfOrder = await monitor.call('settings.update', {
      patch: { alerts: { danger: { marginRatio: { critical: 0.5 } } } },
    });
    expect(outOfOrder.ok ? '' : outOfOrder.error.message).toMatch(
      /Liquidation imminent margin ratio must be above the Margin call one \(0\.75\)/,
    );
    await monitor.close();

    const again = await open();
    cleanup.push(() => again.close());
    const got = (await again.call('settings.get', {})) as {
      ok: true;
      result: DangerSettings & { alerts: Record<string, unknown> };
    };
    expect(got.result.alerts.danger.marginRatio).toEqual({
      watch: 0.5,
      warning: 0.7,
      'margin-call': 0.75,
      critical: 0.9,
    });
    expect(got.result.alerts.danger.sigmaDistance1h.warning).toBe(2);
    expect('levels' in got.result.alerts).toBe(false);
  });
});
