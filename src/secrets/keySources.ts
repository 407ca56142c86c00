// Where the headless vault's 32-byte key comes from, in order of preference:
// the OS keyring (libsecret's secret-tool), the MARGINWATCH_VAULT_KEY variable, a 0600 key file.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { VaultError } from './vault';

export const VAULT_KEY_ENV = 'MARGINWATCH_VAULT_KEY';
const KEYRING_ATTRS = ['service', 'marginwatch', 'purpose', 'vault-key'];

/** Accepts 64 hex characters or base64 of exactly 32 bytes. */
export function parseKeyText(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new VaultError(`${where} must hold a 32-byte key as 64 hex characters or base64`);
  return key;
}

function run(cmd: string, args: string[], input: string | null, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: timeoutMs, env }, (error, stdout) => resolve(error ? null : stdout));
    child.on('error', () => resolve(null));
    if (input !== null) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** Key from the desktop keyring; with `create`, made there on first use. Null when no keyring answers. */
export async function keyFromKeyring(env: NodeJS.ProcessEnv = process.env, create = true, timeoutMs = 3000): Promise<Buffer | null> {
  const found = await run('secret-tool', ['lookup', ...KEYRING_ATTRS], null, timeoutMs, env);
  if (found && found.trim()) {
    try {
      return parseKeyText(found, 'the keyring entry');
    } catch {
      return null;
    }
  }
  if (!create) return null;
  const fresh = randomBytes(32);
  const stored = await run('secret-tool', ['store', '--label=MarginWatch vault key', ...KEYRING_ATTRS], fresh.toString('base64'), timeoutMs, env);
  if (stored === null) return null;
  // Read back: a keyring that silently drops writes must not leave us with an unrecoverable key.
  const check = await run('secret-tool', ['lookup', ...KEYRING_ATTRS], null, timeoutMs, env);
  return check && check.trim() === fresh.toString('base64') ? fresh : null;
}

export function keyFromEnv(env: NodeJS.ProcessEnv): Buffer | null {
  const text = env[VAULT_KEY_ENV];
  return text ? parseKeyText(text, VAULT_KEY_ENV) : null;
}

export function keyFileExists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Reads the key file, creating it (0600, exclusive) on first use; refuses group/world-accessible files. */
export function keyFromFile(file: string): Buffer {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, key.toString('hex'));
    } finally {
      closeSync(fd);
    }
    chmodSync(file, 0o600); // umask cannot widen it, but be explicit
    return key;
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new VaultError(
      `refusing to use vault key file ${file}: its permissions are ${(stat.mode & 0o777).toString(8)}, they must be 600 (run: chmod 600 "${file}")`,
    );
  }
  return parseKeyText(readFileSync(file, 'utf8'), `vault key file ${file}`);
}
