// The What-if view's "Replay through a past crash" panel in the real UI against the real headless
// service: the liquidation time and lead time on screen equal what `replay.run` returns through the api.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './support/api-client';
import { launchChromium, runAxe, screenshot, seriousOnly, watchPageProblems } from './support/browser';
import { startHeadless, type RunningHeadless } from './support/headless-process';

describe('replay through a past crash (What-if view)', () => {
  let dataDir: string;
  let service: RunningHeadless;
  let api: ApiClient;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mw-e2e-replay-'));
    service = await startHeadless({ dataDir });
    api = await ApiClient.connect(service.origin, service.token);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    problems = watchPageProblems(page);
  });

  afterAll(async () => {
    await browser?.close();
    api?.close();
    if (service) {
      const code = await service.stop();
      expect(code, `headless exit code; stderr:\n${service.stderr().slice(-2000)}`).toBe(0);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows when the exchange liquidated and the warning it had, as replay.run computes them', async () => {
    const params = { symbol: 'ETHUSDT', leverage: 40, openAfterMin: 15 } as const;
    await page.goto(service.url);
    await page.evaluate(() => (location.hash = '#/whatif'));
    await page.waitForSelector('[data-testid="replay-panel"]');
    await page.selectOption('[data-testid="replay-symbol"]', params.symbol);
    await page.fill('[data-testid="replay-leverage"]', String(params.leverage));
    await page.fill('[data-testid="replay-open"]', String(params.openAfterMin));
    await page.click('[data-testid="replay-run"]');
    await page.waitForSelector('[data-testid="replay-result"]', { timeout: 120_000 });
    await screenshot(page, 'replay-panel');

    const direct = await api.call('replay.run', params);
    expect(direct.symbol).toBe(params.symbol);
    const liquidations = direct.lines.filter((l) => l.kind === 'liquidated');
    expect(
      liquidations.length,
      'the chosen crash must liquidate something for this check to mean anything',
    ).toBeGreaterThan(0);
    expect(liquidations.length).toBe(direct.summary.liquidations);

    const shown = await page.$$eval('[data-testid="replay-liquidation"]', (lis) =>
      lis.map((li) => ({
        at: (li.querySelector('[data-field="replay-liquidated-at"]') as HTMLElement).dataset.raw ?? '',
        atText: li.querySelector('[data-field="replay-liquidated-at"]')?.textContent ?? '',
        lead: (li.querySelector('[data-field="replay-lead"]') as HTMLElement).dataset.raw ?? '',
        leadText: li.querySelector('[data-field="replay-lead"]')?.textContent ?? '',
        text: li.textContent ?? '',
      })),
    );
    expect(shown.map((s) => s.at)).toEqual(liquidations.map((l) => l.t));
    for (const [i, l] of liquidations.entries()) {
      // Lead time: from the first margin-call-or-worse alert on the liquidated position.
      const warned = direct.lines.find(
        (x) =>
          x.kind === 'alert' &&
          x.subject === l.subject &&
          (x.level === 'margin-call' || x.level === 'critical'),
      );
      const leadMs = warned ? Date.parse(l.t) - Date.parse(warned.t) : null;
      expect(shown[i]!.lead).toBe(leadMs === null ? '' : String(leadMs));
      expect(shown[i]!.atText).toBe(`${l.t.slice(11, 19)} UTC`);
      if (leadMs !== null) {
        const minutes = Math.floor(leadMs / 60_000);
        expect(shown[i]!.leadText).toContain(minutes > 0 ? `${minutes % 60} min` : 's');
      }
      expect(shown[i]!.text).toContain(l.subject.split(':')[1]!);
    }

    // Every alert is listed, none with an internal identifier.
    const alertsShown = await page.$$eval('[data-testid="replay-alerts"] li', (lis) =>
      lis.map((li) => li.textContent ?? ''),
    );
    const alertLines = direct.lines.filter((l) => l.kind === 'alert' && !l.subject.startsWith('liquidated:'));
    expect(alertsShown.length).toBe(alertLines.length);
    const panelText = (await page.textContent('[data-testid="replay-panel"]')) ?? '';
    expect(panelText).not.toMatch(/position:|predictive:|liquidated:/);

    expect(seriousOnly(await runAxe(page)), 'serious accessibility violations').toEqual([]);
    expect(problems).toEqual([]);
  });
});
