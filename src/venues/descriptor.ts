// What each exchange adapter declares about itself, as plain data: the CLI, the api schema, the store
// and the add-account form read this (through src/venues/catalog.ts) instead of keeping their own lists.
// No I/O and no imports beyond the domain's venue ids, so the UI bundle can carry it.
import type { VenueId } from '../domain/contracts';

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

export interface VenueDescriptor<Id extends VenueId = VenueId> {
  id: Id;
  label: string;
  /** False for venues read by address only (Hyperliquid): no key is asked for or stored. */
  needsKey: boolean;
  /** OKX keys have a passphrase besides key and secret. */
  needsPassphrase: boolean;
  /** What the key is called in messages ("Bybit needs an API key and secret."). */
  keyHint: string;
  /** The exchange's page where the trader makes a read-only key (https); the add form links to it and
   *  the desktop shell opens only these pages in the system browser. Absent for keyless venues. */
  keyPage?: string;
  /** Account options the trader chooses (margin coin, contract category, wallet address). */
  options: readonly OptionField[];
  /** Host overrides (testnets, proxies, the local test servers); "Advanced" in the form. */
  advanced: readonly OptionField[];
  /** The margin rulebook (src/domain/margin/rulebooks) the engine applies to this venue's snapshots. */
  rulebook: VenueId;
}

const URL_RE = /^(https?|wss?):\/\/[^\s]+$/;

/** A REST host override. */
export const urlOption = (key: string, label: string, placeholder: string): OptionField => ({
  key,
  label,
  placeholder,
  pattern: URL_RE,
  patternHint: 'a URL such as https://host:port',
});

/** Stream host override; "off" polls over REST only (a REST override without one polls too). */
export const wsUrlOption = (label: string, placeholder: string): OptionField => ({
  key: 'wsUrl',
  label,
  placeholder,
  pattern: /^(wss?:\/\/[^\s]+|off)$/,
  patternHint: 'a URL such as wss://host:port, or off to poll over REST',
});

/** A coin or currency code typed by the trader. */
export const coinOption = (key: string, label: string, example: string): OptionField => ({
  key,
  label,
  placeholder: example,
  pattern: /^[A-Z0-9]{2,10}$/,
  patternHint: `a coin such as ${example}`,
});
