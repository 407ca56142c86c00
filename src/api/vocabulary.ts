// Domain words the UI needs besides the messages (alert levels and their order, forecast shapes),
// re-exported so the UI reads only src/api. Pure values and types; no service code.
export { ALERT_LEVELS, levelRank, type AlertLevel } from '../domain/alerts/levels';
export type { LevelForecast } from '../domain/forecast/types';
export { displayProbability, LOW_PROBABILITY } from '../domain/forecast/display';
export type { AccountReport } from '../domain/contracts';
