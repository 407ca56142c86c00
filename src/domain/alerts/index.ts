// Public surface of the alert domain: levels, settings, the reducer and its state.
export * from './levels';
export * from './settings';
export * from './types';
export * from './classify';
export { advanceEpisodes, acknowledgeEpisode, snoozeEpisode, inQuietHours, worstOpenLevel } from './episodes';
export { reduceAlerts, positionSubject, type AlertEvaluationInput, type AlertInput, type MonitorStatus } from './reducer';
export { advisedDanger, dangerVerdict, type AdvisedVerdict, type SubjectAdvice } from './dangerVerdict';
export { reduceChannelAlerts, MONITOR_ACCOUNT_ID, type ChannelHealth } from './channels';
export { LEVEL_LABEL } from './format';
