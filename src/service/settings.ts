// Service-wide settings (engine targets, history retention, demo account). Alert thresholds, quiet
// hours and channels live in the alerts area's own settings (src/domain/alerts/settings.ts).
import { z } from 'zod';

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
