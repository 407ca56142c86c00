// Settings the service could not read are said on the Settings page, not replaced by defaults silently.
import { describe, expect, it } from 'vitest';
import { useSyntheticWindow } from './support/synthetic-window';

describe('unreadable stored settings', () => {
  const w = useSyntheticWindow({
    monitor: { accounts: 1, positionsPerAccount: 1, historyDays: 1 },
    viewport: { width: 1280, height: 900 },
    prepare: (synthetic) => {
      synthetic.settings = {
        settingsProblems: [
          'The stored alert settings could not be read (alerts: Unrecognized key: "escalateAfterMin"); the defaults are in use until you save these settings.',
        ],
      };
    },
  });

  it('shows the service’s problem at the top of Settings, and nothing when there is none', async () => {
    await w.page.evaluate(() => (location.hash = '#/settings'));
    const box = await w.page.waitForSelector('[data-testid="settings-problem"]');
    expect(await box.getAttribute('role')).toBe('alert');
    expect(await box.textContent()).toContain('The stored alert settings could not be read');
    w.api.settings = {};
    await w.page.evaluate(() => (location.hash = '#/'));
    await w.page.reload();
    await w.page.evaluate(() => (location.hash = '#/settings'));
    await w.page.waitForSelector('h1:has-text("Settings")');
    expect(await w.page.$('[data-testid="settings-problem"]')).toBeNull();
  });
});
