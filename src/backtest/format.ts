// Plain-text tables of a backtest result for the terminal.
import type { BacktestJson, PopulationJson } from './run';
import { RULES } from './run';

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '   —  ' : `${(100 * v).toFixed(1).padStart(5)}%`);
const fix = (v: number | null | undefined, d: number, w = 8): string => (v === null || v === undefined ? '—'.padStart(w) : v.toFixed(d).padStart(w));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatPopulation(title: string, pop: PopulationJson): string {
  const out: string[] = [`== ${title} (${pop.positionDays} position-days) ==`, ''];
  out.push('Probability scores, 1 h horizon (test blocks only):');
  out.push(
    table(
      ['forecast', 'brier', 'skill', 'logloss', 'base rate', 'n'],
      Object.entries(pop.scores).map(([k, s]) => [k, fix(s.brier, 6), fix(s.brierSkill, 4), fix(s.logLoss, 5), fix(s.baseRate, 5), String(s.count)]),
    ),
  );
  out.push('', 'Model by horizon:');
  out.push(
    table(
      ['horizon', 'brier', 'skill', 'logloss', 'base rate'],
      Object.entries(pop.scoresByHorizon).map(([h, s]) => [`${h} min`, fix(s.brier, 6), fix(s.brierSkill, 4), fix(s.logLoss, 5), fix(s.baseRate, 5)]),
    ),
  );
  out.push('', 'Reliability of the model at 1 h (observed / predicted):');
  out.push(
    table(
      ['bin', 'predicted', 'observed', 'ratio', 'count', 'events'],
      pop.scores.model!.reliability.map((b) => [
        `${(100 * b.lo).toFixed(1)}–${(100 * b.hi).toFixed(1)}%`,
        pct(b.predicted),
        pct(b.observed),
        b.predicted && b.observed !== null ? (b.observed / b.predicted).toFixed(2) : '—',
        String(b.count),
        String(b.events),
      ]),
    ),
  );
  for (const rule of RULES) {
    out.push('', `Rule ${rule}: threshold sweep, strict → loose`);
    out.push(
      table(
        ['threshold', 'FA/pos-day', 'rec@1m', 'rec@5m', 'rec@15m', 'rec@30m', 'median lead', 'breaches'],
        pop.rules[rule].operatingPoints.map((p) => [String(p.threshold), fix(p.falseAlarmsPerPositionDay, 3), pct(p.recall1m), pct(p.recall5m), pct(p.recall15m), pct(p.recall30m), p.medianLeadMin === null ? '—' : `${p.medianLeadMin} min`, String(p.breaches)]),
      ),
    );
  }
  out.push('', `At the matched budget of ${pop.matchedBudget.falseAlarmsPerPositionDay} false-alert episodes per position-day (interpolated):`);
  out.push(
    table(
      ['rule', 'threshold', 'rec@1m', 'rec@5m', 'rec@15m', 'rec@30m', 'median lead'],
      RULES.map((r) => {
        const m = pop.matchedBudget[r];
        return m ? [r, fix(m.threshold, 5, 0), pct(m.recall1m), pct(m.recall5m), pct(m.recall15m), pct(m.recall30m), m.medianLeadMin === null ? '—' : `${m.medianLeadMin!.toFixed(1)} min`] : [r, 'budget outside sweep', '', '', '', '', ''];
      }),
    ),
  );
  const q = pop.timeToTrigger;
  out.push(
    '',
    `Time to liquidation, 10% quantile at each position's first bar (non-crash windows): ${q.exceedances}/${q.positions} breached earlier (${pct(q.rate)}); ` +
      `Kupiec LR ${q.kupiecLR ?? '—'} (p ${q.kupiecP ?? '—'}), Christoffersen independence LR ${q.christoffersenLR ?? '—'} (p ${q.christoffersenP ?? '—'})`,
  );
  const x = pop.matchedBudget.exchangeLevel80;
  if (x) out.push(`Exchange margin-call level (MR ≥ 80%) as is: ${fix(x.falseAlarmsPerPositionDay, 3, 0)} FA/pos-day, recall @1m ${pct(x.recall1m)} @5m ${pct(x.recall5m)} @15m ${pct(x.recall15m)} @30m ${pct(x.recall30m)}, median lead ${x.medianLeadMin ?? '—'} min`);
  const crash = pop.crashDays as { overall: Record<string, Record<string, number | null> | null>; byDay: Record<string, Record<string, Record<string, number | null> | null>> };
  const days = Object.keys(crash.byDay);
  if (days.length > 0) {
    out.push('', 'Crash days at the same operating point (recall @1m / @5m / @15m, breaches):');
    const row = (name: string, m: Record<string, Record<string, number | null> | null>): string[] => [
      name,
      ...RULES.map((r) => {
        const v = m[r];
        return v ? `${pct(v.recall1m)} ${pct(v.recall5m)} ${pct(v.recall15m)} (${Math.round(v.breaches ?? 0)})` : '—';
      }),
    ];
    out.push(table(['day', ...RULES], [row('all crash days', crash.overall), ...days.map((d) => row(d, crash.byDay[d]!))]));
    const x80 = (pop.crashDays as { exchangeLevel80?: { breaches: number; recall1m: number | null; recall5m: number | null; recall15m: number | null } }).exchangeLevel80;
    if (x80) out.push(`Exchange MR ≥ 80% on crash days: recall @1m ${pct(x80.recall1m)} @5m ${pct(x80.recall5m)} @15m ${pct(x80.recall15m)} (${x80.breaches} breaches)`);
  }
  return out.join('\n');
}

export function formatResult(json: BacktestJson): string {
  const parts: string[] = [];
  parts.push(
    table(
      ['file', 'interval', 'bars', 'from', 'to', 'blocks', 'test positions', 'breaches', 'gaps'],
      json.files.map((f) => [f.name, `${f.intervalMin}m`, String(f.bars), f.from.slice(0, 16), f.to.slice(0, 16), String(f.blocks), String(f.testPositions), String(f.breaches), String(f.gaps)]),
    ),
  );
  parts.push('', formatPopulation(`all leverages ${json.leverages.join('/')}x`, json));
  if (json.byLeverage) for (const [k, pop] of Object.entries(json.byLeverage)) parts.push('', formatPopulation(k === 'le50' ? 'leverage ≤ 50x' : `leverage ${k}x`, pop));
  return parts.join('\n') + '\n';
}
