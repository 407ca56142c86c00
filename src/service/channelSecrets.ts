// Tokens and signing secrets of the remote alert channels (webhook secret, ntfy token, Telegram bot
// token). Like exchange keys they are encrypted by the vault before they touch SQLite, never logged,
// and never returned to a UI: the settings view only learns which ones are set.
import { z } from 'zod';
import type { ChannelSecrets } from '../notify/fromSettings';
import type { SecretVault } from '../secrets';
import type { HistoryStore } from '../store/historyStore';

export const CHANNEL_SECRET_NAMES = ['webhookSecret', 'ntfyToken', 'telegramBotToken'] as const;
export type ChannelSecretName = (typeof CHANNEL_SECRET_NAMES)[number];

const SETTING_KEY = 'channelSecrets';
const storedSchema = z.object({ backend: z.string(), blob: z.string() });
const secretsSchema = z.object({
  webhookSecret: z.string().optional(),
  ntfyToken: z.string().optional(),
  telegramBotToken: z.string().optional(),
});

export class ChannelSecretStore {
  private cache: ChannelSecrets | null = null;

  constructor(
    private readonly history: HistoryStore,
    private readonly vault: () => Promise<SecretVault>,
  ) {}

  async load(): Promise<ChannelSecrets> {
    if (this.cache) return this.cache;
    const stored = storedSchema.safeParse(this.history.getSetting(SETTING_KEY));
    if (!stored.success) return (this.cache = {});
    const plain = await (await this.vault()).decrypt(Buffer.from(stored.data.blob, 'base64'));
    const parsed = secretsSchema.safeParse(JSON.parse(plain));
    return (this.cache = parsed.success ? stripUndefined(parsed.data) : {});
  }

  /** Sets (or with an empty value, clears) one secret. */
  async set(name: ChannelSecretName, value: string): Promise<void> {
    const next: ChannelSecrets = { ...(await this.load()) };
    if (value) next[name] = value;
    else delete next[name];
    const vault = await this.vault();
    const blob = await vault.encrypt(JSON.stringify(next));
    this.history.putSetting(SETTING_KEY, { backend: vault.backend, blob: blob.toString('base64') });
    this.cache = next;
  }

  /** Which secrets are set — safe to show in the UI. */
  async present(): Promise<Record<ChannelSecretName, boolean>> {
    const secrets = await this.load();
    return { webhookSecret: !!secrets.webhookSecret, ntfyToken: !!secrets.ntfyToken, telegramBotToken: !!secrets.telegramBotToken };
  }
}

function stripUndefined(s: z.infer<typeof secretsSchema>): ChannelSecrets {
  const out: ChannelSecrets = {};
  for (const name of CHANNEL_SECRET_NAMES) if (s[name]) out[name] = s[name];
  return out;
}
