// The desktop vault keeps exchange keys and channel tokens in Electron safeStorage, and refuses the
// Linux 'basic_text' backend (a fixed, public key: secrets as good as plain text) unless the user
// explicitly accepts it with MARGINWATCH_ALLOW_UNPROTECTED_SECRETS=1 (docs/DESKTOP.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { VaultError } from '../../src/secrets';
import { ALLOW_UNPROTECTED_ENV, safeStorageVault } from '../../electron/main/vault';
import { resetFakeElectron, state } from './fakeElectron';
import { desktopPerTest } from './harness';

vi.mock('electron', async () => (await import('./fakeElectron')).electronModule());
vi.mock('../../src/service', async (original) => (await import('./harness')).mockedService(await original()));

const boot = desktopPerTest();
const SECRET = 'ntfy-token-Zq81xV';

describe('safeStorage vault', () => {
  it('encrypts through safeStorage with a keyring backend and decrypts what it sealed', async () => {
    const fake = resetFakeElectron();
    const vault = safeStorageVault('linux', {});
    expect(vault).toMatchObject({ backend: 'safeStorage:gnome_libsecret', encrypted: true });
    const blob = await vault.encrypt(SECRET);
    expect(fake.safeStorage.encrypted).toEqual([SECRET]);
    expect(blob.includes(Buffer.from(SECRET))).toBe(false);
    expect(await vault.decrypt(blob)).toBe(SECRET);
    await expect(vault.decrypt(Buffer.from('tampered'))).rejects.toThrow(/could not decrypt a stored secret/);
    expect(safeStorageVault('darwin', {})).toMatchObject({ backend: 'safeStorage:keychain', encrypted: true });
    expect(safeStorageVault('win32', {})).toMatchObject({ backend: 'safeStorage:dpapi', encrypted: true });
  });

  it.each(['basic_text', 'unknown'])('refuses to store a secret under the Linux %s backend, naming the override', async (backend) => {
    const fake = resetFakeElectron();
    fake.safeStorage.backend = backend;
    const vault = safeStorageVault('linux', {});
    expect(vault).toMatchObject({ backend: `safeStorage:${backend}`, encrypted: false });
    const refusal = vault.encrypt(SECRET);
    await expect(refusal).rejects.toBeInstanceOf(VaultError);
    await expect(refusal).rejects.toThrow(new RegExp(`"${backend}" backend.*unprotected.*keyring.*${ALLOW_UNPROTECTED_ENV}=1.*docs/DESKTOP\\.md`));
    expect(fake.safeStorage.encrypted).toEqual([]);
    // Accepted explicitly: stored, and still reported as not encrypted (the service warns in its log).
    const accepted = safeStorageVault('linux', { [ALLOW_UNPROTECTED_ENV]: '1' });
    expect(accepted.encrypted).toBe(false);
    expect(await accepted.decrypt(await accepted.encrypt(SECRET))).toBe(SECRET);
  });

  it('refuses when the OS offers no encryption at all', async () => {
    const fake = resetFakeElectron();
    fake.safeStorage.available = false;
    await expect(safeStorageVault('darwin', { [ALLOW_UNPROTECTED_ENV]: '1' }).encrypt(SECRET)).rejects.toThrow(/OS encryption is not available/);
    expect(fake.safeStorage.encrypted).toEqual([]);
  });
});

describe('the desktop app and its vault', () => {
  const secretInFiles = (dir: string) => readdirSync(dir).some((f) => readFileSync(join(dir, f)).includes(Buffer.from(SECRET)));

  it('hands the safeStorage vault to the service; a channel token is stored through it, never in plain text', async () => {
    const desktop = await boot();
    expect(desktop.monitorOptions().vault?.backend).toBe('safeStorage:gnome_libsecret');
    const stored = await desktop.invoke('channels.setSecret', { name: 'ntfyToken', value: SECRET });
    expect(stored).toEqual({ ok: true, result: { present: expect.objectContaining({ ntfyToken: true }) } });
    // The service seals its channel secrets as one JSON document.
    expect(state().safeStorage.encrypted).toEqual([JSON.stringify({ ntfyToken: SECRET })]);
    expect(secretInFiles(desktop.userData)).toBe(false);
  });

  it('with basic_text the app still runs, but storing a secret is refused with the clear message', async () => {
    const desktop = await boot({ safeStorageBackend: 'basic_text' });
    expect(desktop.window().visible).toBe(true);
    expect((await desktop.invoke('state.get')).ok).toBe(true);
    const refused = await desktop.invoke('channels.setSecret', { name: 'ntfyToken', value: SECRET });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.message).toMatch(new RegExp(`basic_text.*${ALLOW_UNPROTECTED_ENV}=1`));
    expect(state().safeStorage.encrypted).toEqual([]);
    expect(secretInFiles(desktop.userData)).toBe(false);
  });

  it('with the documented override, basic_text is accepted', async () => {
    const desktop = await boot({ safeStorageBackend: 'basic_text', env: { [ALLOW_UNPROTECTED_ENV]: '1' } });
    expect((await desktop.invoke('channels.setSecret', { name: 'ntfyToken', value: SECRET })).ok).toBe(true);
    expect(state().safeStorage.encrypted).toEqual([JSON.stringify({ ntfyToken: SECRET })]);
  });
});
