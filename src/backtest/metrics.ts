// Scores and alerting metrics of the backtest protocol (FORECAST.md §2.2–2.3).

export const RECALL_LEADS_MIN = [1, 5, 15, 30] as const;

/** Reliability bins (log-spaced, FORECAST.md §2.2). */
export const RELIABILITY_EDGES = [0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0000001] as const;

export class ScoreAccumulator {
  n = 0;
  sumY = 0;
  sumSq = 0;
  sumLogLoss = 0;
  readonly binN = new Float64Array(RELIABILITY_EDGES.length - 1);
  readonly binP = new Float64Array(RELIABILITY_EDGES.length - 1);
  readonly binY = new Float64Array(RELIABILITY_EDGES.length - 1);

  add(p: number, y: boolean): void {
    const yv = y ? 1 : 0;
    this.n++;
    this.sumY += yv;
    this.sumSq += (p - yv) * (p - yv);
    const pc = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
    this.sumLogLoss += -(yv * Math.log(pc) + (1 - yv) * Math.log(1 - pc));
    let b = 0;
    while (b < this.binN.length - 1 && p >= RELIABILITY_EDGES[b + 1]!) b++;
    this.binN[b]! += 1;
    this.binP[b]! += p;
    this.binY[b]! += yv;
  }

  merge(o: ScoreAccumulator): void {
    this.n += o.n;
    this.sumY += o.sumY;
    this.sumSq += o.sumSq;
    this.sumLogLoss += o.sumLogLoss;
    for (let i = 0; i < this.binN.length; i++) {
      this.binN[i]! += o.binN[i]!;
      this.binP[i]! += o.binP[i]!;
      this.binY[i]! += o.binY[i]!;
    }
  }

  toJson(): ScoreJson {
    const n = this.n;
    const base = n > 0 ? this.sumY / n : 0;
    const brier = n > 0 ? this.sumSq / n : 0;
    const clim = base * (1 - base);
    return {
      brier: round(brier, 8),
      brierSkill: clim > 0 ? round(1 - brier / clim, 6) : null,
      logLoss: n > 0 ? round(this.sumLogLoss / n, 8) : 0,
      baseRate: round(base, 8),
      count: n,
      reliability: Array.from(this.binN, (c, i) => ({
        lo: RELIABILITY_EDGES[i]!,
        hi: Math.min(1, RELIABILITY_EDGES[i + 1]!),
        predicted: c > 0 ? round(this.binP[i]! / c, 6) : null,
        observed: c > 0 ? round(this.binY[i]! / c, 6) : null,
        count: c,
        events: this.binY[i]!,
      })),
    };
  }
}

export interface ScoreJson {
  brier: number;
  brierSkill: number | null;
  logLoss: number;
  baseRate: number;
  count: number;
  reliability: { lo: number; hi: number; predicted: number | null; observed: number | null; count: number; events: number }[];
}

/** Alert outcome counts for one rule at one threshold over a population of positions. */
export class AlertAccumulator {
  falseEpisodes = 0;
  breaches = 0;
  readonly warned = new Float64Array(RECALL_LEADS_MIN.length);
  readonly leads: number[] = [];
  crashBreaches = 0;
  readonly crashWarned = new Float64Array(RECALL_LEADS_MIN.length);
  readonly byCrashDay = new Map<string, { breaches: number; warned: Float64Array }>();
  /** Position-bars in alert and in total: an operating point alerting on (nearly) every bar is "always on". */
  onBars = 0;
  bars = 0;

  addCoverage(onBars: number, bars: number): void {
    this.onBars += onBars;
    this.bars += bars;
  }

  addPosition(falseEpisodes: number, breach: { leadMin: number | null; crashDay: string | null } | null): void {
    this.falseEpisodes += falseEpisodes;
    if (!breach) return;
    this.breaches++;
    const lead = breach.leadMin;
    if (lead !== null && lead >= 0) this.leads.push(lead);
    let day = null as { breaches: number; warned: Float64Array } | null;
    if (breach.crashDay) {
      this.crashBreaches++;
      day = this.byCrashDay.get(breach.crashDay) ?? { breaches: 0, warned: new Float64Array(RECALL_LEADS_MIN.length) };
      day.breaches++;
      this.byCrashDay.set(breach.crashDay, day);
    }
    RECALL_LEADS_MIN.forEach((y, i) => {
      if (lead !== null && lead >= y) {
        this.warned[i]! += 1;
        if (day) {
          this.crashWarned[i]! += 1;
          day.warned[i]! += 1;
        }
      }
    });
  }

  merge(o: AlertAccumulator): void {
    this.falseEpisodes += o.falseEpisodes;
    this.breaches += o.breaches;
    this.crashBreaches += o.crashBreaches;
    this.onBars += o.onBars;
    this.bars += o.bars;
    for (let i = 0; i < RECALL_LEADS_MIN.length; i++) {
      this.warned[i]! += o.warned[i]!;
      this.crashWarned[i]! += o.crashWarned[i]!;
    }
    for (const l of o.leads) this.leads.push(l);
    for (const [d, v] of o.byCrashDay) {
      const mine = this.byCrashDay.get(d) ?? { breaches: 0, warned: new Float64Array(RECALL_LEADS_MIN.length) };
      mine.breaches += v.breaches;
      for (let i = 0; i < RECALL_LEADS_MIN.length; i++) mine.warned[i]! += v.warned[i]!;
      this.byCrashDay.set(d, mine);
    }
  }
}

export interface OperatingPoint {
  threshold: number;
  falseAlarmsPerPositionDay: number;
  recall1m: number | null;
  recall5m: number | null;
  recall15m: number | null;
  recall30m: number | null;
  medianLeadMin: number | null;
  breaches: number;
  falseEpisodes: number;
}

export function operatingPoint(threshold: number, acc: AlertAccumulator, positionDays: number): OperatingPoint {
  const r = (i: number): number | null => (acc.breaches > 0 ? round(acc.warned[i]! / acc.breaches, 6) : null);
  return {
    threshold,
    falseAlarmsPerPositionDay: positionDays > 0 ? round(acc.falseEpisodes / positionDays, 6) : 0,
    recall1m: r(0),
    recall5m: r(1),
    recall15m: r(2),
    recall30m: r(3),
    medianLeadMin: median(acc.leads),
    breaches: acc.breaches,
    falseEpisodes: acc.falseEpisodes,
  };
}

export function crashRecall(acc: AlertAccumulator): { breaches: number; recall1m: number | null; recall5m: number | null; recall15m: number | null; recall30m: number | null } {
  const r = (i: number): number | null => (acc.crashBreaches > 0 ? round(acc.crashWarned[i]! / acc.crashBreaches, 6) : null);
  return { breaches: acc.crashBreaches, recall1m: r(0), recall5m: r(1), recall15m: r(2), recall30m: r(3) };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return round(s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2, 3);
}

export function round(v: number, digits: number): number {
  if (!Number.isFinite(v)) return 0;
  const f = Math.pow(10, digits);
  return Math.round(v * f) / f;
}

/**
 * Metrics at a false-alarm budget, walking the sweep from strict to loose: the first threshold whose
 * false-alarm rate reaches the budget, linearly interpolated with the one before it. Null when even
 * the strictest threshold exceeds the budget or the loosest stays below it (stated, never extrapolated).
 */
export function interpolateAtBudget<T extends { falseAlarmsPerPositionDay: number }>(
  sweep: readonly T[],
  budget: number,
  pick: (p: T) => Record<string, number | null>,
): Record<string, number | null> | null {
  for (let i = 0; i < sweep.length; i++) {
    const hi = sweep[i]!;
    if (hi.falseAlarmsPerPositionDay < budget) continue;
    if (hi.falseAlarmsPerPositionDay === budget) return pick(hi);
    if (i === 0) return null;
    const lo = sweep[i - 1]!;
    const w = (budget - lo.falseAlarmsPerPositionDay) / (hi.falseAlarmsPerPositionDay - lo.falseAlarmsPerPositionDay);
    const a = pick(lo);
    const b = pick(hi);
    const out: Record<string, number | null> = {};
    for (const k of Object.keys(b)) {
      const va = a[k];
      const vb = b[k];
      out[k] = va === null || va === undefined || vb === null || vb === undefined ? null : round(va + w * (vb - va), 6);
    }
    return out;
  }
  return null;
}
