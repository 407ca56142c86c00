// Deciding: a thin call into the pure reducer (src/domain/alerts), then ONE commit of its state,
// episodes and outbox rows. What counts as danger lives in the domain, not here.
import type { AlertStore, DeliveryRow } from '../../store/alertStore';
import { reduceAlerts, type MonitorStatus } from '../../domain/alerts/reducer';
import type { AlertsState, NotificationIntent, ReduceResult } from '../../domain/alerts/types';
import type { NotificationChannel } from '../../notify/types';
import type { AlertEvents } from './events';
import type { AccountMemory } from './types';
import { toOutgoing } from './views';

export class AlertDecider {
  /** Reducer state per account, loaded from the store on first use. */
  private readonly states = new Map<string, AlertsState | null>();

  constructor(
    private readonly store: AlertStore,
    private readonly channels: ReadonlyMap<string, NotificationChannel>,
    private readonly events: AlertEvents,
    private readonly now: () => number,
    private readonly utcOffsetMin: (nowMs: number) => number,
  ) {}

  state(accountId: string): AlertsState | null {
    if (!this.states.has(accountId)) this.states.set(accountId, this.store.loadState(accountId));
    return this.states.get(accountId) ?? null;
  }

  setState(accountId: string, state: AlertsState): void {
    this.states.set(accountId, state);
  }

  /** Runs the reducer on what the account last gave us; returns the deliveries to send now (claimed). */
  decide(accountId: string, memory: AccountMemory, monitor: MonitorStatus, claim: boolean): DeliveryRow[] {
    const nowMs = this.now();
    const input = memory.input ?? {
      report: null,
      forecast: null,
      health: { state: 'connecting', dataAsOf: null, lastError: null },
    };
    const result = reduceAlerts(this.state(accountId), {
      accountId,
      ...(input.accountName ? { accountName: input.accountName } : {}),
      report: input.report,
      forecast: input.forecast,
      health: input.health,
      settings: memory.settings,
      nowMs,
      utcOffsetMin: this.utcOffsetMin(nowMs),
      monitor,
      keyPermissionsNotice: input.keyPermissionsNotice ?? null,
    });
    return this.commit(accountId, result, nowMs, claim);
  }

  commit(accountId: string, result: ReduceResult, nowMs: number, claim: boolean): DeliveryRow[] {
    const previous = this.states.get(accountId);
    // Nothing changed: skip the write (and its fsync) on ordinary ticks.
    if (
      result.effects.length === 0 &&
      previous !== undefined &&
      previous !== null &&
      sameState(previous, result.state)
    ) {
      this.states.set(accountId, result.state);
      return [];
    }
    const created = this.store.commitDecision(
      accountId,
      result.state,
      result.effects,
      (n) => this.channelsFor(n),
      nowMs,
      claim,
    );
    this.states.set(accountId, result.state);
    this.events.episodes(result.effects);
    return created;
  }

  private channelsFor(n: NotificationIntent): string[] {
    const out: string[] = [];
    const outgoing = toOutgoing(n);
    for (const c of this.channels.values()) {
      if (n.excludeChannels.includes(c.id)) continue;
      if (c.accepts && !c.accepts(outgoing)) continue;
      out.push(c.id);
    }
    return out;
  }
}

function sameState(a: AlertsState, b: AlertsState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
