// Notification channels behind one interface.
export * from './types';
export {
  osNotificationChannel,
  osNotificationStatus,
  detectOsNotificationBackend,
  type OsNotificationChannel,
  type OsNotificationStatus,
} from './osNotification';
export { soundChannel, findPlayer, type SoundChannel } from './sound';
export {
  webhookChannel,
  ntfyChannel,
  telegramChannel,
  webhookPayload,
  webhookSignature,
  ntfyPriority,
} from './remote';
export { remoteChannelsFromSettings, channelsFromSettings, type ChannelSecrets, type RemoteChannelsResult } from './fromSettings';
export { withRetries, DEFAULT_RETRY, type RetryPolicy } from './retry';
export { alarmWav } from './wav';
