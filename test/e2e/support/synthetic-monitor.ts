// A synthetic MonitorApi for the UI's load benchmarks (not a stand-in for the service's numbers):
// N positions whose marks move every tick, and a dense 1-minute history. The functional e2e tests
// run against the real headless service.
import type {
  AccountView,
  AlertView,
  ApiEvent,
  CommandName,
  CommandResults,
  Envelope,
  HistoryPoint,
  MonitorApi,
  ServiceStatus,
} from '../../../src/api/messages';
import type { AccountSnapshot, MarginReport, Position, PositionReport } from '../../../src/domain/contracts';

export interface SyntheticOptions {
  accounts: number;
  positionsPerAccount: number;
  historyDays: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SyntheticMonitor implements MonitorApi {
  private listeners = new Set<(e: ApiEvent) => void>();
  private accounts: AccountView[];
  private rand = mulberry32(42);
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Account events pushed by startTicking since construction. */
  eventsPushed = 0;
  /** Minute points in the last history range before thinning. */
  lastHistoryRawPoints = 0;
  /** Params of every whatif.run call, oldest first (the test checks what the window asked for). */
  whatIfCalls: { accountId: string; shocks: Record<string, string>; fundingHours: number }[] = [];
  /** Alerts pushed with pushAlert (newest first), as alerts.list returns them. */
  private alerts: AlertView[] = [];
  /** What settings.get answers (tests set what they need). */
  settings: Record<string, unknown> = {};
  /** Subjects closed at a time (epoch ms): the history has no point of them after it. */
  private readonly subjectEnds = new Map<string, number>();
  status: ServiceStatus = {
    version: 'synthetic',
    startedAt: new Date().toISOString(),
    osNotifications: { available: true, detail: null },
    dataDir: '/synthetic',
    shell: 'headless',
  };

  constructor(private readonly options: SyntheticOptions) {
    this.accounts = Array.from({ length: options.accounts }, (_, a) => this.account(a, 1));
  }

  private account(index: number, drift: number): AccountView {
    const positions: Position[] = [];
    const reports: PositionReport[] = [];
    for (let i = 0; i < this.options.positionsPerAccount; i++) {
      const base = 100 + i * 7;
      const mark = (base * drift * (1 + (this.rand() - 0.5) * 0.002)).toFixed(2);
      positions.push({
        symbol: `SYN${i}USDT`,
        contractType: 'linear',
        marginMode: i % 3 === 0 ? 'isolated' : 'cross',
        positionSide: 'both',
        side: i % 2 ? 'short' : 'long',
        size: (1 + (i % 5)).toFixed(3),
        contractSize: '1',
        entryPrice: base.toFixed(2),
        markPrice: mark,
        leverage: '10',
        tickSize: '0.01',
        lotSize: '0.001',
      });
      const liq = (base * (i % 2 ? 1.1 : 0.9)).toFixed(2);
      reports.push({
        symbol: `SYN${i}USDT`,
        positionSide: 'both',
        marginMode: i % 3 === 0 ? 'isolated' : 'cross',
        notional: mark,
        unrealizedPnl: '0',
        initialMargin: '1',
        maintenanceRate: '0.01',
        maintenanceAmount: '0',
        maintenanceMargin: '1',
        liquidationPrice: liq,
        bankruptcyPrice: null,
        distanceToLiquidation: ((Number(liq) - Number(mark)) / Number(mark)).toFixed(4),
        reduceToTarget: null,
        triggerPrices: [],
        discrepancy: null,
      });
    }
    const asOf = new Date().toISOString();
    const snapshot: AccountSnapshot = {
      schema: 'marginwatch.snapshot/1',
      venue: 'binance-usdm',
      asOf,
      positionMode: 'oneway',
      settleAsset: 'USDT',
      crossWalletBalance: '100000',
      positions,
    };
    const report: MarginReport = {
      schema: 'marginwatch.report/1',
      venue: 'binance-usdm',
      asOf,
      settleAsset: 'USDT',
      account: {
        walletBalance: '100000',
        unrealizedPnl: '0',
        marginBalance: '100000',
        initialMargin: '1000',
        maintenanceMargin: '400',
        availableBalance: '99000',
        marginRatio: (0.3 + this.rand() * 0.1).toFixed(4),
        venueMarginRatio: null,
        topUpToTarget: '0',
      },
      positions: reports,
      warnings: [],
    };
    return {
      id: `syn-${index}`,
      name: `Synthetic ${index}`,
      source: 'demo',
      snapshot,
      report,
      forecast: null,
      health: { state: 'live', dataAsOf: asOf, lastError: null },
      level: 'ok',
      lastError: null,
    };
  }

  /** Pushes one account event per account every `intervalMs`. */
  startTicking(intervalMs: number): void {
    let step = 0;
    this.timer = setInterval(() => {
      step++;
      this.accounts = this.accounts.map((_, a) => this.account(a, 1 + Math.sin(step / 50) * 0.01));
      for (const account of this.accounts) {
        this.emit({ type: 'account', account });
        this.eventsPushed++;
      }
    }, intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Replaces the service status (e.g. storage health) and pushes it as the service does. */
  setStatus(patch: Partial<ServiceStatus>): void {
    this.status = { ...this.status, ...patch };
    this.emit({ type: 'status', status: this.status });
  }

  /** Changes one account (e.g. adds collateral to its report) and pushes the account event. */
  updateAccount(index: number, change: (account: AccountView) => AccountView): void {
    const next = this.accounts[index];
    if (!next) throw new Error(`no synthetic account ${index}`);
    this.accounts[index] = change(next);
    this.emit({ type: 'account', account: this.accounts[index] });
  }

  /** Pushes an alert event as the service does (new, updated or closed). */
  /** The subject's line stops at `atMs`, as a liquidated or closed position's does in a real store. */
  endSubject(subject: string, atMs: number): void {
    this.subjectEnds.set(subject, atMs);
  }

  pushAlert(alert: AlertView): void {
    this.alerts = [alert, ...this.alerts.filter((a) => a.id !== alert.id)];
    this.emit({ type: 'alert', alert });
  }

  /** A new alert about a position of the first account. */
  static alert(
    id: string,
    level: AlertView['level'],
    subject: string,
    overrides: Partial<AlertView> = {},
  ): AlertView {
    const now = new Date().toISOString();
    return {
      id,
      accountId: 'syn-0',
      subject,
      kind: 'level',
      level,
      state: 'open',
      title: `${level} on ${subject.split(':')[1] ?? 'account'}`,
      body: 'Synthetic alert for the browser test.',
      openedAt: now,
      updatedAt: now,
      closedAt: null,
      acknowledgedAt: null,
      snoozedUntil: null,
      deliveries: [],
      ...overrides,
    };
  }

  private emit(event: ApiEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** One point a minute over the range, thinned to maxPoints by taking every k-th (as a store would bucket). */
  private history(
    accountId: string,
    from: string,
    to: string,
    maxPoints: number,
  ): CommandResults['history.query'] {
    const start = Date.parse(from);
    const end = Date.parse(to);
    const points: HistoryPoint[] = [];
    let equity = 100000;
    for (let t = start; t <= end; t += 60_000) {
      equity += (this.rand() - 0.5) * 50;
      points.push({
        at: new Date(t).toISOString(),
        equity: equity.toFixed(2),
        marginRatio: (0.3 + 0.2 * Math.sin(t / 3.6e6)).toFixed(4),
        minDistanceToLiquidation: (-0.1 - 0.05 * Math.cos(t / 3.6e6)).toFixed(4),
        // The cross book (nearest leg SYN0USDT) and one isolated position (SYN3USDT).
        subjects: [
          {
            subject: 'cross',
            symbol: 'SYN0USDT',
            distance: (0.1 + 0.05 * Math.cos(t / 3.6e6)).toFixed(4),
            price: '90.00',
          },
          {
            subject: 'position:SYN3USDT:both',
            symbol: 'SYN3USDT',
            distance: (0.2 + 0.1 * Math.sin(t / 7.2e6)).toFixed(4),
            price: '133.10',
          },
        ].filter((x) => t <= (this.subjectEnds.get(x.subject) ?? Infinity)),
      });
    }
    const alerts = this.alerts.filter(
      (a) => a.accountId === accountId && a.openedAt >= from && a.openedAt <= to,
    );
    this.lastHistoryRawPoints = points.length;
    const stride = Math.max(1, Math.ceil(points.length / maxPoints));
    return { accountId, from, to, points: points.filter((_, i) => i % stride === 0), alerts };
  }

  /**
   * Not the engine: the account's report with its margin ratio raised by the largest fall asked for,
   * and the first position liquidated when any shock reaches −20 % (enough to check what is shown).
   */
  private whatIf(p: { accountId: string; shocks: Record<string, string> }): CommandResults['whatif.run'] {
    const account = this.accounts.find((a) => a.id === p.accountId);
    if (!account?.report) throw new Error(`no synthetic report for ${p.accountId}`);
    const now = account.report;
    const fall = Math.max(0, ...Object.values(p.shocks).map((v) => -Number(v)));
    const ratio = (Number(now.account.marginRatio ?? '0') + fall).toFixed(4);
    const after: MarginReport = { ...now, account: { ...now.account, marginRatio: ratio } };
    const first = now.positions[0];
    const hit = fall >= 0.2 && first !== undefined;
    return {
      accountId: account.id,
      report: after,
      now,
      after,
      shocked: after,
      liquidated: hit ? [`${first.symbol}:${first.positionSide}`] : [],
      liquidations: hit
        ? [
            {
              subject: `position:${first.symbol}:${first.positionSide}`,
              label: `${first.symbol} long`,
              price: first.liquidationPrice ?? '0',
              loss: '1',
            },
          ]
        : [],
      triggers: [],
    };
  }

  async call<C extends CommandName>(command: C, params: unknown): Promise<Envelope<CommandResults[C]>> {
    const ok = <T>(result: T) => ({ ok: true, result }) as Envelope<CommandResults[C]>;
    switch (command) {
      case 'state.get':
        return ok({ status: this.status, accounts: this.accounts });
      case 'alerts.list':
        return ok(this.alerts);
      case 'alerts.ack': {
        const { alertId } = params as { alertId: string };
        const found = this.alerts.find((a) => a.id === alertId);
        if (!found) return { ok: false, error: { message: `no alert ${alertId}` } };
        const acked: AlertView = {
          ...found,
          state: 'acknowledged',
          acknowledgedAt: new Date().toISOString(),
        };
        this.pushAlert(acked);
        return ok(acked);
      }
      case 'settings.get':
        return ok(this.settings);
      case 'whatif.run': {
        const p = params as { accountId: string; shocks: Record<string, string>; fundingHours: number };
        this.whatIfCalls.push(p);
        return ok(this.whatIf(p));
      }
      case 'history.query': {
        const p = params as { accountId: string; from: string; to: string; maxPoints?: number };
        return ok(this.history(p.accountId, p.from, p.to, p.maxPoints ?? 2000));
      }
      default:
        return { ok: false, error: { message: `${command}: not part of the synthetic load` } };
    }
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The account with fields of its report's account summary replaced (collateral, collateralRisk, …). */
export function withReportAccount(
  account: AccountView,
  fields: Partial<MarginReport['account']>,
): AccountView {
  if (!account.report) return account;
  return { ...account, report: { ...account.report, account: { ...account.report.account, ...fields } } };
}

/** 1,000 USDT and 0.5 BTC at 60,000 with a 5 % haircut; `btcLinkedSymbol` ties the BTC to a position. */
export function usdtAndBtcCollateral(btcLinkedSymbol: string | null): MarginReport['account']['collateral'] {
  return [
    { asset: 'USDT', amount: '1000', price: '1', value: '1000', haircut: '0', linkedSymbol: null },
    {
      asset: 'BTC',
      amount: '0.5',
      price: '60000',
      value: '28500',
      haircut: '0.05',
      linkedSymbol: btcLinkedSymbol,
    },
  ];
}
