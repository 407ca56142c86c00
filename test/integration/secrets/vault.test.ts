// The headless vault: AES-256-GCM with a key from the keyring, the environment or a 0600 key file.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHeadlessVault, VaultError } from '../../../src/secrets';
import { vaultKeyFile } from '../../../src/paths';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mw-vault-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PLAIN = 'apiSecret-NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
/** An environment with no keyring tool on PATH and no key variable. */
const bareEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: '/nonexistent', ...extra });

describe('headless vault', () => {
  it('falls back to a key file created 0600 and reuses it', async () => {
    const dir = tempDir();
    const vault = await openHeadlessVault({ dataDir: dir, env: bareEnv() });
    expect(vault.backend).toBe('key-file');
    expect(vault.encrypted).toBe(true);
    expect(statSync(vaultKeyFile(dir)).mode & 0o777).toBe(0o600);
    const blob = await vault.encrypt(PLAIN);
    expect(blob.includes(Buffer.from(PLAIN))).toBe(false);
    const again = await openHeadlessVault({ dataDir: dir, env: bareEnv() });
    expect(await again.decrypt(blob)).toBe(PLAIN);
  });

  it('refuses a key file others can read', async () => {
    const dir = tempDir();
    await openHeadlessVault({ dataDir: dir, env: bareEnv() });
    chmodSync(vaultKeyFile(dir), 0o644);
    await expect(openHeadlessVault({ dataDir: dir, env: bareEnv() })).rejects.toThrow(/permissions are 644, they must be 600/);
  });

  it('uses MARGINWATCH_VAULT_KEY (hex or base64) and rejects a malformed one by name', async () => {
    const key = randomBytes(32);
    const hex = await openHeadlessVault({ dataDir: tempDir(), env: bareEnv({ MARGINWATCH_VAULT_KEY: key.toString('hex') }) });
    const b64 = await openHeadlessVault({ dataDir: tempDir(), env: bareEnv({ MARGINWATCH_VAULT_KEY: key.toString('base64') }) });
    expect(hex.backend).toBe('env');
    expect(await b64.decrypt(await hex.encrypt(PLAIN))).toBe(PLAIN);
    await expect(openHeadlessVault({ dataDir: tempDir(), env: bareEnv({ MARGINWATCH_VAULT_KEY: 'short' }) })).rejects.toThrow(/MARGINWATCH_VAULT_KEY must hold a 32-byte key/);
  });

  it('prefers the OS keyring when secret-tool answers', async () => {
    const bin = tempDir();
    const store = join(bin, 'stored');
    // A stand-in for libsecret's secret-tool: lookup prints the stored value, store reads stdin.
    writeFileSync(join(bin, 'secret-tool'), `#!/bin/sh\nif [ "$1" = lookup ]; then [ -f "${store}" ] && cat "${store}" && exit 0; exit 1; fi\nif [ "$1" = store ]; then cat > "${store}"; exit 0; fi\nexit 2\n`, { mode: 0o755 });
    const dir = tempDir();
    const env = { PATH: `${bin}:/usr/bin:/bin` };
    const vault = await openHeadlessVault({ dataDir: dir, env });
    expect(vault.backend).toBe('os-keyring');
    const blob = await vault.encrypt(PLAIN);
    expect(await (await openHeadlessVault({ dataDir: dir, env })).decrypt(blob)).toBe(PLAIN);
    expect(Buffer.from(readFileSync(store, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(() => statSync(vaultKeyFile(dir))).toThrow(); // no key file written
  });

  it('fresh IV per encryption; tampering or a wrong key fails loudly', async () => {
    const vault = await openHeadlessVault({ dataDir: tempDir(), env: bareEnv() });
    const a = await vault.encrypt(PLAIN);
    const b = await vault.encrypt(PLAIN);
    expect(a.equals(b)).toBe(false);
    const tampered = Buffer.from(a);
    tampered[tampered.length - 1]! ^= 1;
    await expect(vault.decrypt(tampered)).rejects.toBeInstanceOf(VaultError);
    const other = await openHeadlessVault({ dataDir: tempDir(), env: bareEnv() });
    await expect(other.decrypt(a)).rejects.toThrow(/cannot be decrypted/);
  });
});

describe('headless vault key choice', () => {
  it('keeps using an existing key file when a keyring appears later', async () => {
    const dir = tempDir();
    const first = await openHeadlessVault({ dataDir: dir, env: bareEnv() });
    const blob = await first.encrypt(PLAIN);
    const bin = tempDir();
    writeFileSync(join(bin, 'secret-tool'), `#!/bin/sh\nif [ "$1" = lookup ]; then exit 1; fi\ncat > "${join(bin, 'stored')}"; exit 0\n`, { mode: 0o755 });
    const later = await openHeadlessVault({ dataDir: dir, env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(later.backend).toBe('key-file');
    expect(await later.decrypt(blob)).toBe(PLAIN);
  });

  it('MARGINWATCH_NO_KEYRING=1 skips a working keyring', async () => {
    const bin = tempDir();
    const store = join(bin, 'stored');
    writeFileSync(join(bin, 'secret-tool'), `#!/bin/sh\nif [ "$1" = lookup ]; then [ -f "${store}" ] && cat "${store}" && exit 0; exit 1; fi\nif [ "$1" = store ]; then cat > "${store}"; exit 0; fi\nexit 2\n`, { mode: 0o755 });
    const env = { PATH: `${bin}:/usr/bin:/bin` };
    expect((await openHeadlessVault({ dataDir: tempDir(), env })).backend).toBe('os-keyring');
    expect((await openHeadlessVault({ dataDir: tempDir(), env: { ...env, MARGINWATCH_NO_KEYRING: '1' } })).backend).toBe('key-file');
  });
});
