// One evaluation step of a replay: the forecast, the alert reducer and the danger verdict on the book as
// it stands, with the lines they produce. Shared by the single-symbol replay and the cross-book replay.
import type { AccountSnapshot, MarginReport } from '../domain/contracts';
import { dangerVerdict, reduceAlerts } from '../domain/alerts/reducer';
import type { DangerVerdict } from '../domain/danger';
import type { AlertSettings } from '../domain/alerts/settings';
import type { AlertsState, LiquidationEvent } from '../domain/alerts/types';
import type { AlertLevel } from '../domain/alerts/levels';
import type { ReplayForecaster, ReplayLine } from './run';

export interface JudgeOptions {
  settings: AlertSettings;
  forecaster: ReplayForecaster;
  accountName?: string;
  onVerdict?: (nowMs: number, verdict: DangerVerdict) => void;
}

export interface ReplayJudge {
  evaluate(nowMs: number, snapshot: AccountSnapshot, report: MarginReport, events: LiquidationEvent[]): void;
  /** Notifications pushed so far. */
  alerts(): number;
}

/** A judge that keeps the alert state between steps and emits level changes and pushes. */
export function replayJudge(options: JudgeOptions, emit: (line: ReplayLine) => void): ReplayJudge {
  const { settings, forecaster } = options;
  let state: AlertsState | null = null;
  const levels = new Map<string, AlertLevel>();
  let alerts = 0;
  return {
    alerts: () => alerts,
    evaluate(nowMs, snapshot, report, events) {
      const iso = new Date(nowMs).toISOString();
      const forecast = forecaster.forecast(snapshot, report, nowMs);
      const volatility: Record<string, number | null> = {};
      for (const p of snapshot.positions) volatility[p.symbol] = forecaster.sigma(p.symbol);
      const result = reduceAlerts(state, {
        accountId: 'replay',
        accountName: options.accountName ?? 'replay',
        report,
        forecast,
        health: { state: 'live', dataAsOf: iso, lastError: null },
        settings,
        nowMs,
        snapshot,
        volatility,
        venueEvents: events,
      });
      state = result.state;
      const verdict = dangerVerdict(report, forecast, snapshot, volatility, settings);
      options.onVerdict?.(nowMs, verdict);
      const seen = new Set<string>();
      for (const d of [{ key: 'account', level: verdict.level, distance: verdict.worst?.distance ?? null, p1h: verdict.worst?.p1h ?? null, ttfMedianMin: verdict.worst?.ttfMedianMin ?? null }, ...verdict.subjects]) {
        seen.add(d.key);
        if ((levels.get(d.key) ?? 'ok') === d.level) continue;
        levels.set(d.key, d.level);
        emit({ t: iso, kind: 'level', subject: d.key, level: d.level, distance: d.distance, p1h: round(d.p1h), ttfMedianMin: round(d.ttfMedianMin) });
      }
      for (const key of [...levels.keys()]) if (!seen.has(key)) levels.delete(key);
      for (const e of result.effects) {
        if (e.type !== 'notify') continue;
        alerts++;
        const n = e.notification;
        emit({ t: iso, kind: 'alert', subject: n.subject, level: n.level, title: n.title, body: n.body, reason: n.reason });
      }
    },
  };
}

function round(v: number | null): number | null {
  return v === null ? null : Number(v.toFixed(4));
}
