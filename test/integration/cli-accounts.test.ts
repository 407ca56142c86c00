// `accounts add|list|remove` and `snapshot` end to end against the local Binance server, with the
// real SQLite file and key-file vault in a temp data dir.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/dispatch';
import { accountSnapshotSchema } from '../../src/domain/contracts';
import { databaseFile, vaultKeyFile } from '../../src/paths';
import { capturedBinanceAccount } from '../servers/binance/fixtures';
import { startBinanceServer, type BinanceTestServer } from '../servers/binance/server';
import { capturedClearinghouseState, HL_WALLET, metaAndAssetCtxs } from '../servers/hyperliquid/fixtures';
import { startHyperliquidServer } from '../servers/hyperliquid/server';

const KEY = 'cliKey0123456789abcdefCLIKEY';
const SECRET = 'cliSecret-9f8e7d6c5b4a3210-UNIQUE-SECRET-BYTES';
let server: BinanceTestServer;
let dataDir: string;

beforeAll(async () => {
  const readOnly = capturedBinanceAccount(KEY, SECRET);
  const trading = capturedBinanceAccount('tradingKey', 'tradingSecret').account;
  trading.permissions.enableFutures = true;
  const withdrawing = capturedBinanceAccount('withdrawKey', 'withdrawSecret').account;
  withdrawing.permissions.enableWithdrawals = true;
  server = await startBinanceServer({ markets: [readOnly.market], accounts: [readOnly.account, trading, withdrawing] });
  dataDir = mkdtempSync(join(tmpdir(), 'mw-cli-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    stdin: Readable.from([stdin]),
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    env: { MARGINWATCH_DATA_DIR: dataDir, MARGINWATCH_NO_KEYRING: '1', PATH: process.env.PATH },
  });
  return { code, out, err };
}

const urls = () => ['--option', `restUrl=${server.baseUrl}`, '--option', `spotUrl=${server.baseUrl}`, '--option', `wsUrl=${server.wsUrl}`];

describe('accounts and snapshot commands', () => {
  it('adds a read-only key from standard input, lists it, and prints its snapshot', async () => {
    const added = await cli(['accounts', 'add', '--name', 'main', '--venue', 'binance-usdm', ...urls()], `${KEY}\n${SECRET}\n`);
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/added main \(binance-usdm\).*key-file vault/);
    expect(statSync(vaultKeyFile(dataDir)).mode & 0o777).toBe(0o600);

    const listed = await cli(['accounts', 'list']);
    expect(listed.out).toMatch(/^main\tbinance-usdm\tkey stored\t/);

    const snap = await cli(['snapshot', '--account', 'main']);
    expect(snap.code).toBe(0);
    const parsed = accountSnapshotSchema.parse(JSON.parse(snap.out));
    expect(parsed.positions[0]).toMatchObject({ symbol: 'BTCUSDT', size: '0.009', entryPrice: '67445.9' });
  });

  it('never accepts a secret on the command line', async () => {
    const r = await cli(['accounts', 'add', '--name', 'x', '--venue', 'binance-usdm', '--api-secret', SECRET]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/never from arguments/);
  });

  it('warns loudly about a trading key but adds it; refuses a withdrawal key unless overridden', async () => {
    const trading = await cli(['accounts', 'add', '--name', 'trader', '--venue', 'binance-usdm', ...urls()], 'tradingKey\ntradingSecret\n');
    expect(trading.code).toBe(0);
    expect(trading.err).toMatch(/WARNING: this key can TRADE/);

    const refused = await cli(['accounts', 'add', '--name', 'risky', '--venue', 'binance-usdm', ...urls()], 'withdrawKey\nwithdrawSecret\n');
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/can WITHDRAW/);
    expect((await cli(['accounts', 'list'])).out).not.toMatch(/risky/);

    const forced = await cli(['accounts', 'add', '--name', 'risky', '--venue', 'binance-usdm', '--allow-withdraw', ...urls()], 'withdrawKey\nwithdrawSecret\n');
    expect(forced.code).toBe(0);
    expect(forced.err).toMatch(/WITHDRAWAL-ENABLED KEY ACCEPTED BY OVERRIDE/);
  });

  it('rejects an invalid key without storing anything', async () => {
    const r = await cli(['accounts', 'add', '--name', 'bad', '--venue', 'binance-usdm', ...urls()], 'nope\nnope\n');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/rejected the API key/);
    expect((await cli(['accounts', 'list'])).out).not.toMatch(/^bad\t/m);
  });

  it('adds a Hyperliquid wallet without any secret and prints its snapshot', async () => {
    const hl = await startHyperliquidServer({ states: { [HL_WALLET]: capturedClearinghouseState() }, metaAndAssetCtxs: metaAndAssetCtxs() });
    try {
      const args = ['accounts', 'add', '--name', 'hl', '--venue', 'hyperliquid', '--option', `wallet=${HL_WALLET}`, '--option', `restUrl=${hl.baseUrl}`];
      const added = await cli(args);
      expect(added.code).toBe(0);
      expect((await cli(['accounts', 'list'])).out).toMatch(/^hl\thyperliquid\tno key\t/m);
      const snap = await cli(['snapshot', '--account', 'hl']);
      expect(snap.code).toBe(0);
      expect(JSON.parse(snap.out).positions[0].symbol).toBe('ETH');
      const bad = await cli(['accounts', 'add', '--name', 'hl2', '--venue', 'hyperliquid', '--option', 'wallet=0x12', '--option', `restUrl=${hl.baseUrl}`]);
      expect(bad.code).toBe(3);
      expect(bad.err).toMatch(/wallet address/);
    } finally {
      await hl.close();
    }
  });

  it('the database and its WAL never hold the secret; removal erases the account', async () => {
    const file = databaseFile(dataDir);
    const bytes = () => Buffer.concat([file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    expect(bytes().includes(Buffer.from(SECRET))).toBe(false);
    expect(bytes().includes(Buffer.from(KEY))).toBe(false);
    const removed = await cli(['accounts', 'remove', 'main']);
    expect(removed.code).toBe(0);
    expect((await cli(['accounts', 'list'])).out).not.toMatch(/^main\t/m);
    expect((await cli(['snapshot', '--account', 'main'])).code).toBe(2);
    expect((await cli(['accounts', 'remove', 'main'])).code).toBe(2);
  });
});
