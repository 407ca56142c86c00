// The settings contract shared by the service and the UI: one zod schema per section. `app` holds
// service-wide settings (engine targets, history retention, demo account); `alerts` the alert thresholds,
// the danger policy (src/domain/danger/policy.ts), quiet hours and channels. The UI validates a form
// with the same schemas the service applies, so a refusal names the same field in the same words.
import { z } from 'zod';
import { alertSettingsSchema, DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../domain/alerts/settings';
import { dangerPolicySchema, DEFAULT_DANGER_POLICY, type DangerPolicy } from '../domain/danger/policy';

export { alertSettingsSchema, DEFAULT_ALERT_SETTINGS, dangerPolicySchema, DEFAULT_DANGER_POLICY };
export type { AlertSettings, DangerPolicy };

const decimal = z.string().regex(/^\d+(\.\d+)?$/, { error: 'must be a decimal string' });

export const appSettingsSchema = z.strictObject({
  /** Margin ratio the top-up / reduce-size numbers aim for. */
  targetMarginRatio: decimal.default('0.5'),
  /** Margin-ratio levels for which the engine computes trigger prices and the forecast probabilities. */
  triggerLevels: z.array(decimal).min(1).max(8).default(['0.7', '0.8', '1']),
  /** History older than this is deleted (0 = keep forever). */
  retentionDays: z.number().int().min(0).max(3650).default(365),
  /** At most one stored report per account per interval, plus one at every level change. */
  historyIntervalMs: z.number().int().min(250).max(3_600_000).default(5_000),
  /** Full snapshots are larger: stored at most this often (and at every level change). */
  snapshotIntervalMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
  demoEnabled: z.boolean().default(true),
  startAtLogin: z.boolean().default(false),
});
export type AppSettings = z.infer<typeof appSettingsSchema>;

export const DEFAULT_APP_SETTINGS: AppSettings = appSettingsSchema.parse({});

/** What `settings.get` / `settings.update` return. */
export interface SettingsView {
  app: AppSettings;
  alerts: AlertSettings;
  /** Which remote-channel secrets are stored (never their values), or why they could not be read. */
  channelSecrets: Record<string, boolean> | { error: string };
  /** Enabled channels that cannot run, each naming the setting to fix. */
  channelProblems: string[];
}

/** A settings refusal for a form: the field path (for focus) and the message in plain words. */
export interface SettingsIssue {
  path: (string | number)[];
  message: string;
}

/** Every issue of a failed parse, first the ones a person should fix first (schema order). */
export function settingsIssues(error: z.ZodError): SettingsIssue[] {
  return error.issues.map((i) => ({ path: i.path.filter((p): p is string | number => typeof p !== 'symbol'), message: i.message }));
}
