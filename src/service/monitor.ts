// The running monitor: owns the account runners and answers the API (src/api/messages.ts).
// Every command's parameters are validated here, whichever transport carried them.
import type { AlertLevel } from '../domain/alerts/levels';
import { worstLevel } from '../domain/alerts/levels';
import type { AccountSnapshot } from '../domain/contracts';
import {
  commandSchemas,
  type AlertView,
  type ApiEvent,
  type CommandName,
  type CommandResults,
  type Envelope,
  type MonitorApi,
  type ServiceStatus,
  type StateResult,
  type WhatIfResult,
} from '../api/messages';
import type { TrayState } from '../api/health';
import { formatPath, positionSubjectOf, subjectKey, subjectLabel } from '../domain/contracts';
import { liquidateByVenueRules } from '../domain/danger';
import type { VenueHealth } from '../venues/types';
import type { HistoryStore, StoredCandle } from '../store/historyStore';
import type { AccountRunner, MarginEngine } from './accountRunner';
import { appSettingsSchema, type AppSettings } from './settings';
import { mergePatch } from './mergePatch';

/** What the monitor needs from the alert pipeline (src/service/alerts). */
export interface AlertService {
  list(filter: { state: 'open' | 'acknowledged' | 'snoozed' | 'closed' | 'all'; accountId?: string; limit: number }): AlertView[];
  acknowledge(alertId: string): Promise<AlertView>;
  snooze(alertId: string, minutes: number): Promise<AlertView>;
  subscribe(listener: (alert: AlertView) => void): () => void;
  trayState(feeds: readonly { accountId: string; health: VenueHealth }[]): TrayState;
  sendTest(channelId: string): Promise<{ ok: boolean; detail: string | null }>;
  getSettings(): unknown;
  updateSettings(patch: Record<string, unknown>): unknown;
}

export interface WhatIf {
  shock(snapshot: AccountSnapshot, shocks: Record<string, string>, fundingHours: number): AccountSnapshot;
}

export interface MonitorParts {
  /** Replays over the shipped demo data (the What-if view's "replay through a past crash"). */
  replay?: (params: CommandInput<'replay.run'>) => Promise<CommandResults['replay.run']>;
  runners: AccountRunner[];
  alerts: AlertService;
  engine: MarginEngine;
  whatIf: WhatIf;
  history: HistoryStore;
  status: ServiceStatus;
  appSettings: () => AppSettings;
  saveAppSettings: (settings: AppSettings) => void;
  /** Remote-channel secrets: stored encrypted; only which ones are set is ever returned. */
  channelSecrets: {
    set(name: 'webhookSecret' | 'ntfyToken' | 'telegramBotToken', value: string): Promise<void>;
    present(): Promise<Record<'webhookSecret' | 'ntfyToken' | 'telegramBotToken', boolean>>;
  };
  /** Enabled channels that cannot run (missing URL, token, ...), each naming the setting to fix. */
  channelProblems: () => string[];
  /** Stored settings that could not be read, in plain words (the defaults act until the user saves). */
  settingsProblems: () => string[];
  accounts: {
    add(params: CommandInput<'accounts.add'>): Promise<CommandResults['accounts.add']>;
    remove(accountId: string): Promise<boolean>;
  };
}

type CommandInput<C extends CommandName> = ReturnType<(typeof commandSchemas)[C]['parse']>;

type Handler<C extends CommandName> = (params: ReturnType<(typeof commandSchemas)[C]['parse']>) => Promise<CommandResults[C]> | CommandResults[C];

export class Monitor implements MonitorApi {
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private readonly trayListeners = new Set<(tray: TrayState) => void>();
  private lastTray = '';

  constructor(private readonly parts: MonitorParts) {
    parts.alerts.subscribe((alert) => {
      this.emit({ type: 'alert', alert });
      this.notifyTray();
    });
  }

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ApiEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing UI listener must never stop the monitor.
      }
    }
    if (event.type === 'account') this.notifyTray();
  }

  trayState(): TrayState {
    return this.parts.alerts.trayState(
      this.parts.runners.map((r) => ({ accountId: r.config.id, health: r.view().health })),
    );
  }

  onTrayChange(listener: (tray: TrayState) => void): () => void {
    this.trayListeners.add(listener);
    return () => this.trayListeners.delete(listener);
  }

  async call<C extends CommandName>(command: C, params: unknown): Promise<Envelope<CommandResults[C]>> {
    const schema = commandSchemas[command];
    if (!schema) return { ok: false, error: { message: `unknown command "${String(command)}"` } };
    const parsed = schema.safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue ? formatPath(issue.path) : '';
      return { ok: false, error: { message: `${command}: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid parameters'}`, path } };
    }
    try {
      const handler = this.handlers[command] as Handler<C>;
      return { ok: true, result: await handler(parsed.data as never) };
    } catch (error) {
      return { ok: false, error: { message: error instanceof Error ? error.message : String(error) } };
    }
  }

  private readonly handlers: { [C in CommandName]: Handler<C> } = {
    'state.get': () => this.state(),
    'alerts.list': (p) => this.parts.alerts.list(p),
    'alerts.ack': (p) => this.parts.alerts.acknowledge(p.alertId),
    'alerts.snooze': (p) => this.parts.alerts.snooze(p.alertId, p.minutes),
    'history.query': (p) => {
      this.runner(p.accountId);
      const from = Date.parse(p.from);
      const to = Date.parse(p.to);
      if (!(to > from)) throw new Error('history.query: "to" must be after "from"');
      const alerts = this.parts.alerts
        .list({ state: 'all', accountId: p.accountId, limit: 1000 })
        .filter((a) => Date.parse(a.openedAt) <= to && (a.closedAt === null || Date.parse(a.closedAt) >= from));
      return { accountId: p.accountId, from: p.from, to: p.to, points: this.parts.history.history(p.accountId, from, to, p.maxPoints), alerts };
    },
    'whatif.run': (p) => this.whatIf(p.accountId, p.shocks, p.fundingHours),
    'replay.run': (p) => {
      if (!this.parts.replay) throw new Error('replay is not available in this build');
      return this.parts.replay(p);
    },
    'settings.get': () => this.settings(),
    'settings.update': async (p) => {
      const { app, alerts } = p.patch as { app?: Record<string, unknown>; alerts?: Record<string, unknown> };
      if (app !== undefined) {
        const next = appSettingsSchema.safeParse(mergePatch(this.parts.appSettings(), app));
        if (!next.success) {
          const issue = next.error.issues[0];
          throw new Error(`settings.app.${issue ? formatPath(issue.path) : ''}: ${issue?.message ?? 'invalid'}`);
        }
        this.parts.saveAppSettings(next.data);
      }
      if (alerts !== undefined) await this.parts.alerts.updateSettings(alerts);
      return this.settings();
    },
    'notify.test': async (p) => ({ channel: p.channel, ...(await this.parts.alerts.sendTest(p.channel)) }),
    'accounts.add': (p) => this.parts.accounts.add(p),
    'accounts.remove': async (p) => {
      const removed = await this.parts.accounts.remove(p.accountId);
      this.emit({ type: 'account-removed', accountId: p.accountId });
      return { removed };
    },
    'prices.query': (p) => {
      const from = Date.parse(p.from);
      const to = Date.parse(p.to);
      if (!(to > from)) throw new Error('prices.query: "to" must be after "from"');
      // Stored candles plus the newest minutes the runner has not written yet (same minute: live wins).
      const stored = this.parts.history.markCandles(p.accountId, p.symbol, from, to, p.maxPoints);
      const live = (this.parts.runners.find((r) => r.config.id === p.accountId)?.unsavedCandles(p.symbol) ?? []).filter(
        (c) => c.minuteMs >= from && c.minuteMs <= to,
      );
      const merged = mergeCandles(stored, live);
      const candles = merged.map((c) => ({
        at: new Date(c.minuteMs).toISOString(),
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
      }));
      return { accountId: p.accountId, symbol: p.symbol, candles };
    },
    'channels.setSecret': async (p) => {
      await this.parts.channelSecrets.set(p.name, p.value);
      return { present: await this.parts.channelSecrets.present() };
    },
  };

  private state(): StateResult {
    return { status: this.parts.status, accounts: this.parts.runners.map((r) => r.view()) };
  }

  private async settings(): Promise<Record<string, unknown>> {
    let channelSecrets: Record<string, boolean> | { error: string };
    try {
      channelSecrets = await this.parts.channelSecrets.present();
    } catch (error) {
      channelSecrets = { error: `channel secrets unreadable: ${error instanceof Error ? error.message : String(error)}` };
    }
    return {
      app: this.parts.appSettings(),
      alerts: this.parts.alerts.getSettings(),
      channelSecrets,
      channelProblems: this.parts.channelProblems(),
      settingsProblems: this.parts.settingsProblems(),
    };
  }

  private runner(accountId: string): AccountRunner {
    const runner = this.parts.runners.find((r) => r.config.id === accountId);
    if (!runner) throw new Error(`unknown account "${accountId}"`);
    return runner;
  }

  private whatIf(accountId: string, shocks: Record<string, string>, fundingHours: number): WhatIfResult {
    const snapshot = this.runner(accountId).currentSnapshot();
    if (!snapshot) throw new Error('no data for this account yet: what-if needs a current snapshot');
    const settings = this.parts.appSettings();
    const options = { targetMarginRatio: settings.targetMarginRatio, triggerLevels: settings.triggerLevels };
    // "Now" and "after" from the same snapshot, so the comparison is of one moment.
    const now = this.parts.engine.compute(snapshot, options);
    const shockedSnapshot = this.parts.whatIf.shock(snapshot, shocks, fundingHours);
    const shocked = this.parts.engine.compute(shockedSnapshot, options);
    const venue = liquidateByVenueRules(shockedSnapshot, shocked);
    const after = venue.closed.length > 0 ? this.parts.engine.compute(venue.after, options) : shocked;
    const triggers = snapshot.positions.map((p, i) => {
      const subject = positionSubjectOf(p);
      const line = now.positions[i]!;
      return { subject: subjectKey(subject), label: subjectLabel(subject), liquidationPrice: line.liquidationPrice, triggerPrices: line.triggerPrices };
    });
    return {
      accountId,
      report: after,
      liquidated: venue.closedIndexes.map((i) => `${shockedSnapshot.positions[i]!.symbol}:${shockedSnapshot.positions[i]!.positionSide}`),
      now,
      after,
      shocked,
      liquidations: venue.closed,
      triggers,
    };
  }

  private notifyTray(): void {
    const tray = this.trayState();
    const key = JSON.stringify([tray.level, tray.dataHealthy, tray.tooltip, tray.openAlerts.map((a) => `${a.id}:${a.level}:${a.state}`)]);
    if (key === this.lastTray) return;
    this.lastTray = key;
    for (const listener of this.trayListeners) listener(tray);
  }

  /** Resolves once every account has processed the data it has received (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.parts.runners.map((r) => r.idle()));
  }

  worstLevel(): AlertLevel {
    return worstLevel(this.parts.runners.map((r) => r.view().level));
  }
}

/** Appends live candles after the stored ones; a minute present in both is taken from the live one, widened. */
function mergeCandles(stored: StoredCandle[], live: StoredCandle[]): StoredCandle[] {
  if (live.length === 0) return stored;
  const out = [...stored];
  for (const c of live) {
    const last = out[out.length - 1];
    if (last && c.minuteMs < last.minuteMs) continue;
    if (last && c.minuteMs === last.minuteMs) {
      out[out.length - 1] = {
        ...c,
        open: last.open,
        high: Number(last.high) > Number(c.high) ? last.high : c.high,
        low: Number(last.low) < Number(c.low) ? last.low : c.low,
      };
    } else out.push(c);
  }
  return out;
}
