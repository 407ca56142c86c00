// The single contract between the service and any UI. Both transports (Electron IPC via the preload
// bridge, WebSocket in headless mode) carry exactly these messages. Commands are zod-validated at
// every boundary; results and events are plain JSON (money as decimal strings).
import type { ReplayLine } from '../replay/run';
import { z } from 'zod';
import type { AccountSnapshot, MarginReport } from '../domain/contracts';
import type { AccountForecast } from '../domain/forecast/types';
import type { AlertLevel } from '../domain/alerts/levels';
import type { DangerAction, SubjectDanger } from '../domain/danger';
import type { VenueHealth } from '../domain/contracts/health';
export type { VenueHealth };
import type { StorageHealthView } from './health';
import { EXCHANGE_SOURCES } from '../venues/catalog';

export type { AlertLevel };

export interface AccountView {
  id: string;
  name: string;
  /** 'demo' or the exchange id. */
  source: string;
  snapshot: AccountSnapshot | null;
  report: MarginReport | null;
  forecast: AccountForecast | null;
  health: VenueHealth;
  /** Worst open alert level of the account and its positions. */
  level: AlertLevel;
  /** The danger verdict now: every subject's level, distance, forecast and restoring action (null before data). */
  danger?: DangerView | null;
  /** Last rejected input (bad snapshot, engine error), shown to the trader. */
  lastError: { at: string; message: string } | null;
}

/**
 * One danger subject (an isolated position or the cross book) as the window shows it: the domain's
 * verdict (fields documented in src/domain/danger/assess.ts) with the machine key as `subject`
 * (never show it: use `label`) and the one action that restores safety (null when safe), plus other
 * actions that also would (today: "reduce ETHUSDT by 3.2 ETH" for the cross book; absent when none).
 */
export type DangerSubjectView = Omit<SubjectDanger, 'subject' | 'key' | 'holdLevel' | 'adverse' | 'sigmaPerMin' | 'pastTrigger'> & {
  subject: string;
  action: DangerAction | null;
  alternatives?: DangerAction[];
};

export interface DangerView {
  /** The account's level: its worst subject's. */
  level: AlertLevel;
  /** The worst subject (what the danger strip shows); null without positions. */
  worst: DangerSubjectView | null;
  /** Every subject, most endangered first. */
  subjects: DangerSubjectView[];
}

export type AlertKind = 'level' | 'predictive' | 'system';
export type AlertState = 'open' | 'acknowledged' | 'snoozed' | 'closed';

export interface DeliveryView {
  channel: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  at: string;
  detail: string | null;
}

export interface AlertView {
  id: string;
  accountId: string;
  /** What the alert is about, machine form ("position:BTCUSDT:long", "cross", "system:stale", "liquidated:…"); never show it. */
  subject: string;
  /** The subject in plain words ("BTCUSDT long", "cross book", "data freshness"). */
  subjectLabel?: string;
  /** The one-off marker that the venue liquidated (or auto-deleveraged) the subject: a history marker. */
  liquidation?: boolean;
  kind: AlertKind;
  level: AlertLevel;
  state: AlertState;
  title: string;
  body: string;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
  acknowledgedAt: string | null;
  snoozedUntil: string | null;
  deliveries: DeliveryView[];
}

export interface ServiceStatus {
  version: string;
  startedAt: string;
  /** Whether the OS notification backend works; shown once in the UI when it does not. */
  osNotifications: { available: boolean; detail: string | null };
  dataDir: string;
  shell: 'desktop' | 'headless';
  /** Whether the database takes writes ("degraded: storage" when not); absent from older services. */
  storage?: StorageHealthView;
}

export interface HistoryPoint {
  at: string;
  equity: string;
  marginRatio: string | null;
  /** Smallest |distance to liquidation| across positions, signed as in the report. */
  minDistanceToLiquidation: string | null;
  /**
   * Additive: each isolated position's and the cross book's distance to its trigger at this point
   * (absent from older services; empty when the stored report has no position).
   */
  subjects?: HistorySubjectDistance[];
}

/** One subject's distance to its trigger at a history point. */
export interface HistorySubjectDistance {
  /** Machine key (`position:BTCUSDT:long`, `cross`); the UI shows it in plain words. */
  subject: string;
  /** The symbol whose price triggers it (a cross book: its nearest leg). */
  symbol: string;
  /** |distance| from mark to the trigger, fraction of the mark ("0.0123"). */
  distance: string;
  /** The trigger (liquidation) price, null when the engine has none. */
  price: string | null;
}

export interface HistoryResult {
  accountId: string;
  from: string;
  to: string;
  points: HistoryPoint[];
  alerts: AlertView[];
}

// ---- Commands (UI → service) ----------------------------------------------------------------

const isoTime = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(200);
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, { error: 'must be a decimal string' });

export const commandSchemas = {
  'state.get': z.strictObject({}),
  'alerts.list': z.strictObject({
    state: z.enum(['open', 'acknowledged', 'snoozed', 'closed', 'all']).default('all'),
    accountId: id.optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  }),
  'alerts.ack': z.strictObject({ alertId: id }),
  'alerts.snooze': z.strictObject({ alertId: id, minutes: z.number().int().min(1).max(24 * 60) }),
  'history.query': z.strictObject({ accountId: id, from: isoTime, to: isoTime, maxPoints: z.number().int().min(10).max(20000).default(2000) }),
  'whatif.run': z.strictObject({
    accountId: id,
    /** Relative price shocks per symbol or "*" for all, e.g. {"*": "-0.1"} = all prices −10%. */
    shocks: z.record(z.string(), decimal),
    fundingHours: z.number().min(0).max(24 * 30).default(0),
  }),
  'settings.get': z.strictObject({}),
  'settings.update': z.strictObject({ patch: z.record(z.string(), z.unknown()) }),
  'notify.test': z.strictObject({ channel: z.string().min(1) }),
  /**
   * Adds an exchange account after validating the key against the exchange. The secret goes straight
   * to the vault; it is never echoed back. Keys that can withdraw are refused unless `allowWithdraw`.
   */
  'accounts.add': z.strictObject({
    name: z.string().trim().min(1).max(64),
    source: z.enum(EXCHANGE_SOURCES),
    options: z.record(z.string().max(100), z.string().max(2000)).default({}),
    secret: z
      .strictObject({ apiKey: z.string().min(1).max(4096), secret: z.string().min(1).max(4096), passphrase: z.string().min(1).max(4096).optional() })
      .optional(),
    allowWithdraw: z.boolean().default(false),
  }),
  /** Stops the account's monitoring and erases its secret; its history stays for review. */
  'accounts.remove': z.strictObject({ accountId: id }),
  /** 1-minute mark-price candles of one symbol of an account, from the local history. */
  'prices.query': z.strictObject({
    accountId: id,
    symbol: z.string().min(1).max(64),
    from: isoTime,
    to: isoTime,
    maxPoints: z.number().int().min(10).max(20000).default(2000),
  }),
  /**
   * "Replay through a past crash": holds an isolated hedge position on the shipped demo tape (Binance
   * 2021-05-19) through the real pipeline; returns the replay's lines (level/alert/liquidated) and summary.
   */
  'replay.run': z.strictObject({
    symbol: z.enum(['BTCUSDT', 'ETHUSDT']).default('BTCUSDT'),
    leverage: z.number().min(1).max(125).default(50),
    sides: z.array(z.enum(['long', 'short'])).min(1).max(2).default(['long', 'short']),
    /** Minutes after 10:00 UTC (the tape's replay start) to open; the tape runs to 16:00. */
    openAfterMin: z.number().int().min(0).max(300).default(0),
  }),
  /** Token / signing secret of a remote alert channel; stored encrypted, never returned. Empty clears it. */
  'channels.setSecret': z.strictObject({
    name: z.enum(['webhookSecret', 'ntfyToken', 'telegramBotToken']),
    value: z.string().max(4096),
  }),
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandParams<C extends CommandName> = z.input<(typeof commandSchemas)[C]>;

export interface StateResult {
  status: ServiceStatus;
  accounts: AccountView[];
}

export interface AccountSummary {
  id: string;
  name: string;
  source: string;
  /** Non-secret per-account options (base URLs, wallet address). */
  options: Record<string, string>;
}

export interface KeyCheckView {
  ok: boolean;
  permissions: { read: boolean; trade: boolean | null; withdraw: boolean | null };
  /** ok | warn-trading (added, with a loud warning) | refuse-withdraw | invalid */
  verdict: 'ok' | 'warn-trading' | 'refuse-withdraw' | 'invalid';
  message: string;
}

export interface PriceCandle {
  /** Minute open time (ISO). */
  at: string;
  open: string;
  high: string;
  low: string;
  close: string;
}

export interface PricesResult {
  accountId: string;
  symbol: string;
  candles: PriceCandle[];
}

/** One subject the exchange closes under the shock (venue rules: an isolated position loses at most its margin). */
export interface WhatIfLiquidation {
  /** Machine key (`position:BTCUSDT:short`, `cross`); show `label`. */
  subject: string;
  label: string;
  /** The engine's liquidation price of that subject. */
  price: string;
  /** What the account loses with it (the isolated margin; for the cross book, the cross wallet's loss). */
  loss: string;
}

export interface WhatIfResult {
  accountId: string;
  /** The account after the shock, after the exchange closed what it liquidates (= `after`). */
  report: MarginReport;
  /** Position keys (`BTCUSDT:short`) of every position closed, kept for older UIs. */
  liquidated: string[];
  /** Now and after, computed from the same snapshot (one moment). */
  now: MarginReport;
  after: MarginReport;
  /** The shocked account before the exchange acts (what a naive shock shows). */
  shocked: MarginReport;
  liquidations: WhatIfLiquidation[];
  /** Each position's trigger prices now (engine solver): liquidation and the margin-ratio levels. */
  triggers: { subject: string; label: string; liquidationPrice: string | null; triggerPrices: { level: string; price: string | null }[] }[];
}

export interface CommandResults {
  'state.get': StateResult;
  'alerts.list': AlertView[];
  'alerts.ack': AlertView;
  'alerts.snooze': AlertView;
  'history.query': HistoryResult;
  'whatif.run': WhatIfResult;
  'settings.get': Record<string, unknown>;
  'settings.update': Record<string, unknown>;
  'notify.test': { channel: string; ok: boolean; detail: string | null };
  'channels.setSecret': { present: Record<'webhookSecret' | 'ntfyToken' | 'telegramBotToken', boolean> };
  /** `account` is null when the key was refused (see `check`). */
  'accounts.add': { account: AccountSummary | null; check: KeyCheckView };
  'accounts.remove': { removed: boolean };
  'prices.query': PricesResult;
  'replay.run': DemoReplayResult;
}

/** `replay.run`: a held hedge position on the demo tape through the real pipeline. */
export interface DemoReplayResult {
  symbol: string;
  leverage: number;
  /** When the positions were opened (ISO). */
  from: string;
  /** Every line in time order: level changes, alerts, liquidations (the CLI's JSON-lines kinds). */
  lines: Exclude<ReplayLine, { kind: 'summary' }>[];
  summary: Extract<ReplayLine, { kind: 'summary' }>;
}

/** Every call returns this envelope so failures cross the bridge intact. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: { message: string; path?: string } };

// ---- Events (service → UI) ------------------------------------------------------------------

export type ApiEvent =
  | { type: 'account'; account: AccountView }
  /** The account was removed (or the demo switched off): drop it from every view. */
  | { type: 'account-removed'; accountId: string }
  | { type: 'alert'; alert: AlertView }
  | { type: 'status'; status: ServiceStatus };

/** What a transport needs from the service. */
export interface MonitorApi {
  call<C extends CommandName>(command: C, params: unknown): Promise<Envelope<CommandResults[C]>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}
