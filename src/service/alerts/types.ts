// Shapes shared by the alert pipeline's parts (see pipeline.ts for how they fit together).
import type { AlertEvaluationInput } from '../../domain/alerts/reducer';
import type { AlertView } from '../../api/messages';
import type { AlertSettings } from '../../domain/alerts/settings';

// What one evaluation gets from the data path: the domain reducer's own input shape.
export type { AlertEvaluationInput };

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
