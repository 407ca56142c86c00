// What the "add account" form asks for per exchange, and how its fields become the `accounts.add`
// parameters. Option keys are the ones the venue adapters read (src/venues/exchanges, CONNECTORS.md).
import type { CommandParams } from '../../api/messages';

export type VenueId = CommandParams<'accounts.add'>['source'];

export interface OptionField {
  key: string;
  label: string;
  placeholder?: string;
  /** Allowed values; a select instead of a text box. */
  choices?: readonly string[];
  required?: boolean;
  pattern?: RegExp;
  patternHint?: string;
}

export interface VenueForm {
  id: VenueId;
  label: string;
  /** False for Hyperliquid: read by wallet address, no key stored. */
  needsKey: boolean;
  needsPassphrase: boolean;
  options: readonly OptionField[];
  /** Host overrides (testnets, proxies); shown under "Advanced". */
  advanced: readonly OptionField[];
}

const URL_RE = /^(https?|wss?):\/\/[^\s]+$/;
const url = (key: string, label: string, placeholder: string): OptionField => ({
  key,
  label,
  placeholder,
  pattern: URL_RE,
  patternHint: 'a URL such as https://host:port',
});

/** Stream host override; "off" polls over REST only (a REST override without one polls too). */
const wsUrl = (label: string, placeholder: string): OptionField => ({
  key: 'wsUrl',
  label,
  placeholder,
  pattern: /^(wss?:\/\/[^\s]+|off)$/,
  patternHint: 'a URL such as wss://host:port, or off to poll over REST',
});

export const VENUE_FORMS: readonly VenueForm[] = [
  {
    id: 'binance-usdm',
    label: 'Binance USD-M futures (USDT/USDC margined)',
    needsKey: true,
    needsPassphrase: false,
    options: [],
    advanced: [
      url('restUrl', 'Futures REST URL', 'https://fapi.binance.com'),
      url('spotUrl', 'Spot/SAPI URL (key permissions)', 'https://api.binance.com'),
      wsUrl('Futures WebSocket URL', 'wss://fstream.binance.com'),
    ],
  },
  {
    id: 'binance-coinm',
    label: 'Binance COIN-M futures',
    needsKey: true,
    needsPassphrase: false,
    options: [
      {
        key: 'settleAsset',
        label: 'Margin coin',
        placeholder: 'BTC',
        pattern: /^[A-Z0-9]{2,10}$/,
        patternHint: 'a coin such as BTC',
      },
    ],
    advanced: [
      url('restUrl', 'Futures REST URL', 'https://dapi.binance.com'),
      url('spotUrl', 'Spot/SAPI URL (key permissions)', 'https://api.binance.com'),
      wsUrl('Futures WebSocket URL', 'wss://dstream.binance.com'),
    ],
  },
  {
    id: 'bybit',
    label: 'Bybit (unified account)',
    needsKey: true,
    needsPassphrase: false,
    options: [
      { key: 'category', label: 'Contracts', choices: ['linear', 'inverse'] },
      {
        key: 'settleCoin',
        label: 'Settle coin',
        placeholder: 'USDT',
        pattern: /^[A-Z0-9]{2,10}$/,
        patternHint: 'a coin such as USDT',
      },
    ],
    advanced: [
      url('restUrl', 'REST URL', 'https://api.bybit.com'),
      wsUrl('WebSocket URL', 'wss://stream.bybit.com'),
    ],
  },
  {
    id: 'okx',
    label: 'OKX',
    needsKey: true,
    needsPassphrase: true,
    options: [
      {
        key: 'settleCcy',
        label: 'Settle currency',
        placeholder: 'USDT',
        pattern: /^[A-Z0-9]{2,10}$/,
        patternHint: 'a coin such as USDT',
      },
    ],
    advanced: [url('restUrl', 'REST URL', 'https://www.okx.com'), wsUrl('WebSocket URL', 'wss://ws.okx.com:8443')],
  },
  {
    id: 'hyperliquid',
    label: 'Hyperliquid (wallet address, no key)',
    needsKey: false,
    needsPassphrase: false,
    options: [
      {
        key: 'wallet',
        label: 'Wallet address',
        placeholder: '0x…',
        required: true,
        pattern: /^0x[0-9a-fA-F]{40}$/,
        patternHint: '0x followed by 40 hex digits',
      },
    ],
    advanced: [url('restUrl', 'REST URL', 'https://api.hyperliquid.xyz'), wsUrl('WebSocket URL', 'wss://api.hyperliquid.xyz/ws')],
  },
  {
    id: 'deribit',
    label: 'Deribit futures',
    needsKey: true,
    needsPassphrase: false,
    options: [{ key: 'currency', label: 'Currency', choices: ['BTC', 'ETH', 'USDC', 'USDT'] }],
    advanced: [url('restUrl', 'REST URL', 'https://www.deribit.com'), wsUrl('WebSocket URL', 'wss://www.deribit.com/ws/api/v2')],
  },
];

export function venueForm(id: VenueId): VenueForm {
  const form = VENUE_FORMS.find((v) => v.id === id);
  if (!form) throw new Error(`unknown venue "${id}"`);
  return form;
}

export interface AddAccountInput {
  name: string;
  source: VenueId;
  /** Raw text of every option box, by option key; empty means "venue default". */
  options: Record<string, string>;
  apiKey: string;
  secret: string;
  passphrase: string;
  allowWithdraw: boolean;
}

export type AddAccountBuild =
  { ok: true; params: CommandParams<'accounts.add'> } | { ok: false; field: string; message: string };

/** The `accounts.add` parameters, or the first problem naming the form field. */
export function buildAddParams(input: AddAccountInput): AddAccountBuild {
  const venue = venueForm(input.source);
  const name = input.name.trim();
  if (!name) return { ok: false, field: 'name', message: 'Give the account a name.' };
  if (name.length > 64)
    return { ok: false, field: 'name', message: 'The name is longer than 64 characters.' };
  const options: Record<string, string> = {};
  for (const field of [...venue.options, ...venue.advanced]) {
    const value = (input.options[field.key] ?? '').trim();
    if (!value) {
      if (field.required) return { ok: false, field: field.key, message: `${field.label} is required.` };
      continue;
    }
    if (field.choices && !field.choices.includes(value))
      return {
        ok: false,
        field: field.key,
        message: `${field.label} must be one of ${field.choices.join(', ')}.`,
      };
    if (field.pattern && !field.pattern.test(value))
      return {
        ok: false,
        field: field.key,
        message: `${field.label} must be ${field.patternHint ?? 'valid'}.`,
      };
    options[field.key] = value;
  }
  const params: CommandParams<'accounts.add'> = {
    name,
    source: venue.id,
    options,
    allowWithdraw: input.allowWithdraw,
  };
  if (venue.needsKey) {
    const apiKey = input.apiKey.trim();
    const secret = input.secret.trim();
    const passphrase = input.passphrase;
    if (!apiKey) return { ok: false, field: 'apiKey', message: 'The API key is required.' };
    if (!secret) return { ok: false, field: 'secret', message: 'The API secret is required.' };
    if (venue.needsPassphrase && !passphrase)
      return { ok: false, field: 'passphrase', message: 'OKX keys need their passphrase.' };
    params.secret = venue.needsPassphrase ? { apiKey, secret, passphrase } : { apiKey, secret };
  }
  return { ok: true, params };
}
