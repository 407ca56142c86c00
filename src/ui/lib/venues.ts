// What the "add account" form asks for per exchange, and how its fields become the `accounts.add`
// parameters. Option keys are the ones the venue adapters read (src/venues/exchanges, CONNECTORS.md).
import type { CommandParams } from '../../api/messages';
import { VENUE_CATALOG, type VenueDescriptor } from '../../api/venues';

export type VenueId = CommandParams<'accounts.add'>['source'];
export type { OptionField } from '../../api/venues';

/** What the form shows per exchange: the venue's own descriptor (src/venues/exchanges/<venue>/descriptor.ts). */
export type VenueForm = VenueDescriptor;

export const VENUE_FORMS: readonly VenueForm[] = VENUE_CATALOG;

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
    source: venue.id as VenueId,
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
      return { ok: false, field: 'passphrase', message: `${venue.label} keys need their passphrase.` };
    params.secret = venue.needsPassphrase ? { apiKey, secret, passphrase } : { apiKey, secret };
  }
  return { ok: true, params };
}
