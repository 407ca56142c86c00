// Builds the remote channels the trader configured in the alert settings. Tokens and signing
// secrets come separately (the service keeps them in the vault), never from the settings JSON.
import { levelRank } from '../domain/alerts/levels';
import type { ChannelSettings } from '../domain/alerts/settings';
import { ntfyChannel, telegramChannel, webhookChannel } from './remote';
import type { RetryPolicy } from './retry';
import type { NotificationChannel, OutgoingNotification } from './types';

export interface ChannelSecrets {
  webhookSecret?: string;
  ntfyToken?: string;
  telegramBotToken?: string;
}

export interface RemoteChannelsResult {
  channels: NotificationChannel[];
  /** Enabled channels that cannot run, each naming the setting to fix. */
  problems: string[];
}

/** Retry policy and wait (tests inject one) for every remote channel. */
export interface RemoteChannelOptions {
  retry?: RetryPolicy;
  wait?: (ms: number) => Promise<void>;
}

/** Remote channels carry alerts from `minLevel` up, plus every urgent (critical or blind) one. */
function fromLevel(
  channel: NotificationChannel,
  minLevel: OutgoingNotification['level'],
): NotificationChannel {
  return {
    ...channel,
    accepts: (n) => n.urgency === 'critical' || levelRank(n.level) >= levelRank(minLevel),
  };
}

export function remoteChannelsFromSettings(
  settings: ChannelSettings,
  secrets: ChannelSecrets,
  options: RemoteChannelOptions = {},
): RemoteChannelsResult {
  const channels: NotificationChannel[] = [];
  const problems: string[] = [];
  const common = {
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.wait ? { wait: options.wait } : {}),
  };
  const add = (channel: NotificationChannel, minLevel: OutgoingNotification['level']): void => {
    channels.push(fromLevel(channel, minLevel));
  };
  const { webhook, ntfy, telegram } = settings;
  if (webhook.enabled) {
    if (!webhook.url) problems.push('channels.webhook.url: required when the webhook is enabled');
    else
      add(
        webhookChannel({
          ...common,
          url: webhook.url,
          ...(secrets.webhookSecret ? { secret: secrets.webhookSecret } : {}),
        }),
        webhook.minLevel,
      );
  }
  if (ntfy.enabled) {
    if (!ntfy.topic) problems.push('channels.ntfy.topic: required when ntfy is enabled');
    else
      add(
        ntfyChannel({
          ...common,
          baseUrl: ntfy.baseUrl,
          topic: ntfy.topic,
          ...(secrets.ntfyToken ? { token: secrets.ntfyToken } : {}),
        }),
        ntfy.minLevel,
      );
  }
  if (telegram.enabled) {
    if (!telegram.chatId) problems.push('channels.telegram.chatId: required when Telegram is enabled');
    else if (!secrets.telegramBotToken)
      problems.push('channels.telegram: bot token missing (enter it in settings; it is stored encrypted)');
    else
      add(
        telegramChannel({
          ...common,
          baseUrl: telegram.baseUrl,
          botToken: secrets.telegramBotToken,
          chatId: telegram.chatId,
        }),
        telegram.minLevel,
      );
  }
  return { channels, problems };
}

/**
 * Every channel the settings ask for: the local ones passed in (OS notification — node-notifier or
 * Electron's — and sound) when enabled, then the remote ones. Feed the result to
 * AlertPipeline.setChannels() whenever the settings change.
 */
export function channelsFromSettings(
  settings: ChannelSettings,
  local: { os?: NotificationChannel; sound?: NotificationChannel },
  secrets: ChannelSecrets,
  options: RemoteChannelOptions = {},
): RemoteChannelsResult {
  const remote = remoteChannelsFromSettings(settings, secrets, options);
  const channels: NotificationChannel[] = [];
  if (settings.os.enabled && local.os) channels.push(local.os);
  if (settings.sound.enabled && local.sound) channels.push(local.sound);
  return { channels: [...channels, ...remote.channels], problems: remote.problems };
}
