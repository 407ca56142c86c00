// The UI's pure helpers (no browser needed): display formatting with tick/lot steps, the positions
// table's pairing/sorting/filtering, the forecast pick, thresholds from settings, and CSV export.
import { describe, expect, it } from 'vitest';
import type { AccountView, AlertView, HistoryResult } from '../../src/api/messages';
import { faviconUrl, tabTitle, unreachedCritical } from '../../src/ui/lib/browser-alerts.svelte';
import {
  formatAge,
  formatCountdown,
  formatMarginRatio,
  formatMinutes,
  formatPercent,
  formatProbability,
  formatStep,
} from '../../src/ui/lib/format';
import { lineEnds } from '../../src/ui/lib/chart-types';
import { restoringAction, worstDanger } from '../../src/ui/lib/danger';
import { alertMarkers, alertsCsv, historyCsv, seriesOf, subjectSeries } from '../../src/ui/lib/history';
import { thresholdsFrom } from '../../src/ui/lib/levels';
import { isNews, nextToasts } from '../../src/ui/lib/monitor.svelte';
import {
  filterRows,
  nextLevelForecast,
  positionRows,
  DISTANCE_TOLERANCE,
  RERANK_MS,
  RowOrder,
  sortRows,
  type PositionRow,
  type SortKey,
} from '../../src/ui/lib/positions';
import { channelLabel, deliveryWords, subjectLabel } from '../../src/ui/lib/subjects';
import { parseRoute } from '../../src/ui/lib/router.svelte';
import { formatLead, replayClock, replayStory } from '../../src/ui/lib/replay';
import { storageNotes } from '../../src/ui/lib/storage-health';
import { perAssetShocks, shockAssets } from '../../src/ui/lib/whatif';

describe('formatStep', () => {
  it('rounds to the tick and shows its decimals, grouped', () => {
    expect(formatStep('40324.6449', '0.01')).toBe('40,324.64');
    expect(formatStep('40324.645', '0.01')).toBe('40,324.65');
    expect(formatStep('2940.1', '0.5')).toBe('2,940.0');
    expect(formatStep('0.123456', '0.001')).toBe('0.123');
    expect(formatStep('1234567.5', '1')).toBe('1,234,568');
  });
  it('falls back to fixed decimals without a step, uses a real minus and a dash for nothing', () => {
    expect(formatStep('-1234.5', null, 2)).toBe('−1,234.50');
    expect(formatStep(null, '0.01')).toBe('—');
    expect(formatStep('NaN', '0.01')).toBe('—');
    expect(formatStep('abc')).toBe('—');
  });
});

describe('percent, probability, durations, ages', () => {
  it('formats as a trader reads them', () => {
    expect(formatPercent('0.4636')).toBe('46.36 %');
    expect(formatPercent('-0.17684')).toBe('−17.68 %');
    expect(formatPercent(null)).toBe('—');
    expect(formatMarginRatio('0.4636')).toBe('46.36 %');
    expect(formatMarginRatio('1000')).toBe('≥ 100 % (liquidation)');
    expect(formatMarginRatio('1')).toBe('≥ 100 % (liquidation)');
    // Forecast probabilities under 1 % are "low", never a figure (issue 12); whole percent from 10 %.
    expect(formatProbability(0.0004)).toBe('low');
    expect(formatProbability(0.0099)).toBe('low');
    expect(formatProbability(0)).toBe('low');
    expect(formatProbability(0.01)).toBe('1 %');
    expect(formatProbability(0.0345)).toBe('3.5 %');
    expect(formatProbability(0.9999)).toBe('> 99 %');
    expect(formatProbability(0.639)).toBe('64 %');
    expect(formatProbability(Number.NaN)).toBe('—');
    expect(formatProbability(null)).toBe('—');
    expect(formatMinutes(null)).toBe('> 24 h');
    expect(formatMinutes(0.4)).toBe('< 1 min');
    expect(formatMinutes(29.4)).toBe('29 min');
    expect(formatMinutes(150)).toBe('2 h 30 min');
    expect(formatMinutes(125.4)).toBe('2 h 5 min');
    expect(formatMinutes(60)).toBe('1 h');
    expect(formatMinutes(69.26)).toBe('1 h 9 min');
    expect(formatMinutes(3 * 1440 + 250)).toBe('3 d 4 h');
    expect(formatAge('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:00:03Z'))).toBe('3 s ago');
    expect(formatAge(null, 0)).toBe('no data yet');
  });
});

function account(overrides: Partial<AccountView> = {}): AccountView {
  return {
    id: 'a1',
    name: 'Main',
    source: 'demo',
    level: 'warning',
    lastError: null,
    health: { state: 'live', dataAsOf: '2024-05-01T12:00:00Z', lastError: null },
    forecast: null,
    snapshot: {
      schema: 'marginwatch.snapshot/1',
      venue: 'binance-usdm',
      asOf: '2024-05-01T12:00:00Z',
      positionMode: 'hedge',
      settleAsset: 'USDT',
      crossWalletBalance: '1000',
      positions: [
        {
          symbol: 'ETHUSDT',
          contractType: 'linear',
          marginMode: 'cross',
          positionSide: 'long',
          side: 'long',
          size: '10',
          contractSize: '1',
          entryPrice: '3000',
          markPrice: '2900',
          leverage: '20',
          tickSize: '0.01',
          lotSize: '0.001',
        },
        {
          symbol: 'BTCUSDT',
          contractType: 'linear',
          marginMode: 'isolated',
          positionSide: 'short',
          side: 'short',
          size: '0.2',
          contractSize: '1',
          entryPrice: '40000',
          markPrice: '40100',
          leverage: '50',
        },
      ],
    },
    report: {
      schema: 'marginwatch.report/1',
      venue: 'binance-usdm',
      asOf: '2024-05-01T12:00:00Z',
      settleAsset: 'USDT',
      account: {
        walletBalance: '1000',
        unrealizedPnl: '-1000',
        marginBalance: '900',
        initialMargin: '1',
        maintenanceMargin: '1',
        availableBalance: '0',
        marginRatio: '0.72',
        venueMarginRatio: null,
        topUpToTarget: '200',
      },
      positions: [
        {
          symbol: 'ETHUSDT',
          positionSide: 'long',
          marginMode: 'cross',
          notional: '29000',
          unrealizedPnl: '-1000',
          initialMargin: '1',
          maintenanceRate: '0.01',
          maintenanceAmount: '0',
          maintenanceMargin: '290',
          liquidationPrice: '2500',
          bankruptcyPrice: null,
          distanceToLiquidation: '-0.1379',
          reduceToTarget: '1',
          triggerPrices: [],
          discrepancy: null,
        },
        {
          symbol: 'BTCUSDT',
          positionSide: 'short',
          marginMode: 'isolated',
          notional: '8020',
          unrealizedPnl: '-20',
          initialMargin: '1',
          maintenanceRate: '0.004',
          maintenanceAmount: '0',
          maintenanceMargin: '32',
          liquidationPrice: '40800',
          bankruptcyPrice: null,
          distanceToLiquidation: '0.0175',
          reduceToTarget: null,
          triggerPrices: [],
          discrepancy: null,
        },
      ],
      warnings: [],
    },
    ...overrides,
  };
}

describe('positions table rows', () => {
  it('pairs snapshot and report positions by order and takes levels from the service', () => {
    const rows = positionRows(
      [account()],
      [
        {
          id: 'x',
          accountId: 'a1',
          subject: 'position:BTCUSDT:short',
          kind: 'level',
          level: 'margin-call',
          state: 'open',
          title: '',
          body: '',
          openedAt: '',
          updatedAt: '',
          closedAt: null,
          acknowledgedAt: null,
          snoozedUntil: null,
          deliveries: [],
        },
      ],
    );
    expect(rows.map((r) => [r.symbol, r.liquidationPrice, r.marginRatio, r.level])).toEqual([
      ['ETHUSDT', '2500', '0.72', 'warning'],
      ['BTCUSDT', '40800', null, 'margin-call'],
    ]);
  });
  it("uses the report's per-position ratio when the engine provides it (isolated positions)", () => {
    const view = account();
    view.report!.positions[1] = { ...view.report!.positions[1]!, marginRatio: '0.93' };
    expect(positionRows([view], []).map((r) => r.marginRatio)).toEqual(['0.72', '0.93']);
  });
  it('marks every row of a stale account', () => {
    const rows = positionRows(
      [account({ health: { state: 'stale', dataAsOf: '2024-05-01T11:00:00Z', lastError: null } })],
      [],
    );
    expect(rows.every((r) => r.stale)).toBe(true);
  });
  it('sorts by closeness to liquidation (absolute distance) and filters by text and level', () => {
    const rows = positionRows([account()], []);
    expect(sortRows(rows, 'distanceToLiquidation', 1).map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(sortRows(rows, 'markPrice', -1).map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(filterRows(rows, 'eth', 'all').map((r) => r.symbol)).toEqual(['ETHUSDT']);
    expect(filterRows(rows, '', 'margin-call')).toEqual([]);
    expect(filterRows(rows, 'isolated', 'all').map((r) => r.symbol)).toEqual(['BTCUSDT']);
  });
});

describe('forecast shown next to a ratio', () => {
  const level = (l: string, p: number) => ({
    level: l,
    probabilities: [{ horizonMin: 60 as const, probability: p }],
    medianMinutes: null,
    q10Minutes: null,
  });
  it('is the nearest level above the current ratio, else the last one', () => {
    const levels = [level('1', 0.01), level('0.7', 0.3), level('0.8', 0.1)];
    expect(nextLevelForecast(levels, '0.65')?.level).toBe('0.7');
    expect(nextLevelForecast(levels, '0.75')?.level).toBe('0.8');
    expect(nextLevelForecast(levels, '1.2')?.level).toBe('1');
    expect(nextLevelForecast([], '0.5')).toBeNull();
  });
});

describe('settings and routes', () => {
  it('reads level ratios from the danger policy the alerts use, and never invents them', () => {
    expect(
      thresholdsFrom({
        alerts: {
          danger: { marginRatio: { warning: 0.7, watch: 0.5, critical: null } },
          // The retired table of older services decides nothing, so it is not read.
          levels: { 'margin-call': { marginRatio: 0.8 } },
        },
      }),
    ).toEqual([
      { level: 'watch', ratio: 0.5 },
      { level: 'warning', ratio: 0.7 },
    ]);
    expect(thresholdsFrom(null)).toEqual([]);
    expect(thresholdsFrom({ alerts: 'nonsense' })).toEqual([]);
  });
  it('parses hash routes', () => {
    expect(parseRoute('#/account/a%2F1')).toEqual({ view: 'account', accountId: 'a/1' });
    expect(parseRoute('#/history')).toEqual({ view: 'history', accountId: null });
    expect(parseRoute('#/nope')).toEqual({ view: 'dashboard' });
  });
});

describe('history CSV', () => {
  it('writes exact percentages with UTC times, RFC 4180 line ends, empty cells for nulls and an alerts column', () => {
    const result: HistoryResult = {
      accountId: 'a1',
      from: '2024-05-01T00:00:00Z',
      to: '2024-05-01T01:00:00Z',
      alerts: [
        alertView({ openedAt: '2024-05-01T00:00:30.000Z', level: 'warning', title: 'Margin, "soon"' }),
      ],
      points: [
        {
          at: '2024-05-01T00:00:00.000Z',
          equity: '1000.123456789',
          marginRatio: '0.5',
          minDistanceToLiquidation: null,
        },
        {
          at: '2024-05-01T00:01:00.000Z',
          equity: '999',
          marginRatio: null,
          minDistanceToLiquidation: '-0.1',
        },
      ],
    };
    expect(historyCsv(result)).toBe(
      'time_utc,equity,margin_ratio_pct,distance_to_liquidation_pct,alerts\r\n' +
        '2024-05-01T00:00:00.000Z,1000.123456789,50,,\r\n' +
        '2024-05-01T00:01:00.000Z,999,,10,"Warning: Margin, ""soon"""\r\n',
    );
    expect(alertsCsv(result.alerts, account()).split('\r\n')[1]).toBe(
      '2024-05-01T00:00:30.000Z,,Warning,open,BTCUSDT short (isolated),"Margin, ""soon""",Top up,',
    );
    // The distance chart plots |distance|: a long and a short never zig-zag across 0.
    expect(seriesOf(result.points, 'minDistanceToLiquidation', true).map((p) => p.value)).toEqual([0.1]);
  });

  it('one series and one percent column per subject, named in words, with its liquidation marker', () => {
    const point = (at: string, cross: string, btc: string | null) => ({
      at,
      equity: '1000',
      marginRatio: '0.3',
      minDistanceToLiquidation: btc ?? cross,
      subjects: [
        { subject: 'cross', symbol: 'ETHUSDT', distance: cross, price: '4000' },
        ...(btc === null
          ? []
          : [{ subject: 'position:BTCUSDT:short', symbol: 'BTCUSDT', distance: btc, price: '70000' }]),
      ],
    });
    const result: HistoryResult = {
      accountId: 'a1',
      from: '2024-05-01T00:00:00Z',
      to: '2024-05-01T01:00:00Z',
      alerts: [
        alertView({
          openedAt: '2024-05-01T00:01:00.000Z',
          subject: 'liquidated:position:BTCUSDT:short',
          title: 'Liquidated',
        }),
      ],
      points: [
        point('2024-05-01T00:00:00.000Z', '0.2', '0.0123'),
        point('2024-05-01T00:02:00.000Z', '0.19', null),
      ],
    };
    const series = subjectSeries(result.points, account());
    expect(series.map((s) => [s.subject, s.label, s.points.map((p) => p.value)])).toEqual([
      ['cross', 'cross book', [0.2, 0.19]],
      ['position:BTCUSDT:short', 'BTCUSDT short (isolated)', [0.0123]],
    ]);
    expect(alertMarkers(result.alerts)[0]).toMatchObject({
      tone: 'liquidation',
      subject: 'position:BTCUSDT:short',
    });
    expect(historyCsv(result, account()).split('\r\n').slice(0, 3)).toEqual([
      'time_utc,equity,margin_ratio_pct,distance_to_liquidation_pct,distance_pct cross book,distance_pct BTCUSDT short (isolated),alerts',
      '2024-05-01T00:00:00.000Z,1000,30,1.23,20,1.23,',
      '2024-05-01T00:02:00.000Z,1000,30,19,19,,Critical: Liquidated',
    ]);
    // An older service: no per-subject series (the view falls back to the closest position).
    expect(subjectSeries([{ ...result.points[0]!, subjects: undefined }])).toEqual([]);
  });
});

function alertView(overrides: Partial<AlertView> = {}): AlertView {
  return {
    id: 'al1',
    accountId: 'a1',
    subject: 'position:BTCUSDT:short',
    kind: 'level',
    level: 'critical',
    state: 'open',
    title: 'Liquidation imminent',
    body: 'Top up',
    openedAt: '2024-05-01T12:00:00Z',
    updatedAt: '2024-05-01T12:00:00Z',
    closedAt: null,
    acknowledgedAt: null,
    snoozedUntil: null,
    deliveries: [],
    ...overrides,
  };
}

describe('trader-facing positions table', () => {
  it('sorts by danger: level first, then time to trigger, then closeness to liquidation', () => {
    const base = positionRows([account()], [])[0]!;
    const row = (key: string, level: PositionRow['level'], minutes: number | null, distance: string) => ({
      ...base,
      key,
      level,
      medianMinutes: minutes,
      distanceToLiquidation: distance,
    });
    const rows = [
      row('ok-near', 'ok', 5, '0.001'),
      row('warn-slow', 'warning', 300, '0.2'),
      row('crit', 'critical', null, '0.3'),
      row('warn-fast', 'warning', 14, '0.25'),
      row('warn-never-close', 'warning', null, '-0.05'),
      row('warn-never-far', 'warning', null, '0.4'),
    ];
    expect(sortRows(rows, 'danger', 1).map((r) => r.key)).toEqual([
      'crit',
      'warn-fast',
      'warn-slow',
      'warn-never-close',
      'warn-never-far',
      'ok-near',
    ]);
  });

  it('holds the row order through small moves, re-ranks at once on a level change or a real crossing', () => {
    const base = positionRows([account()], [])[0]!;
    const row = (key: string, level: PositionRow['level'], distance: string) => ({
      ...base,
      key,
      level,
      medianMinutes: null,
      distanceToLiquidation: distance,
    });
    const order = new RowOrder();
    const keys = (rows: PositionRow[]) => rows.map((r) => r.key);
    const at = (rows: PositionRow[], key: SortKey = 'danger', t = 0) => keys(order.apply(rows, key, 1, t));
    expect(at([row('a', 'ok', '0.100'), row('b', 'ok', '0.101'), row('c', 'ok', '-0.3')])).toEqual([
      'a',
      'b',
      'c',
    ]);
    // Jitter of a few basis points: the order holds and the figures are the new ones.
    const jitter = [row('a', 'ok', '0.102'), row('b', 'ok', '-0.099'), row('c', 'ok', '0.3')];
    expect(at(jitter)).toEqual(['a', 'b', 'c']);
    expect(order.apply(jitter, 'danger', 1, 0)[1]!.distanceToLiquidation).toBe('-0.099');
    // b is now clearly closer than a (more than DISTANCE_TOLERANCE): re-ranked at once.
    const b = 0.102 * (1 - DISTANCE_TOLERANCE) - 0.001;
    expect(at([row('a', 'ok', '0.102'), row('b', 'ok', String(b)), row('c', 'ok', '0.3')])).toEqual([
      'b',
      'a',
      'c',
    ]);
    // A level change is never held back.
    expect(at([row('a', 'ok', '0.102'), row('b', 'ok', '0.1'), row('c', 'warning', '0.3')])).toEqual([
      'c',
      'b',
      'a',
    ]);
    // Nor is a new row.
    const four = [
      row('a', 'ok', '0.1'),
      row('b', 'ok', '0.1'),
      row('c', 'warning', '0.3'),
      row('d', 'critical', '0.5'),
    ];
    expect(at(four)).toEqual(['d', 'c', 'a', 'b']);
    // Other sorts re-rank every RERANK_MS.
    const bySymbol = keys(sortRows(four, 'symbol', 1));
    expect(at(four, 'symbol', 10)).toEqual(bySymbol);
    const renamed = four.map((r) => ({ ...r, symbol: r.key === 'd' ? 'AAA' : r.symbol }));
    expect(at(renamed, 'symbol', 10 + RERANK_MS - 1)).toEqual(bySymbol);
    expect(at(renamed, 'symbol', 10 + RERANK_MS)[0]).toBe('d');
  });

  it('adds P&L, ROE, leverage, margin, funding, units and the distance to the margin-call trigger', () => {
    const view = account();
    view.snapshot!.positions[0] = {
      ...view.snapshot!.positions[0]!,
      fundingRate: '0.0001',
      nextFundingTime: '2024-05-01T16:00:00Z',
    };
    view.report!.positions[0] = {
      ...view.report!.positions[0]!,
      unrealizedPnl: '-1000',
      initialMargin: '1450',
      triggerPrices: [
        { level: '0.7', price: '2700' },
        { level: '0.8', price: '2610' },
        { level: '1', price: '2500' },
      ],
    };
    const [eth] = positionRows([view], [], 0.8);
    expect(eth!.marginCallPrice).toBe('2610');
    expect(Number(eth!.distanceToMarginCall)).toBeCloseTo(-0.1, 12);
    expect(Number(eth!.roe)).toBeCloseTo(-1000 / 1450, 12);
    expect([eth!.leverage, eth!.fundingRate, eth!.sizeUnit, eth!.quoteAsset, eth!.settleAsset]).toEqual([
      '20',
      '0.0001',
      'ETH',
      'USDT',
      'USDT',
    ]);
    // Without the margin-call threshold the highest trigger below liquidation is used.
    expect(positionRows([view], [])[0]!.marginCallPrice).toBe('2610');
    expect(formatCountdown('2024-05-01T16:00:00Z', Date.parse('2024-05-01T13:55:00Z'))).toBe('in 2 h 5 min');
    expect(formatCountdown('2024-05-01T16:00:00Z', Date.parse('2024-05-01T16:00:01Z'))).toBe('due');
  });
});

describe('the danger verdict in the table and the strip', () => {
  it('takes level, P(1 h) and time to trigger from the verdict of the subject each position belongs to', () => {
    const verdict = (subject: string, level: PositionRow['level'], p1h: number, ttf: number) => ({
      subject,
      label: subject === 'cross' ? 'cross book' : 'BTCUSDT short (isolated)',
      level,
      reason: `${subject} because`,
      symbol: subject === 'cross' ? 'ETHUSDT' : 'BTCUSDT',
      markPrice: null,
      triggerPrice: '40800',
      distance: '0.0175',
      p1h,
      ttfMedianMin: ttf,
      action: subject === 'cross' ? null : { text: 'add 12.50 USDT isolated margin to BTCUSDT short' },
    });
    const view = {
      ...account(),
      danger: {
        level: 'critical',
        worst: verdict('position:BTCUSDT:short', 'critical', 0.88, 0.5),
        subjects: [
          verdict('position:BTCUSDT:short', 'critical', 0.88, 0.5),
          verdict('cross', 'watch', 0.1, 300),
        ],
      },
    } as AccountView;
    const rows = positionRows([view], []);
    expect(rows.map((r) => [r.symbol, r.level, r.probability1h, r.medianMinutes, r.levelReason])).toEqual([
      ['ETHUSDT', 'watch', 0.1, 300, 'cross because'],
      ['BTCUSDT', 'critical', 0.88, 0.5, 'position:BTCUSDT:short because'],
    ]);
    const strip = worstDanger([view], () => rows)!;
    expect([strip.label, strip.level, strip.action, strip.subjectKey]).toEqual([
      'BTCUSDT short (isolated)',
      'critical',
      'add 12.50 USDT isolated margin to BTCUSDT short',
      'position:BTCUSDT:short',
    ]);
  });
});

describe('plain words for subjects and deliveries', () => {
  it('never shows a machine subject', () => {
    const view = account();
    expect(subjectLabel('position:BTCUSDT:short', view)).toBe('BTCUSDT short (isolated)');
    expect(subjectLabel('predictive:position:ETHUSDT:long', view)).toBe('ETHUSDT long (cross)');
    expect(subjectLabel('account', view)).toBe('whole account');
    expect(subjectLabel('cross', view)).toBe('cross book');
    expect(subjectLabel('liquidated:position:BTCUSDT:short', view)).toBe(
      'BTCUSDT short (isolated), liquidated',
    );
    expect(subjectLabel('system:stale')).toBe('data feed');
    expect(subjectLabel('system:channel:webhook')).toBe('notification channel webhook');
    expect(subjectLabel('system:discrepancy:BTCUSDT:short', view)).toBe(
      'BTCUSDT short (isolated): engine vs exchange',
    );
    for (const s of ['weird:thing:x', 'system:new-kind', 'predictive:account'])
      expect(subjectLabel(s)).not.toMatch(/:/);
    expect(deliveryWords({ status: 'failed', attempts: 1, detail: 'no backend' })).toBe(
      'not delivered: no backend',
    );
    expect(channelLabel('os')).toBe('desktop notification');
  });
});

describe('alerts that reach a person', () => {
  it('toasts follow their alert: news on top, updates in place, gone once not open', () => {
    const first = alertView();
    let toasts = nextToasts([], first, undefined);
    expect(toasts.map((t) => t.id)).toEqual(['al1']);
    const updated = alertView({ body: 'Top up 12 USDT', updatedAt: '2024-05-01T12:01:00Z' });
    toasts = nextToasts(toasts, updated, first);
    expect(toasts[0]!.body).toBe('Top up 12 USDT');
    expect(isNews(updated, first)).toBe(false);
    expect(isNews(alertView({ level: 'margin-call' }), first)).toBe(true);
    toasts = nextToasts(toasts, alertView({ state: 'closed' }), updated);
    expect(toasts).toEqual([]);
    // A liquidation replaces "imminent" toasts about the same subject, keeps the others.
    const imminent = alertView({ id: 'imm', subject: 'predictive:position:BTCUSDT:short' });
    const other = alertView({ id: 'eth', subject: 'position:ETHUSDT:long' });
    const liquidated = alertView({
      id: 'liq',
      subject: 'liquidated:position:BTCUSDT:short',
      title: 'Liquidated',
    });
    toasts = nextToasts(
      nextToasts(nextToasts([], imminent, undefined), other, undefined),
      liquidated,
      undefined,
    );
    expect(toasts.map((t) => t.id)).toEqual(['liq', 'eth']);
  });

  it('flags an open critical alert that no channel delivered', () => {
    const now = Date.parse('2024-05-01T12:00:30Z');
    const failed = alertView({
      deliveries: [{ channel: 'os', status: 'failed', attempts: 1, at: '2024-05-01T12:00:01Z', detail: 'x' }],
    });
    const sent = alertView({
      id: 'al2',
      deliveries: [{ channel: 'os', status: 'sent', attempts: 1, at: '2024-05-01T12:00:01Z', detail: null }],
    });
    const fresh = alertView({ id: 'al3', openedAt: '2024-05-01T12:00:25Z' });
    const old = alertView({ id: 'al4' });
    const warning = alertView({ id: 'al5', level: 'warning' });
    const list = [failed, sent, fresh, old, warning];
    expect(unreachedCritical(list, () => false, now).map((a) => a.id)).toEqual(['al1', 'al4']);
    expect(unreachedCritical(list, (id) => id === 'al1', now).map((a) => a.id)).toEqual(['al4']);
  });

  it('puts the worst level and the count in the tab title and favicon', () => {
    expect(tabTitle('critical', 3)).toBe('(3) CRITICAL · MarginWatch');
    expect(tabTitle('ok', 0)).toBe('MarginWatch');
    expect(decodeURIComponent(faviconUrl('critical', 3))).toContain('>3</text>');
  });
});

describe('local storage health in words', () => {
  const base = { summary: 'ok', failing: null, lowDisk: null, freeBytes: 5e9 } as const;
  it('says nothing when storage is fine or unknown (older service)', () => {
    expect(storageNotes({ storage: base })).toEqual({ failing: null, lowDisk: null });
    expect(storageNotes({})).toEqual({ failing: null, lowDisk: null });
    expect(storageNotes(null)).toEqual({ failing: null, lowDisk: null });
  });
  it('a red banner with the reason while writes fail, an amber note on low disk', () => {
    const notes = storageNotes({
      storage: {
        ...base,
        summary: 'degraded: storage',
        failing: 'disk full at /data',
        lowDisk: '12 MB free at /data',
      },
    });
    expect(notes.failing).toBe(
      'MarginWatch cannot save (disk full at /data): alerts still go out but history is not being kept.',
    );
    expect(notes.lowDisk).toContain('12 MB free at /data');
    expect(storageNotes({ storage: { ...base, lowDisk: '40 MB free at /d' } })).toEqual({
      failing: null,
      lowDisk: expect.stringContaining('40 MB free at /d'),
    });
  });
});

describe('the crash replay in words', () => {
  const alert = (t: string, subject: string, level: 'warning' | 'margin-call' | 'critical') =>
    ({ t, kind: 'alert', subject, level, title: '', body: '', reason: '' }) as const;
  it('lead time runs from the first margin call or worse on the liquidated position', () => {
    const story = replayStory({
      lines: [
        alert('2021-05-19T10:00:20.000Z', 'position:BTCUSDT:long', 'warning'),
        alert('2021-05-19T10:00:40.000Z', 'position:BTCUSDT:short', 'margin-call'),
        alert('2021-05-19T10:02:20.000Z', 'position:BTCUSDT:long', 'margin-call'),
        alert('2021-05-19T10:10:20.000Z', 'position:BTCUSDT:long', 'critical'),
        {
          t: '2021-05-19T10:12:20.000Z',
          kind: 'liquidated',
          subject: 'position:BTCUSDT:long',
          price: '39676.85',
        },
        alert('2021-05-19T10:12:20.000Z', 'liquidated:position:BTCUSDT:long', 'critical'),
      ],
    });
    expect(story.alerts.map((a) => a.text)).toEqual([
      'Warning on BTCUSDT long',
      'Margin call on BTCUSDT short',
      'Margin call on BTCUSDT long',
      'Critical on BTCUSDT long',
    ]);
    expect(story.liquidations).toEqual([
      {
        at: '2021-05-19T10:12:20.000Z',
        label: 'BTCUSDT long',
        price: '39676.85',
        warnedAt: '2021-05-19T10:02:20.000Z',
        leadMs: 600_000,
      },
    ]);
    expect(formatLead(600_000)).toBe('10 min 0 s');
    expect(formatLead(3_725_000)).toBe('1 h 2 min 5 s');
    expect(formatLead(null)).toBe('no warning');
    expect(replayClock('2021-05-19T10:12:20.000Z')).toBe('10:12:20 UTC');
  });
  it('a liquidation with no margin call before it has no lead time', () => {
    const story = replayStory({
      lines: [
        alert('2021-05-19T10:00:20.000Z', 'position:ETHUSDT:short', 'warning'),
        { t: '2021-05-19T10:01:00.000Z', kind: 'liquidated', subject: 'position:ETHUSDT:short', price: '1' },
      ],
    });
    expect(story.liquidations[0]).toMatchObject({ warnedAt: null, leadMs: null, label: 'ETHUSDT short' });
  });
});

describe('per-asset what-if shocks', () => {
  const position = (symbol: string, contractType: 'linear' | 'inverse') => ({ symbol, contractType });
  const view = (settleAsset: string, symbols: [string, 'linear' | 'inverse'][], collateral: string[]) =>
    ({
      snapshot: { settleAsset, positions: symbols.map(([s, c]) => position(s, c)) },
      report: { settleAsset, account: { collateral: collateral.map((asset) => ({ asset })) } },
    }) as unknown as AccountView;

  it("lists each position's base asset once (linear, inverse, dashed), then collateral-only assets", () => {
    const assets = shockAssets(
      view(
        'USDT',
        [
          ['BTCUSDT', 'linear'],
          ['BTCUSD_PERP', 'inverse'],
          ['ETH-PERPETUAL', 'linear'],
        ],
        ['BTC', 'USDT'],
      ),
    );
    expect(assets).toEqual([
      { asset: 'BTC', symbols: ['BTCUSDT', 'BTCUSD_PERP'], collateral: true },
      { asset: 'ETH', symbols: ['ETH-PERPETUAL'], collateral: false },
      { asset: 'USDT', symbols: [], collateral: true },
    ]);
  });

  it('sends each move under the asset (collateral) and its symbols (marks); unset assets stay at 0', () => {
    const assets = shockAssets(view('USDT', [['ETHUSDT', 'linear']], ['BTC']));
    expect(perAssetShocks(assets, { BTC: -12 })).toEqual({ ETH: '0', ETHUSDT: '0', BTC: '-0.12' });
  });
});

describe('lines that stop before the chart ends', () => {
  it('gives the last time of each line that ended early and null for those still running', () => {
    const pts = (...times: number[]) => times.map((time) => ({ time, value: 1 }));
    expect(lineEnds([{ points: pts(1, 2, 3) }, { points: pts(1, 2) }, { points: pts(2, 3) }])).toEqual([
      null,
      2,
      null,
    ]);
    // Unordered points, a non-finite tail and an empty line: only finite points count; empty is not "ended".
    expect(
      lineEnds([
        { points: pts(5, 1, 3) },
        { points: [...pts(1, 4), { time: 5, value: NaN }] },
        { points: [] },
      ]),
    ).toEqual([null, 4, null]);
    expect(lineEnds([{ points: pts(7) }])).toEqual([null]);
  });
});

describe('the restoring action', () => {
  it('is the verdict action from warning up, and nothing at watch, ok or without a verdict', () => {
    const action = { text: 'add 10 USDT' };
    expect(restoringAction({ level: 'warning', action })).toBe(action);
    expect(restoringAction({ level: 'critical', action })).toBe(action);
    expect(restoringAction({ level: 'watch', action })).toBeNull();
    expect(restoringAction({ level: 'ok', action })).toBeNull();
    expect(restoringAction({ level: 'margin-call', action: null })).toBeNull();
    expect(restoringAction(null)).toBeNull();
  });
});
