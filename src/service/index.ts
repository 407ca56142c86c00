// createMonitor: assembles the running service from its parts. Plain Node — no Electron import — so the
// desktop shell (main process) and headless mode run exactly the same code.
import { runDemoReplay } from '../replay/demo';
import { join } from 'node:path';
import { computeMarginReport, parseSnapshot, shockSnapshot } from '../domain/margin';
import type { z } from 'zod';
import { alertSettingsSchema, retiredSettingIn, type AlertSettings } from '../domain/alerts';
import type { AlertLevel } from '../domain/alerts/levels';
import type { AccountView, DangerView, ServiceStatus } from '../api/messages';
import { openDatabase, type Db } from '../store/db';
import { HistoryStore } from '../store/historyStore';
import { AccountStore } from '../store/accountStore';
import { databaseFile } from '../paths';
import { AlertPipeline, Watchdog } from './alerts';
import { StorageMonitor } from './storageMonitor';
import { channelsFromSettings, osNotificationChannel, soundChannel, type NotificationChannel } from '../notify';
import { ChannelSecretStore } from './channelSecrets';
import { mergePatch } from './mergePatch';
import { KeyAuditor } from './keyAudit';
import { ForecastService } from '../forecast';
import { isMultiAssetCrossBook } from '../domain/forecast';
import { DemoVenueSession, type Timers } from '../venues/demo/session';
import { createVenueSession, validateCredentials } from '../venues/exchanges';
import { loadVenueSecret } from '../secrets/accountSecrets';
import { AccountInputError, AccountUseCase } from './accounts';
import type { AccountConfig, VenueSession } from '../venues/types';
import type { SecretVault } from '../secrets';
import { openHeadlessVault } from '../secrets';
import { AccountRunner, type AlertSink, type MarginEngine } from './accountRunner';
import { Monitor, type AlertService } from './monitor';
import type { TrayState } from '../api/health';
import { appSettingsSchema, DEFAULT_APP_SETTINGS, type AppSettings } from './settings';

export { Monitor } from './monitor';
export type { TrayState } from '../api/health';

export const DEMO_ACCOUNT: AccountConfig = { id: 'demo', name: 'Demo · Binance USD-M futures', source: 'demo', options: {} };
const VERSION = '0.1.0';

export interface MonitorOptions {
  dataDir: string;
  shell: 'desktop' | 'headless';
  /** Folder with demo/, sounds/, icons/, forecast/ (the repo's resources/ or the packaged app's). */
  resourcesDir: string;
  demoSpeed?: number;
  /** better-sqlite3 binding built for Electron's ABI (desktop shell in development). */
  nativeBinding?: string;
  /** Replaces the default OS-notification + sound channels (the desktop shell passes Electron's). */
  channels?: NotificationChannel[];
  /** What the shell knows about its own notification backend when it passes `channels`. */
  osNotifications?: { available: boolean; detail: string | null };
  vault?: SecretVault;
  now?: () => number;
  /** Timers for the demo venue's replay (tests drive a manual clock). */
  timers?: Timers;
  /** How often each exchange key's permissions are re-checked (default 6 h). */
  keyAuditIntervalMs?: number;
  log?: (line: string) => void;
  /** Below this many free bytes in the data folder a low-disk warning is raised (default 100 MB; 0 = off). */
  lowDiskBytes?: number;
  /** How often free space is checked (default 60 s). */
  diskCheckMs?: number;
  /** While the database cannot be written, how often writing is retried (default 5 s). */
  storageRetryMs?: number;
}

export interface RunningMonitor extends Monitor {
  close(): Promise<void>;
}

export async function createMonitor(options: MonitorOptions): Promise<RunningMonitor> {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.error(line));
  const db = openDatabase(databaseFile(options.dataDir), {
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    log,
    now,
  });
  const history = new HistoryStore(db);
  const settings = new SettingsRepository(history, log);

  let vaultPromise: Promise<SecretVault> | null = null;
  const vault = () => (vaultPromise ??= options.vault ? Promise.resolve(options.vault) : openHeadlessVault({ dataDir: options.dataDir }));

  const osChannel = osNotificationChannel({
    iconPath: join(options.resourcesDir, 'icons', 'icon.png'),
    onUnavailable: (detail) => log(`OS notifications unavailable: ${detail}; in-app alerts keep working`),
  });
  const local = {
    os: options.channels?.find((c) => c.id === 'os') ?? (options.channels ? undefined : osChannel),
    sound:
      options.channels?.find((c) => c.id === 'sound') ??
      soundChannel({
        file: join(options.resourcesDir, 'sounds', 'alarm.wav'),
        onUnavailable: (detail) => log(`alarm sound unavailable: ${detail}`),
      }),
  };
  const extraChannels = options.channels?.filter((c) => c.id !== 'os' && c.id !== 'sound') ?? [];
  const osStatus = options.osNotifications ?? (options.channels ? { available: local.os !== undefined, detail: null } : osChannel.status());

  const initialChannels = [local.os, local.sound, ...extraChannels].filter((c): c is NotificationChannel => c !== undefined);
  const storage = new StorageMonitor({
    file: databaseFile(options.dataDir),
    dir: options.dataDir,
    ...(options.lowDiskBytes !== undefined ? { lowDiskBytes: options.lowDiskBytes } : {}),
    log,
  });
  const pipeline = new AlertPipeline({
    db,
    channels: initialChannels,
    now,
    onError: (error) => log(`alert pipeline: ${String(error)}`),
    storage,
    ...(options.storageRetryMs !== undefined ? { storageRetryMs: options.storageRetryMs } : {}),
  });
  const channelSecrets = new ChannelSecretStore(history, vault);
  let channelProblems: string[] = [];
  // The channel set follows the alert settings (enabled channels, remote URLs) and the stored secrets.
  const applyChannels = async () => {
    let secrets = {};
    try {
      secrets = await channelSecrets.load();
    } catch (error) {
      log(`remote channel secrets unreadable: ${error instanceof Error ? error.message : String(error)}`);
    }
    const built = channelsFromSettings(settings.alerts().channels, local, secrets);
    pipeline.setChannels([...built.channels, ...extraChannels]);
    channelProblems = built.problems;
    for (const problem of built.problems) log(`alert channel not running: ${problem}`);
  };
  await applyChannels();
  const forecaster = new ForecastService({
    levels: settings.app().triggerLevels,
    params: join(options.resourcesDir, 'forecast', 'params.json'),
  });
  if (forecaster.paramsWarning) log(forecaster.paramsWarning);
  // Each account forecasts from its own venue's marks: the demo replays 2021 prices under the same
  // symbols a real account trades, and two venues' marks differ; mixed, their gaps would read as σ.
  // The demo's σ is per minute of its replayed market (clockScale), so it says what the app would have
  // said during the real crash, only sooner.
  const forecastsFor = (config: AccountConfig, session: VenueSession) => ({
    ...forecaster.forMarket(config.id, { clockScale: session.clockScale ?? 1 }),
    needsMonteCarlo: isMultiAssetCrossBook,
  });
  const engine: MarginEngine = { parse: parseSnapshot, compute: computeMarginReport };
  const alerts = new AlertAdapter(pipeline, settings, applyChannels);

  const status: ServiceStatus = {
    version: VERSION,
    startedAt: new Date(now()).toISOString(),
    osNotifications: osStatus,
    dataDir: options.dataDir,
    shell: options.shell,
    storage: storage.view(),
  };

  let monitor: Monitor | null = null;
  // "degraded: storage" reaches every window as a status event.
  storage.onChange(() => {
    status.storage = storage.view();
    monitor?.emit({ type: 'status', status });
  });
  await storage.checkFreeSpace();
  const diskCheck = setInterval(() => void storage.checkFreeSpace(), options.diskCheckMs ?? 60_000);
  diskCheck.unref();
  const runners: AccountRunner[] = [];
  const watchdogs = new Map<string, Watchdog>();
  const runnerDeps = {
    engine,
    alerts,
    history,
    now,
    settings: () => {
      const app = settings.app();
      return {
        engine: { targetMarginRatio: app.targetMarginRatio, triggerLevels: app.triggerLevels },
        historyIntervalMs: app.historyIntervalMs,
        snapshotIntervalMs: app.snapshotIntervalMs,
      };
    },
    emit: (view: AccountView) => monitor?.emit({ type: 'account', account: view }),
    log,
    storageFailed: (error: unknown) => storage.failed(error),
  };
  const startAccount = (config: AccountConfig, session: VenueSession) => {
    const runner = new AccountRunner(config, session, { ...runnerDeps, forecaster: forecastsFor(config, session) });
    runners.push(runner);
    const watchdog = new Watchdog({ target: pipeline, accountId: config.id, onError: (e) => log(`watchdog: ${String(e)}`) });
    watchdogs.set(config.id, watchdog);
    runner.start().catch((error: unknown) => log(`account ${config.name} failed to start: ${String(error)}`));
    watchdog.start();
  };
  const stopAccount = async (accountId: string) => {
    const index = runners.findIndex((r) => r.config.id === accountId);
    if (index < 0) return;
    const [runner] = runners.splice(index, 1);
    await watchdogs.get(accountId)?.stop();
    watchdogs.delete(accountId);
    await runner!.stop();
    forecaster.dropMarket(accountId);
  };

  const accountStore = new AccountStore(db);
  const sessionLogger = (config: AccountConfig) => ({
    info: (m: string) => log(`[${config.name}] ${m}`),
    warn: (m: string) => log(`[${config.name}] ${m}`),
  });
  const accountUseCase = new AccountUseCase({
    store: accountStore,
    vault,
    now,
    reservedNames: new Set([DEMO_ACCOUNT.name]),
    log,
    sessionOptions: (config) => ({ logger: sessionLogger(config) }),
  });

  monitor = new Monitor({
    runners,
    alerts,
    engine,
    whatIf: { shock: (snapshot, shocks, fundingHours) => shockSnapshot(snapshot, { shocks, fundingHours }) },
    replay: async (p) => {
      // Its own forecast state (warm-up from the tape), so the live accounts' volatility is untouched.
      const replayForecaster = new ForecastService({ params: join(options.resourcesDir, 'forecast', 'params.json') });
      try {
        const app = settings.app();
        return runDemoReplay(options.resourcesDir, p, settings.alerts(), { targetMarginRatio: app.targetMarginRatio, triggerLevels: app.triggerLevels }, replayForecaster);
      } finally {
        await replayForecaster.close();
      }
    },
    history,
    status,
    appSettings: () => settings.app(),
    saveAppSettings: (next) => settings.saveApp(next),
    channelSecrets: {
      set: async (name, value) => {
        await channelSecrets.set(name, value);
        await applyChannels();
      },
      present: () => channelSecrets.present(),
    },
    channelProblems: () => channelProblems,
    settingsProblems: () => settings.problems(),
    accounts: {
      add: async (p) => {
        const outcome = await accountUseCase.add({ ...p, secret: p.secret ?? null }).catch((error: unknown) => {
          throw error instanceof AccountInputError ? new Error(`accounts.add: ${error.message}`) : error;
        });
        if (!outcome.added) return { account: null, check: outcome.check };
        const { config, secret } = outcome;
        startAccount(config, createVenueSession(config, secret, { logger: sessionLogger(config) }));
        return { account: { id: config.id, name: config.name, source: config.source, options: config.options }, check: outcome.check! };
      },
      remove: async (accountId) => {
        if (accountId === DEMO_ACCOUNT.id) {
          // The demo account has no key to erase: removing it means switching it off.
          settings.saveApp({ ...settings.app(), demoEnabled: false });
          await stopAccount(accountId);
          return true;
        }
        await stopAccount(accountId);
        return accountUseCase.remove(accountId);
      },
    },
  });

  for (const { config, session } of await openSessions(accountStore, options, settings.app(), vault, sessionLogger, log)) {
    startAccount(config, session);
  }
  const keyAuditor = new KeyAuditor({
    intervalMs: options.keyAuditIntervalMs ?? 6 * 3_600_000,
    accounts: () =>
      runners
        .filter((r) => r.config.source !== 'demo' && accountStore.secretBlob(r.config.id) !== null)
        .map((r) => ({
          id: r.config.id,
          check: async () => {
            const secret = await loadVenueSecret(accountStore, await vault(), r.config.id);
            const result = await validateCredentials(r.config, secret, { logger: sessionLogger(r.config) });
            return { checkedMs: now(), verdict: result.verdict, permissions: result.permissions };
          },
        })),
    baseline: (id) => accountStore.keyCheck(id),
    saveBaseline: (id, check) => accountStore.setKeyCheck(id, check),
    onNotice: (id, notice) => runners.find((r) => r.config.id === id)?.setKeyPermissionsNotice(notice),
    log,
  });
  keyAuditor.start();
  // The first pass runs soon after start, so a key changed while the app was closed is noticed today.
  const firstAudit = setTimeout(() => void keyAuditor.runOnce(), Math.min(60_000, options.keyAuditIntervalMs ?? 60_000));
  firstAudit.unref();
  const retention = startRetention(history, settings, now, log);

  const running = monitor as RunningMonitor;
  let closing: Promise<void> | null = null;
  running.close = () =>
    (closing ??= (async () => {
      clearInterval(retention);
      clearInterval(diskCheck);
      clearTimeout(firstAudit);
      await keyAuditor.stop();
      await Promise.allSettled([...watchdogs.values()].map((w) => w.stop()));
      await Promise.allSettled(runners.map((r) => r.stop()));
      await pipeline.close();
      await forecaster.close();
      closeDb(db, log);
    })());
  return running;
}

/** The demo account (unless disabled) and every stored exchange account, each with its venue session. */
async function openSessions(
  accounts: AccountStore,
  options: MonitorOptions,
  app: AppSettings,
  vault: () => Promise<SecretVault>,
  logger: (config: AccountConfig) => { info(m: string): void; warn(m: string): void },
  log: (line: string) => void,
): Promise<{ config: AccountConfig; session: VenueSession }[]> {
  const out: { config: AccountConfig; session: VenueSession }[] = [];
  if (app.demoEnabled) {
    const speed = options.demoSpeed;
    out.push({
      config: DEMO_ACCOUNT,
      session: new DemoVenueSession({
        accountId: DEMO_ACCOUNT.id,
        resourcesDir: options.resourcesDir,
        ...(speed ? { speed } : {}),
        ...(options.now ? { now: options.now } : {}),
        ...(options.timers ? { timers: options.timers } : {}),
      }),
    });
  }
  const stored = accounts.list().filter((a) => a.source !== 'demo');
  if (stored.length === 0) return out;
  for (const config of stored) {
    try {
      const secret = accounts.secretBlob(config.id) ? await loadVenueSecret(accounts, await vault(), config.id) : null;
      out.push({ config, session: createVenueSession(config, secret, { logger: logger(config) }) });
    } catch (error) {
      log(`account ${config.name} cannot start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return out;
}

/** Alert settings are stored by the service and handed to the pipeline with every evaluation. */
class SettingsRepository {
  private appCache: AppSettings | null = null;
  private alertCache: AlertSettings | null = null;
  /**
   * Stored settings that could not be read (written by a newer version, or damaged): the defaults act
   * meanwhile, the user is told (settings.get), and the unread copy is kept aside before a save
   * replaces it, so nothing stored is lost silently.
   */
  private readonly unreadable = new Map<'app' | 'alerts', string>();
  constructor(private readonly history: HistoryStore, private readonly log: (line: string) => void) {}

  problems(): string[] {
    return [...this.unreadable.values()];
  }

  private load<T>(key: 'app' | 'alerts', parse: (raw: unknown) => z.ZodSafeParseResult<T>, fallback: () => T): T {
    let why: string;
    try {
      const parsed = parse(this.history.getSetting(key) ?? {});
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      why = `${issue?.path.length ? `${key}.${issue.path.map(String).join('.')}` : key}: ${issue?.message ?? 'invalid'}`;
    } catch (error) {
      why = `not JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
    const problem = `The stored ${key === 'app' ? 'app' : 'alert'} settings could not be read (${why}); the defaults are in use until you save these settings.`;
    this.unreadable.set(key, problem);
    this.log(problem);
    return fallback();
  }

  /** Before a save replaces settings that could not be read, they are kept under "<key>.unreadable". */
  private put(key: 'app' | 'alerts', value: unknown): void {
    if (this.unreadable.has(key)) this.history.copySetting(key, `${key}.unreadable`);
    this.history.putSetting(key, value);
    this.unreadable.delete(key);
  }

  app(): AppSettings {
    this.appCache ??= this.load('app', (raw) => appSettingsSchema.safeParse(raw), () => DEFAULT_APP_SETTINGS);
    return this.appCache;
  }

  saveApp(next: AppSettings): void {
    this.put('app', next);
    this.appCache = next;
  }

  alerts(): AlertSettings {
    this.alertCache ??= this.load('alerts', (raw) => alertSettingsSchema.safeParse(raw), () => alertSettingsSchema.parse({}));
    return this.alertCache;
  }

  updateAlerts(patch: Record<string, unknown>): AlertSettings {
    // A retired setting decides nothing; accepting it would save a change that never acts.
    const retired = retiredSettingIn(patch);
    if (retired) throw new Error(`settings.alerts.${retired}: no longer used; the thresholds of each level are in alerts.danger`);
    const parsed = alertSettingsSchema.safeParse(mergePatch(this.alerts(), patch));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`settings.alerts.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    this.put('alerts', parsed.data);
    this.alertCache = parsed.data;
    return parsed.data;
  }
}

class AlertAdapter implements AlertSink, AlertService {
  constructor(
    private readonly pipeline: AlertPipeline,
    private readonly settings: SettingsRepository,
    private readonly onSettingsChanged: () => Promise<void>,
  ) {}
  evaluate: AlertSink['evaluate'] = (accountId, input) => this.pipeline.evaluate(accountId, input, this.settings.alerts());
  accountLevel(accountId: string): AlertLevel {
    return this.pipeline.accountLevel(accountId);
  }
  /** The danger verdict the window shows (AccountView.danger): the same one the alerts were judged on. */
  danger(accountId: string): DangerView | null {
    return this.pipeline.danger(accountId);
  }
  list: AlertService['list'] = (filter) => this.pipeline.list(filter);
  acknowledge = async (alertId: string) => this.pipeline.acknowledge(alertId);
  snooze = async (alertId: string, minutes: number) => this.pipeline.snooze(alertId, minutes);
  subscribe: AlertService['subscribe'] = (listener) => this.pipeline.subscribe(listener);
  trayState: AlertService['trayState'] = (feeds): TrayState => this.pipeline.trayState(feeds);
  sendTest = async (channelId: string) => {
    const r = await this.pipeline.sendTest(channelId);
    return { ok: r.ok, detail: r.detail };
  };
  getSettings = () => this.settings.alerts();
  updateSettings = async (patch: Record<string, unknown>) => {
    const next = this.settings.updateAlerts(patch);
    await this.onSettingsChanged();
    return next;
  };
}

function startRetention(history: HistoryStore, settings: SettingsRepository, now: () => number, log: (l: string) => void): NodeJS.Timeout {
  const prune = () => {
    const days = settings.app().retentionDays;
    if (days <= 0) return;
    try {
      const removed = history.prune(now() - days * 86_400_000);
      if (removed > 0) log(`retention: removed ${removed} history rows older than ${days} days`);
    } catch (error) {
      log(`retention failed: ${String(error)}`);
    }
  };
  prune();
  const timer = setInterval(prune, 3_600_000);
  timer.unref();
  return timer;
}

/** Best effort: a checkpoint that fails (disk full) is logged, and the database is closed anyway. */
function closeDb(db: Db, log: (line: string) => void): void {
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    log(`closing: checkpoint failed (${error instanceof Error ? error.message : String(error)}); the WAL is replayed at next start`);
  }
  try {
    db.close();
  } catch (error) {
    log(`closing the database failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
