// The danger policy the app ships: every threshold of the level rule (docs/ALERTS.md, "The danger
// verdict") in one place, importable by the service, the replay and the backtest scripts alike.
// Defaults chosen by scripts/danger-eval.ts on the shared crash files (table in docs/ALERTS.md).
import { z } from 'zod';

/** Levels that a danger rule can raise a subject to (ok is the absence of all). */
export const DANGER_LEVELS = ['watch', 'warning', 'margin-call', 'critical'] as const;
export type DangerRuleLevel = (typeof DANGER_LEVELS)[number];

const LEVEL_WORDS: Record<DangerRuleLevel, string> = {
  watch: 'Watch',
  warning: 'Warning',
  'margin-call': 'Margin call',
  critical: 'Liquidation imminent',
};

const probability = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .refine((v) => v > 0 && v <= 1, { error: `${what} must be above 0 and at most 1 (e.g. 0.5 = 50 %)` });
const positive = (what: string) =>
  z.number({ error: `${what} must be a number` }).refine((v) => v > 0 && v <= 100, { error: `${what} must be above 0 and at most 100` });
const minutes = (what: string) =>
  z.number({ error: `${what} must be a number` }).refine((v) => v >= 0 && v <= 1440, { error: `${what} must be between 0 and 1440 minutes` });

function perLevel<T extends z.ZodType>(make: (level: string) => T) {
  return z.strictObject({
    watch: make(LEVEL_WORDS.watch).nullable(),
    warning: make(LEVEL_WORDS.warning).nullable(),
    'margin-call': make(LEVEL_WORDS['margin-call']).nullable(),
    critical: make(LEVEL_WORDS.critical).nullable(),
  });
}

export const dangerPolicySchema = z
  .strictObject({
    /**
     * σ-distance over one hour: distance to the trigger / (σ per √min · √60). A subject at or below
     * the threshold is at least at that level. Null disables the rule for that level.
     */
    sigmaDistance1h: perLevel((l) => positive(`${l} σ-distance`)),
    /** Calibrated P(trigger within 1 h) at or above which the level applies. */
    probability1h: perLevel((l) => probability(`${l} probability within 1 h`)),
    /** Median time to trigger (minutes) below which the level applies. */
    ttfMedianMin: perLevel((l) => minutes(`${l} median time to trigger`)),
    /** Normalised margin ratio (1 = liquidation) at or above which the level applies. */
    marginRatio: perLevel((l) => probability(`${l} margin ratio`)),
    /** A level is left only when the σ-distance exceeds its threshold by this factor ... */
    releaseSigmaFactor: z.number().refine((v) => v >= 1 && v <= 10, { error: 'release σ factor must be between 1 and 10' }),
    /** ... and the probability is below this share of its threshold. */
    releaseProbabilityFactor: z.number().refine((v) => v > 0 && v <= 1, { error: 'release probability factor must be above 0 and at most 1' }),
    /** Advice target: restore each subject to P(trigger within 24 h) below this. */
    targetProbability24h: probability('target probability within 24 h'),
  })
  .superRefine((p, ctx) => {
    // Thresholds must tighten with the level, or a subject could be "critical" but not "warning".
    const order = (
      field: 'sigmaDistance1h' | 'probability1h' | 'ttfMedianMin' | 'marginRatio',
      worseIsSmaller: boolean,
      words: string,
    ) => {
      let previous: { level: DangerRuleLevel; value: number } | null = null;
      for (const level of DANGER_LEVELS) {
        const v = p[field][level];
        if (v === null) continue;
        if (previous && (worseIsSmaller ? v >= previous.value : v <= previous.value)) {
          ctx.addIssue({
            code: 'custom',
            path: [field, level],
            message: `${LEVEL_WORDS[level]} ${words} must be ${worseIsSmaller ? 'below' : 'above'} the ${LEVEL_WORDS[previous.level]} one (${previous.value})`,
          });
        }
        previous = { level, value: v };
      }
    };
    order('sigmaDistance1h', true, 'σ-distance');
    order('probability1h', false, 'probability within 1 h');
    order('ttfMedianMin', true, 'median time to trigger');
    order('marginRatio', false, 'margin ratio');
  });

export type DangerPolicy = z.infer<typeof dangerPolicySchema>;

/** The shipped defaults (reasons per value in docs/ALERTS.md). */
export const DEFAULT_DANGER_POLICY: DangerPolicy = dangerPolicySchema.parse({
  // Chosen by leave-one-crash-out on scripts/danger-eval.ts (the same policy won all 10 folds); the
  // grid's spacing rule sets the other levels: watch z+2.5, warning z+1, critical z/2 (the grid of
  // scripts/danger-eval.ts caps it at the shipped critical below, so only z ≤ 0.75 can lower it);
  // warning P = 0.66·P(margin call) (docs/ALERTS.md "How the defaults were chosen").
  sigmaDistance1h: { watch: 3.25, warning: 1.75, 'margin-call': 0.75, critical: 0.375 },
  probability1h: { watch: 0.1, warning: 0.297, 'margin-call': 0.45, critical: 0.9 },
  ttfMedianMin: { watch: null, warning: 15, 'margin-call': 10, critical: 3 },
  marginRatio: { watch: 0.5, warning: 0.7, 'margin-call': 0.8, critical: 0.9 },
  releaseSigmaFactor: 1.3,
  releaseProbabilityFactor: 0.6,
  targetProbability24h: 0.1,
});

/**
 * Floors the product promises whatever the settings (issue 10): P(1 h) ≥ 0.5 or a median time to
 * trigger under 15 min is never ok/watch.
 */
export const INVARIANT_FLOOR = { probability1h: 0.5, ttfMedianMin: 15 } as const;
