// Exact figures on screen vs the service API, with the demo replay slowed almost to a stop so both
// sides see the same snapshot: the account card (equity, margin ratio, top-up) and a what-if run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './support/api-client';
import { launchChromium } from './support/browser';
import { startHeadless, type RunningHeadless } from './support/headless-process';

describe('exact numbers against the API (demo replay nearly frozen)', () => {
  let dataDir: string;
  let service: RunningHeadless;
  let api: ApiClient;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mw-e2e-exact-'));
    service = await startHeadless({ dataDir, demoSpeed: 0.001 });
    api = await ApiClient.connect(service.origin, service.token);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    api?.close();
    if (service) expect(await service.stop()).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the account figures the API returns for the same snapshot', async () => {
    await page.goto(service.url);
    await expect
      .poll(async () => (await api.call('state.get', {})).accounts[0]?.report !== null, { timeout: 30_000 })
      .toBe(true);
    const account = (await api.call('state.get', {})).accounts[0]!;
    await page.waitForSelector(`[data-account="${account.id}"] [data-field="equity"]`);
    const card = await page.$eval(`[data-account="${account.id}"]`, (el) => ({
      asOf: (el as HTMLElement).dataset.asOf,
      equity: (el.querySelector('[data-field="equity"]') as HTMLElement).dataset.raw,
      topUpText: el.querySelector('[data-field="topup"]')?.textContent ?? null,
      actionText: el.querySelector('[data-field="card-action"]')?.textContent ?? null,
      ratioText: el.querySelector('[role="meter"]')?.getAttribute('aria-valuetext'),
    }));
    const same =
      api.accountsByAsOf.get(`${account.id}@${card.asOf}`) ??
      (account.snapshot?.asOf === card.asOf ? account : undefined);
    expect(same, 'API view for the snapshot the UI shows').toBeDefined();
    expect(card.equity).toBe(same!.report!.account.marginBalance);
    const ratio = Number(same!.report!.account.marginRatio);
    expect(card.ratioText).toBe(ratio >= 1 ? '≥ 100 % (liquidation)' : `${(ratio * 100).toFixed(2)} %`);
    // In danger the card shows the verdict's restoring action in place of the account-wide top-up.
    const worst = same!.danger?.worst;
    const action =
      worst && worst.level !== 'ok' && worst.level !== 'watch' ? (worst.action?.text ?? null) : null;
    expect(card.actionText).toBe(action);
    if (action === null) {
      expect(Number(card.topUpText!.replace(/[^0-9.]/g, ''))).toBeCloseTo(
        Number(same!.report!.account.topUpToTarget),
        2,
      );
    } else expect(card.topUpText).toBeNull();
  });

  it('shows the what-if result the engine computes for the same inputs', async () => {
    const account = (await api.call('state.get', {})).accounts[0]!;
    await page.evaluate((id) => (location.hash = `#/whatif/${encodeURIComponent(id)}`), account.id);
    await page.fill('[data-testid="whatif-shock-all"]', '-7');
    await page.fill('[data-testid="whatif-funding"]', '4');
    const direct = await api.call('whatif.run', {
      accountId: account.id,
      shocks: { '*': '-0.07' },
      fundingHours: 4,
    });
    await page.click('[data-testid="whatif-run"]');
    await page.waitForSelector('[data-testid="whatif-result"]');
    const shown = await page.$eval('[data-testid="whatif-result"]', (el) => ({
      ratio: (el.querySelector('[data-field="whatif-ratio"]') as HTMLElement).dataset.raw,
      topUp: (el.querySelector('[data-field="whatif-topup"]') as HTMLElement).dataset.raw,
      liquidated: [...el.querySelectorAll('tbody tr')].filter((tr) => tr.textContent?.includes('LIQUIDATED'))
        .length,
    }));
    expect(shown.ratio).toBe(direct.report.account.marginRatio ?? '');
    expect(shown.topUp).toBe(direct.report.account.topUpToTarget);
    expect(shown.liquidated).toBe(direct.liquidated.length);
  });
});
