// `npm run cli -- accounts add|list|remove`: manage exchange accounts. Secrets come from a prompt
// or standard input (never argv), are validated against the exchange, and are stored encrypted.
import { openDatabase } from '../../store/db';
import { AccountStore } from '../../store/accountStore';
import { databaseFile, resolveDataDir } from '../../paths';
import { openHeadlessVault, type SecretVault } from '../../secrets';
import { venueSecretSchema, type VenueSecret } from '../../venues/exchanges';
import { AccountInputError, AccountUseCase } from '../../service/accounts';
import { EXCHANGE_SOURCES, venueDescriptor, type VenueDescriptor } from '../../venues/catalog';
import type { CliCommand, CliIo } from '../io';
import { readAll } from '../io';


export interface ParsedFlags {
  positional: string[];
  flags: Map<string, string[]>;
}

/** Parses `--name value`, `--name=value` and boolean flags; any flag not in `known` is an error. */
export function parseFlags(args: string[], booleans: ReadonlySet<string>, known: ReadonlySet<string>): ParsedFlags {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!known.has(name)) {
      const hint = /key|secret|pass/i.test(name) ? ' (API keys and secrets are read from a prompt or standard input, never from arguments)' : '';
      throw new UsageError(`unknown option --${name}${hint}`);
    }
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (booleans.has(name)) value = 'true';
    else {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

export class UsageError extends Error {}

export interface AccountContext {
  dataDir: string;
  store: AccountStore;
  vault: SecretVault;
  /** Add/remove through the service's one account use case (baseline, vault, erasure). */
  accounts: AccountUseCase;
  close(): void;
}

export async function openAccountContext(flags: ParsedFlags, io: CliIo): Promise<AccountContext> {
  const dataDir = resolveDataDir(flags.flags.get('data-dir')?.[0], io.env);
  const db = openDatabase(databaseFile(dataDir), { log: (line) => io.stderr.write(`accounts: ${line}\n`) });
  const vault = await openHeadlessVault({ dataDir, env: io.env });
  const store = new AccountStore(db);
  const log = (line: string): void => void io.stderr.write(`${line}\n`);
  return { dataDir, store, vault, accounts: new AccountUseCase({ store, vault: async () => vault, now: Date.now, log }), close: () => db.close() };
}

/** Reads one line from a terminal without echoing it. */
function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  io.stderr.write(prompt);
  return new Promise((resolve) => {
    let value = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.off('data', onData);
          stdin.setRawMode?.(false);
          stdin.pause();
          io.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        value = ch === '\u007f' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readSecret(io: CliIo, venue: VenueDescriptor): Promise<VenueSecret> {
  const wantsPassphrase = venue.needsPassphrase;
  let fields: string[];
  if ((io.stdin as NodeJS.ReadStream).isTTY) {
    fields = [await promptHidden(io, 'API key: '), await promptHidden(io, 'API secret: ')];
    if (wantsPassphrase) fields.push(await promptHidden(io, 'API passphrase: '));
  } else {
    fields = (await readAll(io.stdin)).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  }
  const [apiKey = '', secret = '', passphrase] = fields;
  const parsed = venueSecretSchema.safeParse(wantsPassphrase ? { apiKey, secret, passphrase } : { apiKey, secret });
  if (!parsed.success) {
    throw new UsageError(
      `expected the API key and secret${wantsPassphrase ? ' and passphrase' : ''} on standard input, one per line (${parsed.error.issues[0]?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
}

function parseOptions(values: string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option expects key=value, got "${v}"`);
    options[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return options;
}

async function add(parsed: ParsedFlags, io: CliIo): Promise<number> {
  const name = parsed.flags.get('name')?.[0];
  const venue = parsed.flags.get('venue')?.[0];
  if (!name) throw new UsageError('accounts add needs --name NAME');
  const descriptor = venue ? venueDescriptor(venue) : undefined;
  if (!venue || !descriptor) throw new UsageError(`accounts add needs --venue, one of ${EXCHANGE_SOURCES.join(', ')}`);
  const options = parseOptions(parsed.flags.get('option') ?? []);
  const secret = descriptor.needsKey ? await readSecret(io, descriptor) : null;

  const ctx = await openAccountContext(parsed, io);
  try {
    const skipVerify = parsed.flags.has('no-verify');
    if (skipVerify) io.stderr.write('WARNING: key not checked against the exchange (--no-verify); its permissions are unknown.\n');
    const allowWithdraw = parsed.flags.has('allow-withdraw');
    const outcome = await ctx.accounts.add({ name, source: venue, options, secret, allowWithdraw, skipVerify });
    if (!outcome.added) {
      const override = outcome.check.verdict === 'refuse-withdraw' ? ' (override with --allow-withdraw at your own risk)' : '';
      io.stderr.write(`not added: ${outcome.check.message}${override}\n`);
      return 3;
    }
    const check = outcome.check;
    if (check && check.verdict !== 'ok') io.stderr.write(`\n!!! ${check.verdict === 'refuse-withdraw' ? 'WITHDRAWAL-ENABLED KEY ACCEPTED BY OVERRIDE. ' : ''}${check.message}\n\n`);
    io.stdout.write(`added ${outcome.config.name} (${outcome.config.source}), id ${outcome.config.id}; key stored with the ${ctx.vault.backend} vault\n`);
    return 0;
  } catch (error) {
    if (error instanceof AccountInputError) throw new UsageError(error.message.replace(/^name: /, ''));
    throw error;
  } finally {
    ctx.close();
  }
}

async function list(parsed: ParsedFlags, io: CliIo): Promise<number> {
  const ctx = await openAccountContext(parsed, io);
  try {
    const accounts = ctx.store.list().map((a) => ({ ...a, hasKey: ctx.store.secretBlob(a.id) !== null }));
    if (parsed.flags.has('json')) io.stdout.write(`${JSON.stringify(accounts, null, 2)}\n`);
    else if (accounts.length === 0) io.stdout.write('no accounts\n');
    else for (const a of accounts) io.stdout.write(`${a.name}\t${a.source}\t${a.hasKey ? 'key stored' : 'no key'}\t${a.id}\n`);
    return 0;
  } finally {
    ctx.close();
  }
}

async function remove(parsed: ParsedFlags, io: CliIo): Promise<number> {
  const name = parsed.positional[0];
  if (!name) throw new UsageError('accounts remove needs the account NAME');
  const ctx = await openAccountContext(parsed, io);
  try {
    if (!ctx.accounts.remove(name)) {
      io.stderr.write(`no account named "${name}"\n`);
      return 2;
    }
    io.stdout.write(`removed ${name}; its key was erased\n`);
    return 0;
  } finally {
    ctx.close();
  }
}

const USAGE = `usage:
  accounts add --name NAME --venue ${EXCHANGE_SOURCES.join('|')} [--option key=value ...] [--allow-withdraw] [--no-verify]
      (API key, secret [and passphrase] are read from a hidden prompt or standard input, one per line)
  accounts list [--json]
  accounts remove NAME
  common: --data-dir DIR (default: $MARGINWATCH_DATA_DIR or the per-user app-data folder)
`;

export const runAccounts: CliCommand = async (args, io) => {
  const [sub, ...rest] = args;
  try {
    const parsed = parseFlags(rest, new Set(['allow-withdraw', 'no-verify', 'json']), new Set(['allow-withdraw', 'no-verify', 'json', 'name', 'venue', 'option', 'data-dir']));
    if (sub === 'add') return await add(parsed, io);
    if (sub === 'list') return await list(parsed, io);
    if (sub === 'remove') return await remove(parsed, io);
    io.stderr.write(USAGE);
    return 2;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n${USAGE}`);
      return 2;
    }
    io.stderr.write(`accounts: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
};
