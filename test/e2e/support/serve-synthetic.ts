// Manual look at the UI under load: `npx tsx test/e2e/support/serve-synthetic.ts` (after building dist-ui).
import { resolve } from 'node:path';
import { startHeadlessServer } from '../../../src/headless/server';
import { SyntheticMonitor } from './synthetic-monitor';

const api = new SyntheticMonitor({ accounts: 2, positionsPerAccount: 100, historyDays: 30 });
api.startTicking(100);
const server = await startHeadlessServer({
  api,
  port: Number(process.env.PORT ?? 0),
  staticDir: resolve(import.meta.dirname, '../../../dist-ui'),
});
console.log(server.url);
process.once('SIGINT', () => {
  api.stop();
  void server.close();
});
