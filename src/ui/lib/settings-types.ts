// Shapes of the service's settings the Settings view edits (see src/domain/alerts/settings.ts).
export type MinLevel = 'watch' | 'warning' | 'margin-call' | 'critical';

export interface ChannelsForm {
  os: { enabled: boolean };
  sound: { enabled: boolean };
  webhook: { enabled: boolean; url: string | null; minLevel: MinLevel };
  ntfy: { enabled: boolean; baseUrl: string; topic: string | null; minLevel: MinLevel };
  telegram: { enabled: boolean; baseUrl: string; chatId: string | null; minLevel: MinLevel };
}
