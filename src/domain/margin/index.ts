// The margin engine's public interface (issue 3). Pure: AccountSnapshot in, MarginReport out.
export { computeMarginReport, computeMarginReportExact, MAX_MARGIN_RATIO } from './report';
export { parseSnapshot, checkSnapshotSemantics } from '../contracts/semantic';
export { shockSnapshot, type ShockSpec } from './shock';
export { createIncrementalEngine, type IncrementalEngine } from './incremental';
export { DEFAULT_TARGET_MARGIN_RATIO, DEFAULT_TRIGGER_LEVELS } from './options';
export { RULEBOOKS, rulebookFor } from './rulebooks';
export type { Rulebook, MaintenanceTerms } from './rulebook';
