// Alert settings per account: every threshold a trader may want to move, with defaults a trader
// would expect. Ratios are normalised margin ratios (maintenance margin / margin balance; 1 = liquidation).
import { z } from 'zod';
import { ALERT_LEVELS, levelRank, type AlertLevel } from './levels';
import { DEFAULT_DANGER_POLICY, dangerPolicySchema } from '../danger/policy';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be HH:MM (24 h)' });

const NOTIFYING_LEVELS = ['watch', 'warning', 'margin-call', 'critical'] as const;

const httpUrl = z
  .string()
  .max(2000)
  .regex(/^https?:\/\/[^\s]+$/, { error: 'must be an http(s) URL' });

/** Remote channels. Tokens and signing secrets are NOT settings: the service keeps them in the vault. */
const channelSettings = z
  .strictObject({
    os: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
    sound: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
    webhook: z
      .strictObject({
        enabled: z.boolean().default(false),
        url: httpUrl.nullable().default(null),
        minLevel: z.enum(NOTIFYING_LEVELS).default('warning'),
      })
      .default({ enabled: false, url: null, minLevel: 'warning' }),
    ntfy: z
      .strictObject({
        enabled: z.boolean().default(false),
        baseUrl: httpUrl.default('https://ntfy.sh'),
        topic: z
          .string()
          .regex(/^[-_A-Za-z0-9]{1,64}$/, { error: 'letters, digits, - and _ only (≤ 64)' })
          .nullable()
          .default(null),
        minLevel: z.enum(NOTIFYING_LEVELS).default('margin-call'),
      })
      .default({ enabled: false, baseUrl: 'https://ntfy.sh', topic: null, minLevel: 'margin-call' }),
    telegram: z
      .strictObject({
        enabled: z.boolean().default(false),
        baseUrl: httpUrl.default('https://api.telegram.org'),
        chatId: z
          .string()
          .regex(/^-?\d{1,20}$|^@\w{5,64}$/, { error: 'a numeric chat id or @channelname' })
          .nullable()
          .default(null),
        minLevel: z.enum(NOTIFYING_LEVELS).default('margin-call'),
      })
      .default({
        enabled: false,
        baseUrl: 'https://api.telegram.org',
        chatId: null,
        minLevel: 'margin-call',
      }),
  })
  .superRefine((c, ctx) => {
    if (c.webhook.enabled && !c.webhook.url)
      ctx.addIssue({
        code: 'custom',
        path: ['webhook', 'url'],
        message: 'required when the webhook is enabled',
      });
    if (c.ntfy.enabled && !c.ntfy.topic)
      ctx.addIssue({ code: 'custom', path: ['ntfy', 'topic'], message: 'required when ntfy is enabled' });
    if (c.telegram.enabled && !c.telegram.chatId)
      ctx.addIssue({
        code: 'custom',
        path: ['telegram', 'chatId'],
        message: 'required when Telegram is enabled',
      });
  });
export type ChannelSettings = z.infer<typeof channelSettings>;

/**
 * Settings that no longer decide anything since the danger verdict (docs/ALERTS.md): the old
 * ratio/distance table, its release margins, and the separate predictive alert's thresholds. They are
 * dropped on load, and an update that sets one is refused (a change that never acts must not be saved).
 */
export const RETIRED_ALERT_SETTINGS = [
  ['levels'],
  ['hysteresis', 'marginRatio'],
  ['hysteresis', 'distanceFactor'],
  ['hysteresis', 'predictiveCalmMin'],
  ['predictive', 'level'],
  ['predictive', 'p1h'],
  ['predictive', 'p15m'],
] as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first retired setting `patch` sets ("hysteresis.distanceFactor"), or null. */
export function retiredSettingIn(patch: unknown): string | null {
  for (const path of RETIRED_ALERT_SETTINGS) {
    const parent = path.length === 1 ? patch : isRecord(patch) ? patch[path[0]] : undefined;
    if (isRecord(parent) && path[path.length - 1]! in parent) return path.join('.');
  }
  return null;
}

/**
 * Drops the retired settings of stored alert settings. Where no danger policy was stored yet, the old
 * table's margin-ratio column becomes the policy's, so a trader's own ratios survive the upgrade.
 */
function withoutRetired(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const out: Record<string, unknown> = { ...raw };
  for (const key of ['hysteresis', 'predictive'] as const) if (isRecord(out[key])) out[key] = { ...out[key] };
  for (const path of RETIRED_ALERT_SETTINGS) {
    const parent = path.length === 1 ? out : out[path[0]];
    if (isRecord(parent)) delete parent[path[path.length - 1]!];
  }
  if (!('levels' in raw) || 'danger' in raw) return out;
  const marginRatio = { ...DEFAULT_DANGER_POLICY.marginRatio };
  const levels = raw.levels;
  for (const level of NOTIFYING_LEVELS) {
    const r = isRecord(levels) && isRecord(levels[level]) ? levels[level].marginRatio : undefined;
    if (r === null || (typeof r === 'number' && r > 0 && r <= 1)) marginRatio[level] = r;
  }
  const migrated = dangerPolicySchema.safeParse({ ...DEFAULT_DANGER_POLICY, marginRatio });
  return { ...out, danger: migrated.success ? migrated.data : DEFAULT_DANGER_POLICY };
}

export const alertSettingsSchema = z.preprocess(
  withoutRetired,
  z.strictObject({
    hysteresis: z
      .strictObject({
        /** A level steps down only after its danger has stayed below it this long (release bands: the danger policy). */
        levelCalmMin: z
          .number()
          .min(0)
          .max(24 * 60)
          .default(2),
        systemCalmMin: z
          .number()
          .min(0)
          .max(24 * 60)
          .default(1),
      })
      .default({ levelCalmMin: 2, systemCalmMin: 1 }),
    /** The danger verdict's thresholds per level (docs/ALERTS.md): what decides every alert level. */
    danger: dangerPolicySchema.default(() => DEFAULT_DANGER_POLICY),
    /** Lowest level that is pushed; lower levels only show in the tray and the app. */
    pushFrom: z.enum(NOTIFYING_LEVELS).default('warning'),
    /** Critical alerts repeat this often until acknowledged. */
    repeatCriticalMin: z.number().min(0.5).max(120).default(3),
    predictive: z
      .strictObject({
        /** Off: the danger verdict ignores the forecast's probabilities and times (docs/ALERTS.md). */
        enabled: z.boolean().default(true),
      })
      .default({ enabled: true }),
    staleness: z
      .strictObject({
        maxAgeSec: z.number().min(1).max(3600).default(60),
        /** Tighter limit while the account is at or above `highRiskFrom`. */
        maxAgeHighRiskSec: z.number().min(1).max(3600).default(15),
        highRiskFrom: z.enum(NOTIFYING_LEVELS).default('warning'),
      })
      .default({ maxAgeSec: 60, maxAgeHighRiskSec: 15, highRiskFrom: 'warning' }),
    /** Exchange errors shorter than this are retried silently. */
    unreachableAfterSec: z.number().min(0).max(3600).default(30),
    clockSkewToleranceSec: z.number().min(0).max(600).default(5),
    /** Relative engine-vs-exchange difference that raises a discrepancy alert. */
    discrepancyTolerance: z.number().min(0).max(1).default(0.01),
    quietHours: z
      .strictObject({
        enabled: z.boolean().default(false),
        start: clockTime.default('22:00'),
        end: clockTime.default('07:00'),
      })
      .default({ enabled: false, start: '22:00', end: '07:00' }),
    /** Consecutive failed deliveries on one channel before a "channel failing" alert. */
    channelFailuresBeforeAlert: z.number().int().min(1).max(100).default(3),
    channels: channelSettings.default(() => channelSettings.parse({})),
  }),
);

export type AlertSettings = z.infer<typeof alertSettingsSchema>;

export const DEFAULT_ALERT_SETTINGS: AlertSettings = alertSettingsSchema.parse({});

export { NOTIFYING_LEVELS };
export function isNotifyingLevel(level: AlertLevel): level is (typeof NOTIFYING_LEVELS)[number] {
  return levelRank(level) > levelRank(ALERT_LEVELS[0]);
}
