// Secrets never leave custody: adapter logs and health messages never contain the key, the secret
// or a signature, and nothing the renderer can reach imports the vault or the secret loader.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVenueSession } from '../../../src/venues/exchanges';
import { capturedBinanceAccount } from '../../servers/binance/fixtures';
import { startBinanceServer } from '../../servers/binance/server';
import { FAST, waitFor } from '../venues/binanceHarness';

const KEY = 'leakKey-7Hq2mZ9xR4tW8vB1nC6yD3uJ5kL0pA';
const SECRET = 'leakSecret-Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz';

describe('no secret leaks', () => {
  it('logs and health events of a session through errors, clock skew and stream faults stay clean', async () => {
    const { account, market } = capturedBinanceAccount(KEY, SECRET);
    const server = await startBinanceServer({ markets: [market], accounts: [account], markIntervalMs: 100 });
    const lines: string[] = [];
    const logger = {
      info: (m: string, f?: Record<string, unknown>) => lines.push(`${m} ${JSON.stringify(f)}`),
      warn: (m: string, f?: Record<string, unknown>) => lines.push(`${m} ${JSON.stringify(f)}`),
    };
    const options = { restUrl: server.baseUrl, spotUrl: server.baseUrl, wsUrl: server.wsUrl };
    const good = createVenueSession({ id: 'g', name: 'g', source: 'binance-usdm', options }, { apiKey: KEY, secret: SECRET }, { logger, tuning: FAST });
    const bad = createVenueSession({ id: 'b', name: 'b', source: 'binance-usdm', options }, { apiKey: KEY, secret: `${SECRET}x` }, { logger, tuning: FAST });
    const events: string[] = [];
    const listener = { onSnapshot: () => {}, onHealth: (h: unknown) => events.push(JSON.stringify(h)) };
    try {
      server.clockOffsetMs = 20_000;
      server.injectFaults({ kind: 'malformed' });
      await good.start(listener);
      await bad.start(listener);
      await waitFor(() => events.some((e) => e.includes('"live"')), 5_000, 'live');
      server.dropConnections();
      const [listenKey] = server.activeListenKeys(KEY);
      await waitFor(() => events.filter((e) => e.includes('"live"')).length >= 2, 5_000, 'live again');
      const everything = [...lines, ...events].join('\n');
      expect(lines.length).toBeGreaterThan(0);
      for (const needle of [KEY, SECRET, listenKey!]) expect(everything).not.toContain(needle);
      expect(everything).not.toMatch(/signature=[0-9a-f]{8}/);
    } finally {
      await good.stop();
      await bad.stop();
      await server.close();
    }
  });

  it('the renderer side (api/, ui/, electron preload) has no import path to secrets', () => {
    const root = resolve(import.meta.dirname, '../../..');
    const files: string[] = [];
    const walk = (dir: string): void => {
      let entries: string[] = [];
      try {
        entries = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of entries) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.(ts|svelte)$/.test(name)) files.push(full);
      }
    };
    walk(join(root, 'src/api'));
    walk(join(root, 'src/ui'));
    walk(join(root, 'electron/preload'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from ['"][^'"]*(secrets|accountStore|exchanges\/secret)['"/]/);
      expect(text, file).not.toMatch(/secretBlob|loadVenueSecret|decrypt\(/);
    }
  });
});
