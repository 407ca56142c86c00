// The alert thresholds a trader edits are the danger policy's, through the API and across a restart;
// the old ratio/distance table, which decides nothing, is refused rather than saved.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createMonitor } from '../../src/service';
import { databaseFile } from '../../src/paths';

const resourcesDir = join(import.meta.dirname, '../../resources');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A data directory removed after the test, and a way to (re)start the service on it. */
function freshDataDir() {
  const dataDir = mkdtempSync(join(tmpdir(), 'mw-settings-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const open = () => createMonitor({ dataDir, shell: 'headless', resourcesDir, channels: [], log: () => {} });
  return { dataDir, open };
}

type DangerSettings = {
  alerts: {
    danger: { marginRatio: Record<string, number | null>; sigmaDistance1h: Record<string, number | null> };
  };
};

describe('danger thresholds in settings', () => {
  it('saves the danger policy, keeps it across a restart, and refuses the retired ratio table', async () => {
    const { open } = freshDataDir();
    const monitor = await open();

    const saved = await monitor.call('settings.update', {
      patch: {
        alerts: { danger: { marginRatio: { 'margin-call': 0.75 }, sigmaDistance1h: { warning: 2 } } },
      },
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

describe('stored settings that cannot be read', () => {
  it('says so, runs on the defaults, and keeps the unread copy aside when the user saves', async () => {
    const { dataDir, open } = freshDataDir();
    const first = await open();
    await first.close();
    // As a newer version would leave them: a key this version does not know.
    const newer = JSON.stringify({ pushFrom: 'critical', escalateAfterMin: 5 });
    const db = new Database(databaseFile(dataDir));
    db.prepare(
      "INSERT INTO settings (key, json) VALUES ('alerts', ?) ON CONFLICT(key) DO UPDATE SET json = excluded.json",
    ).run(newer);
    db.close();

    const monitor = await open();
    cleanup.push(() => monitor.close());
    const got = (await monitor.call('settings.get', {})) as {
      ok: true;
      result: { settingsProblems: string[]; alerts: { pushFrom: string } };
    };
    expect(got.result.settingsProblems).toEqual([
      expect.stringMatching(
        /^The stored alert settings could not be read \(alerts: .*escalateAfterMin.*\); the defaults are in use until you save/,
      ),
    ]);
    expect(got.result.alerts.pushFrom).toBe('warning');

    const saved = await monitor.call('settings.update', { patch: { alerts: { pushFrom: 'margin-call' } } });
    if (!saved.ok) throw new Error(saved.error.message);
    expect(saved.result.settingsProblems).toEqual([]);
    await monitor.close();
    const check = new Database(databaseFile(dataDir), { readonly: true });
    const row = (key: string) =>
      (check.prepare('SELECT json FROM settings WHERE key = ?').get(key) as { json: string } | undefined)
        ?.json;
    expect(row('alerts.unreadable')).toBe(newer);
    expect(JSON.parse(row('alerts')!).pushFrom).toBe('margin-call');
    check.close();
  });
});
