// The one way an exchange account is added or removed, whoever asks (the api command used by the
// desktop shell and the headless server, or the CLI): validate the key against the exchange, store the
// permissions it had then as the baseline the key audit compares with, vault the secret, and on removal
// erase it. Callers only present the outcome.
import { randomUUID } from 'node:crypto';
import type { AccountStore, StoredKeyCheck } from '../store/accountStore';
import { sealVenueSecret } from '../secrets/accountSecrets';
import type { SecretVault } from '../secrets';
import {
  SUPPORTED_VENUES,
  validateCredentials,
  venueSecretSchema,
  type KeyCheck,
  type VenueSecret,
  type VenueSessionOptions,
} from '../venues/exchanges';
import type { AccountConfig } from '../venues/types';

export interface AddAccountRequest {
  name: string;
  source: string;
  options: Record<string, string>;
  /** Raw secret fields; validated here. Null for venues that read by address (Hyperliquid). */
  secret: unknown;
  /** Accept a key that can withdraw (the trader overrode the refusal). */
  allowWithdraw: boolean;
  /** Skip the exchange check (CLI `--no-verify`): the key's permissions stay unknown, no baseline is stored. */
  skipVerify?: boolean;
}

export type AddAccountOutcome =
  | { added: true; config: AccountConfig; secret: VenueSecret | null; check: KeyCheck | null }
  | { added: false; check: KeyCheck };

/** Bad input, named by its field (the api prefixes the command name). */
export class AccountInputError extends Error {
  constructor(
    readonly field: 'name' | 'source' | 'secret',
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'AccountInputError';
  }
}

export interface AccountUseCaseDeps {
  store: AccountStore;
  vault: () => Promise<SecretVault>;
  now: () => number;
  /** Names no stored account may take (the demo account's). */
  reservedNames?: ReadonlySet<string>;
  log?: (line: string) => void;
  /** Session options for the key check (logger, test timings). */
  sessionOptions?: (config: AccountConfig) => VenueSessionOptions;
}

export class AccountUseCase {
  constructor(private readonly deps: AccountUseCaseDeps) {}

  async add(request: AddAccountRequest): Promise<AddAccountOutcome> {
    const name = request.name.trim();
    if (!name) throw new AccountInputError('name', 'must not be empty');
    if (!(SUPPORTED_VENUES as readonly string[]).includes(request.source)) {
      throw new AccountInputError(
        'source',
        `"${request.source}" has no exchange adapter in this build (supported: ${SUPPORTED_VENUES.join(', ')})`,
      );
    }
    if (this.deps.store.get(name) || this.deps.reservedNames?.has(name))
      throw new AccountInputError('name', `an account named "${name}" already exists`);
    const config: AccountConfig = {
      id: randomUUID(),
      name,
      source: request.source as AccountConfig['source'],
      options: request.options,
    };
    const secret = this.parseSecret(request.secret);

    let check: KeyCheck | null = null;
    if (!request.skipVerify) {
      check = await validateCredentials(config, secret, this.deps.sessionOptions?.(config) ?? {});
      const accepted =
        check.verdict === 'ok' ||
        check.verdict === 'warn-trading' ||
        (check.verdict === 'refuse-withdraw' && request.allowWithdraw);
      if (!accepted) return { added: false, check };
    }
    const vault = secret ? await this.deps.vault() : null;
    if (vault && !vault.encrypted)
      this.deps.log?.(
        `WARNING: the "${vault.backend}" vault does not encrypt; the key of ${config.name} is stored readable`,
      );
    this.deps.store.add(config, secret && vault ? await sealVenueSecret(vault, secret) : null);
    // The baseline is what the key could do when the trader accepted it; the audit warns when it widens.
    if (check) this.deps.store.setKeyCheck(config.id, baselineOf(check, this.deps.now()));
    return { added: true, config, secret, check };
  }

  /** Removes the account and erases its secret; false when no such account is stored. */
  remove(idOrName: string): boolean {
    return this.deps.store.remove(idOrName);
  }

  private parseSecret(raw: unknown): VenueSecret | null {
    if (raw === null || raw === undefined) return null;
    const parsed = venueSecretSchema.safeParse(raw);
    if (!parsed.success) throw new AccountInputError('secret', parsed.error.issues[0]?.message ?? 'invalid');
    return parsed.data;
  }
}

function baselineOf(check: KeyCheck, checkedMs: number): StoredKeyCheck {
  return { checkedMs, verdict: check.verdict, permissions: check.permissions };
}
