// Dispatches `npm run cli -- <command> ...` to one module per command (src/cli/commands/).
import type { CliCommand, CliIo } from './io';

const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  margin: { summary: 'margin FILE|- [--jsonl]   compute a MarginReport from an AccountSnapshot', load: async () => (await import('./commands/margin')).runMargin },
  backtest: { summary: 'backtest --candles FILE.csv [...]   run the forecast backtest', load: async () => (await import('./commands/backtest')).runBacktest },
  accounts: { summary: 'accounts add|list|remove   manage exchange accounts', load: async () => (await import('./commands/accounts')).runAccounts },
  snapshot: { summary: 'snapshot --account NAME   fetch once and print the AccountSnapshot', load: async () => (await import('./commands/snapshot')).runSnapshot },
  replay: { summary: 'replay --snapshot S.json --candles F.csv[.gz] [--settings X.json] [--from ISO] [--funding F] --jsonl   hold a book through past candles with the real alert pipeline', load: async () => (await import('./commands/replay')).runReplayCommand },
  serve: { summary: 'serve [--port N] [--data-dir DIR] [--demo-speed X]   headless mode', load: async () => (await import('./commands/serve')).runServe },
};

function usage(): string {
  return ['usage: npm run cli -- <command> [options]', '', ...Object.values(COMMANDS).map((c) => `  ${c.summary}`), ''].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`unknown command "${name}"\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest, io);
}
