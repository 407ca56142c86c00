// `npm run cli -- snapshot --account NAME`: fetch once over REST and print the AccountSnapshot JSON.
import { loadVenueSecret } from '../../secrets';
import { createVenueSession, VenueFailure } from '../../venues/exchanges';
import type { CliCommand } from '../io';
import { openAccountContext, parseFlags, UsageError } from './accounts';

export const runSnapshot: CliCommand = async (args, io) => {
  let ctx: Awaited<ReturnType<typeof openAccountContext>> | null = null;
  try {
    const parsed = parseFlags(args, new Set(), new Set(['account', 'data-dir']));
    const name = parsed.flags.get('account')?.[0];
    if (!name) throw new UsageError('usage: snapshot --account NAME [--data-dir DIR]');
    ctx = await openAccountContext(parsed, io);
    const config = ctx.store.get(name);
    if (!config) {
      io.stderr.write(`no account named "${name}" (see: accounts list)\n`);
      return 2;
    }
    const secret = await loadVenueSecret(ctx.store, ctx.vault, config.id);
    const session = createVenueSession(config, secret);
    try {
      const snapshot = await session.fetchSnapshot();
      io.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
      return 0;
    } finally {
      await session.stop();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n`);
      return 2;
    }
    const code = error instanceof VenueFailure ? ` [${error.code}]` : '';
    io.stderr.write(`snapshot: ${error instanceof Error ? error.message : String(error)}${code}\n`);
    return 1;
  } finally {
    ctx?.close();
  }
};
