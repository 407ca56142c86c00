// The alert pipeline's public face; see pipeline.ts for its parts.
export { AlertPipeline, type AlertPipelineOptions } from './pipeline';
export type { AlertEvaluationInput, AlertListFilter, DeliveryRetryPolicy } from './types';
export type { TrayState } from '../../api/health';
export { Watchdog, type WatchdogOptions } from './watchdog';
export { alertView } from './views';
