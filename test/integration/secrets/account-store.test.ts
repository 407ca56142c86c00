// Accounts and secrets in a real SQLite file: the secret is never in plain text, and removing an
// account leaves no trace of its encrypted bytes in the database or its WAL.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/db';
import { AccountStore } from '../../../src/store/accountStore';
import { databaseFile } from '../../../src/paths';
import { loadVenueSecret, openHeadlessVault, sealVenueSecret } from '../../../src/secrets';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SECRET = { apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A', secret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j' };

function fileBytes(dbFile: string): Buffer {
  return Buffer.concat([dbFile, `${dbFile}-wal`, `${dbFile}-shm`].filter(existsSync).map((f) => readFileSync(f)));
}

describe('AccountStore', () => {
  it('stores, lists and loads accounts with encrypted secrets; removal erases the secret bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-store-'));
    dirs.push(dir);
    const file = databaseFile(dir);
    const db = openDatabase(file);
    const store = new AccountStore(db, () => 1_700_000_000_000);
    const vault = await openHeadlessVault({ dataDir: dir, env: { PATH: '/nonexistent' } });
    const sealed = await sealVenueSecret(vault, SECRET);
    store.add({ id: 'a1', name: 'main', source: 'binance-usdm', options: { restUrl: 'http://127.0.0.1:1' } }, sealed);
    store.add({ id: 'a2', name: 'wallet', source: 'hyperliquid', options: { wallet: '0xabc' } }, null);

    expect(store.list()).toEqual([
      { id: 'a1', name: 'main', source: 'binance-usdm', options: { restUrl: 'http://127.0.0.1:1' } },
      { id: 'a2', name: 'wallet', source: 'hyperliquid', options: { wallet: '0xabc' } },
    ]);
    expect(JSON.stringify(store.list())).not.toContain(SECRET.secret);
    expect(await loadVenueSecret(store, vault, 'a1')).toEqual(SECRET);
    expect(await loadVenueSecret(store, vault, 'a2')).toBeNull();
    expect(() => store.add({ id: 'a3', name: 'main', source: 'okx', options: {} }, null)).toThrow(/already exists/);
    expect(() => store.add({ id: 'a4', name: 'x', source: 'ftx' as never, options: {} }, null)).toThrow(/unknown venue/);

    // Plain text never reaches the file; the encrypted blob does (until removal).
    let bytes = fileBytes(file);
    expect(bytes.includes(Buffer.from(SECRET.secret))).toBe(false);
    expect(bytes.includes(Buffer.from(SECRET.apiKey))).toBe(false);
    const blobTail = sealed.blob.subarray(sealed.blob.length - 24);
    expect(bytes.includes(blobTail)).toBe(true);

    expect(store.remove('main')).toBe(true);
    expect(store.secretBlob('a1')).toBeNull();
    bytes = fileBytes(file);
    expect(bytes.includes(blobTail)).toBe(false);
    expect(bytes.includes(sealed.blob.subarray(4, 28))).toBe(false); // IV + tag
    expect(store.remove('main')).toBe(false);
    db.close();
    // Still gone after close (checkpoint on close must not resurrect anything).
    expect(fileBytes(file).includes(blobTail)).toBe(false);
  });
});
