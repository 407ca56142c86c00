// The issue-15 reproduction: an account added through the CLI keeps the key's permissions at that time
// as its baseline, so a key that gains withdrawal rights before the service starts is reported by the
// service's first key audit (before, the CLI stored no baseline and the audit adopted the widened key).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/dispatch';
import { createMonitor } from '../../src/service';
import { openHeadlessVault } from '../../src/secrets';
import { AccountStore } from '../../src/store/accountStore';
import { openDatabase } from '../../src/store/db';
import { databaseFile } from '../../src/paths';
import { capturedBinanceAccount } from '../servers/binance/fixtures';
import { startBinanceServer } from '../servers/binance/server';

const KEY = 'auditKey0123456789abcdefAUDIT';
const SECRET = 'auditSecret-0a1b2c3d4e5f-UNIQUE';
const env = { MARGINWATCH_NO_KEYRING: '1', PATH: process.env.PATH };
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function cli(dataDir: string, args: string[], stdin = ''): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(args, {
    stdin: Readable.from([stdin]),
    stdout: { write: () => true },
    stderr: { write: (c: string) => (err += c) },
    env: { ...env, MARGINWATCH_DATA_DIR: dataDir },
  });
  return { code, err };
}

describe('an account added by the CLI', () => {
  it('stores the key-permission baseline, and the service warns once the key gains withdrawals', async () => {
    const { account, market } = capturedBinanceAccount(KEY, SECRET);
    const server = await startBinanceServer({ markets: [market], accounts: [account] });
    cleanup.push(() => server.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'mw-cli-audit-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const options = [
      `restUrl=${server.baseUrl}`,
      `spotUrl=${server.baseUrl}`,
      `wsUrl=${server.wsUrl}`,
    ].flatMap((o) => ['--option', o]);
    const added = await cli(
      dataDir,
      ['accounts', 'add', '--name', 'main', '--venue', 'binance-usdm', ...options],
      `${KEY}\n${SECRET}\n`,
    );
    expect(added.err).toBe('');
    expect(added.code).toBe(0);

    const db = openDatabase(databaseFile(dataDir));
    const stored = new AccountStore(db);
    const id = stored.get('main')!.id;
    expect(stored.keyCheck(id)).toMatchObject({
      verdict: 'ok',
      permissions: { read: true, trade: false, withdraw: false },
    });
    db.close();

    account.permissions.enableWithdrawals = true; // changed on the exchange while the app was closed

    const vault = await openHeadlessVault({ dataDir, env });
    const monitor = await createMonitor({
      dataDir,
      shell: 'headless',
      resourcesDir: join(import.meta.dirname, '../../resources'),
      channels: [],
      vault,
      keyAuditIntervalMs: 200,
      log: () => {},
    });
    cleanup.push(() => monitor.close());
    let alert;
    for (let i = 0; i < 200 && !alert; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const list = await monitor.call('alerts.list', { state: 'all', accountId: id });
      alert = list.ok
        ? list.result.find((a) => a.subject === 'system:key-permissions' && a.state !== 'closed')
        : undefined;
    }
    expect(alert).toMatchObject({ kind: 'system', level: 'warning' });
    expect(alert!.body).toMatch(/withdrawals enabled/);
  });
});
