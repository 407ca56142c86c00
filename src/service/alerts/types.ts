// Shapes shared by the alert pipeline's parts (see pipeline.ts for how they fit together).
import type { AccountSnapshot, MarginReport } from '../../domain/contracts';
import type { LiquidationEvent } from '../../domain/alerts/types';
import type { AccountForecast } from '../../domain/forecast/types';
import type { VenueHealth } from '../../venues/types';
import type { AlertView } from '../../api/messages';
import type { AlertSettings } from '../../domain/alerts/settings';

export interface AlertEvaluationInput {
  report: MarginReport | null;
  forecast: AccountForecast | null;
  health: VenueHealth;
  /** Shown in notification titles. */
  accountName?: string;
  /** The key's permissions widened since it was added (periodic re-check), or null. */
  keyPermissionsNotice?: string | null;
  /** Danger-model inputs (src/domain/danger): marks/sizes, σ per symbol, venue liquidation events. */
  snapshot?: AccountSnapshot | null;
  volatility?: Record<string, number | null>;
  venueEvents?: readonly LiquidationEvent[];
  closedByTrader?: readonly string[];
  traderOrdersVisible?: boolean;
}

export interface AlertListFilter {
  state?: AlertView['state'] | 'all';
  accountId?: string;
  limit?: number;
}

export interface DeliveryRetryPolicy {
  /** Rounds per delivery (each round is one channel.send with the channel's own retries). */
  maxRounds: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What the pipeline remembers of an account between evaluations (the watchdog re-judges with it). */
export interface AccountMemory {
  input: AlertEvaluationInput | null;
  settings: AlertSettings;
  lastDataMono: number;
  resumedAfterGapMs: number | null;
}
