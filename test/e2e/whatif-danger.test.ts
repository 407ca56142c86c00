// Against a synthetic service whose pushes the test controls: the what-if view's per-asset shocks
// (positions' base assets and collateral assets, each sent under the keys the service applies) next to
// the default single shock, and the danger strip's collateral-risk line and "or …" alternatives.
import { describe, expect, it } from 'vitest';
import type { DangerSubjectView } from '../../src/api/messages';
import { runAxe, screenshot, seriousOnly } from './support/browser';
import { usdtAndBtcCollateral, withReportAccount } from './support/synthetic-monitor';
import { useSyntheticWindow } from './support/synthetic-window';

function subject(overrides: Partial<DangerSubjectView>): DangerSubjectView {
  return {
    subject: 'cross',
    label: 'cross book',
    level: 'margin-call',
    reason: 'margin ratio above the margin-call level',
    symbol: 'SYN1USDT',
    markPrice: '107',
    triggerPrice: '117.70',
    distance: '0.1',
    sigmaDistance1h: null,
    p1h: 0.2,
    p24h: 0.6,
    ttfMedianMin: 90,
    ttfQ10Min: 20,
    marginRatio: '0.8',
    action: null,
    ...overrides,
  };
}

/** The verdict's "add isolated margin" action as the service sends it. */
function addIsolatedMargin(amount: string, text: string) {
  return { kind: 'add-isolated-margin', amount, asset: 'USDT', text, targetDistance: '0.2' } as const;
}

describe('what-if per asset and the danger strip extras', () => {
  const w = useSyntheticWindow({
    monitor: { accounts: 1, positionsPerAccount: 2, historyDays: 1 },
    viewport: { width: 1280, height: 900 },
    prepare: (synthetic) => {
      synthetic.updateAccount(0, (a) => withReportAccount(a, { collateral: usdtAndBtcCollateral(null) }));
    },
  });

  it('keeps the single shock as the default and shocks each asset, collateral included, on request', async () => {
    await w.page.evaluate(() => (location.hash = '#/whatif/syn-0'));
    await w.page.waitForSelector('[data-testid="whatif-shock-all"]');
    await w.page.fill('[data-testid="whatif-shock-all"]', '-10');
    await w.page.click('[data-testid="whatif-run"]');
    await w.page.waitForSelector('[data-testid="whatif-result"]');
    expect(w.api.whatIfCalls.at(-1)).toEqual({
      accountId: 'syn-0',
      shocks: { '*': '-0.1' },
      fundingHours: 0,
    });

    await w.page.check('input[name="whatif-shock-mode"][value="per-asset"]');
    const assets = await w.page.$$eval('[data-testid="whatif-asset"]', (ls) =>
      ls.map((l) => (l as HTMLElement).dataset.asset),
    );
    // Positions' base assets first, then collateral assets.
    expect(assets).toEqual(['SYN0', 'SYN1', 'USDT', 'BTC']);
    await w.page.fill('[data-asset="BTC"] input', '-25');
    await w.page.fill('[data-asset="SYN1"] input', '5');
    await w.page.click('[data-testid="whatif-run"]');
    await w.page.waitForSelector('[data-testid="whatif-liquidations"]');
    expect(w.api.whatIfCalls).toHaveLength(2);
    // Each asset under its own name (collateral) and under its positions' symbols (marks).
    expect(w.api.whatIfCalls[1]!.shocks).toEqual({
      SYN0: '0',
      SYN0USDT: '0',
      SYN1: '0.05',
      SYN1USDT: '0.05',
      USDT: '0',
      BTC: '-0.25',
    });
    // The view shows the service's answer: after-shock ratio and the liquidation it reports.
    const state = await w.api.call('state.get', {});
    if (!state.ok) throw new Error('state.get failed');
    const nowRatio = Number(state.result.accounts[0]!.report!.account.marginRatio);
    const raw = await w.page.$eval('[data-field="whatif-ratio"]', (el) => (el as HTMLElement).dataset.raw);
    expect(raw).toBe((nowRatio + 0.25).toFixed(4));
    const liq = (await w.page.textContent('[data-testid="whatif-liquidations"]')) ?? '';
    expect(liq).toContain('SYN0USDT long');
    await screenshot(w.page, 'whatif-per-asset');
    expect(seriousOnly(await runAxe(w.page)), 'serious accessibility violations').toEqual([]);
  });

  it('shows the collateral-risk sentence and the alternatives after the primary action in the strip', async () => {
    await w.page.evaluate(() => (location.hash = '#/'));
    const reason = 'your BTC collateral covers less as BTC falls';
    w.api.updateAccount(0, (a) => ({
      ...withReportAccount(a, {
        collateralRisk: [
          {
            asset: 'BTC',
            symbol: 'SYN0USDT',
            kind: 'collateral-moves',
            valuePerPercentFall: '-285',
            reason,
          },
        ],
      }),
      danger: {
        level: 'margin-call',
        worst: subject({
          action: {
            kind: 'transfer-to-cross',
            amount: '1200',
            asset: 'USDT',
            text: 'transfer 1,200.00 USDT to the cross wallet',
            targetDistance: '0.2',
          },
          alternatives: [
            {
              kind: 'reduce',
              amount: '7.177',
              asset: 'SYN1',
              text: 'reduce SYN1USDT by 7.177 SYN1',
              targetDistance: '0.2',
            },
          ],
        }),
        subjects: [],
      },
    }));
    const strip = await w.page.waitForSelector('[data-testid="danger-strip"] [data-field="alternative"]');
    expect(await strip.textContent()).toBe('or reduce SYN1USDT by 7.177 SYN1');
    const order = await w.page.$$eval('[data-testid="danger-strip"] [data-field]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.field),
    );
    expect(order.indexOf('alternative')).toBe(order.indexOf('action') + 1);
    expect(await w.page.textContent('[data-testid="danger-strip"] [data-field="collateral-risk"]')).toBe(
      reason,
    );
    await screenshot(w.page, 'danger-strip-extras');
    expect(seriousOnly(await runAxe(w.page)), 'serious accessibility violations').toEqual([]);

    // Without them, neither line is shown.
    w.api.updateAccount(0, (a) => ({
      ...a,
      report: a.report && { ...a.report, account: { ...a.report.account, collateralRisk: [] } },
      danger: a.danger && { ...a.danger, worst: subject({ action: null }) },
    }));
    await w.page.waitForSelector('[data-testid="danger-strip"] [data-field="collateral-risk"]', {
      state: 'detached',
    });
    expect(await w.page.$('[data-testid="danger-strip"] [data-field="alternative"]')).toBeNull();
    expect(w.problems).toEqual([]);
  });

  it("puts the verdict's restoring action on the account card while the account is in danger, and only then", async () => {
    // The card's badge is the worst subject's level; beside it an account-wide top-up of 0 (an isolated
    // position needs its own margin) read as "nothing to do".
    const action = addIsolatedMargin('1062.98', 'add 1,062.98 USDT isolated margin to SYN1USDT short');
    w.api.updateAccount(0, (a) => ({
      ...a,
      danger: { level: 'margin-call', worst: subject({ action }), subjects: [] },
    }));
    await w.page.evaluate(() => (location.hash = '#/'));
    const card = await w.page.waitForSelector('[data-account="syn-0"] [data-field="card-action"]');
    expect(await card.textContent()).toBe('add 1,062.98 USDT isolated margin to SYN1USDT short');
    // The action replaces the account-wide top-up, which is about another book.
    expect(await w.page.$('[data-account="syn-0"] [data-field="topup"]')).toBeNull();
    w.api.updateAccount(0, (a) => ({
      ...a,
      danger: { level: 'watch', worst: subject({ level: 'watch', action }), subjects: [] },
    }));
    await w.page.waitForSelector('[data-account="syn-0"] [data-field="card-action"]', { state: 'detached' });
    await w.page.waitForSelector('[data-account="syn-0"] [data-field="topup"]');
    expect(w.problems).toEqual([]);
  });

  it("describes the badge's subject on the card and says why, in the card and the strip", async () => {
    // The card's badge is the worst subject's level; its probability and time rows must be that
    // subject's too, not the account ratio's next trigger, and the level's reason must be visible.
    const reason =
      'Margin call alert still open: now 2.07 σ from the trigger (1 h volatility); it eases once the danger clears';
    w.api.updateAccount(0, (a) => ({
      ...a,
      forecast: a.forecast && {
        ...a.forecast,
        levels: a.forecast.levels.map((l) => ({
          ...l,
          probabilities: l.probabilities.map((p) => ({ ...p, probability: 0.011 })),
          medianMinutes: 1163,
        })),
      },
      danger: {
        level: 'margin-call',
        worst: subject({
          label: 'SYN1USDT short (isolated)',
          distance: '-0.0418',
          reason,
          p1h: 0.004,
          ttfMedianMin: null,
        }),
        subjects: [],
      },
    }));
    await w.page.evaluate(() => (location.hash = '#/'));
    const card = '[data-account="syn-0"]';
    await expect
      .poll(() => w.page.textContent(`${card} [data-field="card-subject"]`))
      .toContain('SYN1USDT short (isolated)');
    expect(await w.page.textContent(`${card} [data-field="card-subject"]`)).toContain(
      '4.18 % from liquidation',
    );
    expect(await w.page.textContent(`${card} [data-field="card-reason"]`)).toBe(reason);
    expect(await w.page.textContent(`${card} [data-field="p1h"]`)).toBe('low');
    expect(await w.page.textContent(`${card} [data-field="ttt"]`)).toBe('> 24 h');
    expect(await w.page.textContent('[data-testid="danger-strip"] [data-field="reason"]')).toBe(
      `why: ${reason}`,
    );
    await screenshot(w.page, 'card-worst-subject');
    expect(seriousOnly(await runAxe(w.page)), 'serious accessibility violations').toEqual([]);

    // Calm: the card is about the account's next margin-ratio trigger again, and nothing says why.
    w.api.updateAccount(0, (a) => ({
      ...a,
      danger: { level: 'ok', worst: subject({ level: 'ok', reason: '' }), subjects: [] },
    }));
    await w.page.waitForSelector(`${card} [data-field="card-subject"]`, { state: 'detached' });
    const calm = (await w.page.textContent(card)) ?? '';
    expect(calm).toContain('P(trigger within 1 h)');
    expect(calm).not.toContain('P(liquidation within 1 h)');
    expect(await w.page.$('[data-testid="danger-strip"] [data-field="reason"]')).toBeNull();
    expect(w.problems).toEqual([]);
  });

  it("shows the position's verdict on its detail page: level, why, and the action in place of the ratio-target reduction", async () => {
    const action = addIsolatedMargin('944.54', 'add 944.54 USDT isolated margin to SYN0USDT long');
    const reduce = {
      kind: 'reduce',
      amount: '0.07',
      asset: 'SYN0',
      text: 'reduce SYN0USDT by 0.07 SYN0',
      targetDistance: '0.2',
    } as const;
    const own = subject({
      subject: 'position:SYN0USDT:both',
      label: 'SYN0USDT long (isolated)',
      symbol: 'SYN0USDT',
      reason: '0.62 σ from the trigger (1 h volatility)',
      action,
      alternatives: [reduce],
    });
    w.api.updateAccount(0, (a) => ({ ...a, danger: { level: 'margin-call', worst: own, subjects: [own] } }));
    await w.page.evaluate(() => (location.hash = '#/account/syn-0'));
    const facts = '[data-testid="position-facts"]';
    const line = '[data-testid="detail-danger"]';
    await w.page.waitForSelector(`${line} [data-field="detail-action"]`);
    expect(
      (await w.page.textContent(`${line} [data-field="detail-action"]`))?.replace(/\s+/g, ' ').trim(),
    ).toBe('→ add 944.54 USDT isolated margin to SYN0USDT long or reduce SYN0USDT by 0.07 SYN0');
    expect(await w.page.$(`${facts} [data-field="reduceToTarget"]`)).toBeNull();
    expect(await w.page.getAttribute('[data-testid="detail-danger"]', 'data-level')).toBe('margin-call');
    expect(await w.page.textContent('[data-testid="detail-danger"]')).toContain(
      'SYN0USDT long (isolated): 0.62 σ from the trigger (1 h volatility)',
    );
    await screenshot(w.page, 'detail-danger');
    expect(seriousOnly(await runAxe(w.page)), 'serious accessibility violations').toEqual([]);

    // At watch there is nothing to do yet: the ratio-target reduction is back, the level still says why.
    const watch = { ...own, level: 'watch' as const };
    w.api.updateAccount(0, (a) => ({ ...a, danger: { level: 'watch', worst: watch, subjects: [watch] } }));
    await w.page.waitForSelector(`${facts} [data-field="reduceToTarget"]`);
    expect(await w.page.$('[data-field="detail-action"]')).toBeNull();
    expect(await w.page.getAttribute('[data-testid="detail-danger"]', 'data-level')).toBe('watch');
    expect(w.problems).toEqual([]);
  });
});
