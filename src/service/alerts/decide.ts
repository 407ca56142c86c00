// Deciding: a thin call into the pure reducer (src/domain/alerts), then ONE commit of its state,
// episodes and outbox rows. What counts as danger lives in the domain, not here.
import type { AlertStore, DeliveryRow } from '../../store/alertStore';
import { reduceAlerts, type MonitorStatus } from '../../domain/alerts/reducer';
import type { AlertsState, NotificationIntent, ReduceResult } from '../../domain/alerts/types';
import type { NotificationChannel } from '../../notify/types';
import type { AlertEvents } from './events';
import type { AccountMemory } from './types';
import type { UnsavedDecisions } from './unsaved';
import { toOutgoing } from './views';

/** A decision's deliveries: stored ones (the outbox marks them), or memory-only ones (disk failing). */
export interface Claimed {
  saved: DeliveryRow[];
  unsaved: DeliveryRow[];
}

const NONE: Claimed = { saved: [], unsaved: [] };

export class AlertDecider {
  /** Reducer state per account, loaded from the store on first use. */
  private readonly states = new Map<string, AlertsState | null>();

  constructor(
    private readonly store: AlertStore,
    private readonly channels: ReadonlyMap<string, NotificationChannel>,
    private readonly events: AlertEvents,
    private readonly now: () => number,
    private readonly utcOffsetMin: (nowMs: number) => number,
    private readonly unsaved: UnsavedDecisions,
    /** A commit failed: true when it is a storage failure (decide from memory), false to rethrow. */
    private readonly storageFailed: (error: unknown) => boolean,
  ) {}

  state(accountId: string): AlertsState | null {
    if (!this.states.has(accountId)) this.states.set(accountId, this.store.loadState(accountId));
    return this.states.get(accountId) ?? null;
  }

  setState(accountId: string, state: AlertsState): void {
    this.states.set(accountId, state);
  }

  /** Runs the reducer on what the account last gave us; returns the deliveries to send now (claimed). */
  decide(accountId: string, memory: AccountMemory, monitor: MonitorStatus, claim: boolean): Claimed {
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
      snapshot: input.snapshot ?? null,
      ...(input.volatility ? { volatility: input.volatility } : {}),
      ...(input.venueEvents ? { venueEvents: input.venueEvents } : {}),
      ...(input.closedByTrader ? { closedByTrader: input.closedByTrader } : {}),
      ...(input.traderOrdersVisible ? { traderOrdersVisible: true } : {}),
    });
    return this.commit(accountId, result, nowMs, claim);
  }

  commit(accountId: string, result: ReduceResult, nowMs: number, claim: boolean): Claimed {
    const previous = this.states.get(accountId);
    // Nothing changed: skip the write (and its fsync) on ordinary ticks.
    if (
      result.effects.length === 0 &&
      previous !== undefined &&
      previous !== null &&
      sameState(previous, result.state)
    ) {
      this.states.set(accountId, result.state);
      return NONE;
    }
    // Decisions kept in memory go to disk first, so the order on disk is the order decided.
    if (this.unsaved.size > 0) this.saveUnsaved();
    if (this.unsaved.size === 0) {
      try {
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
        return { saved: created, unsaved: [] };
      } catch (error) {
        if (!this.storageFailed(error)) throw error;
      }
    }
    // The disk cannot take it: decide from memory, deliver from memory, write it when it can.
    const unsaved = this.unsaved.add(accountId, result.state, result.effects, (n) => this.channelsFor(n), nowMs, claim);
    this.states.set(accountId, result.state);
    this.events.episodes(result.effects);
    return { saved: [], unsaved };
  }

  /** Tries to write the decisions kept in memory; true when none is left. */
  saveUnsaved(): boolean {
    if (this.unsaved.size === 0) return true;
    try {
      this.unsaved.writeTo(this.store);
      return true;
    } catch (error) {
      if (!this.storageFailed(error)) throw error;
      return false;
    }
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
