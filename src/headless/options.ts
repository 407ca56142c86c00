// Headless-mode options: flags beat environment variables beat defaults.
import { resolveDataDir } from '../paths';

export interface HeadlessOptions {
  port: number;
  dataDir: string;
  demoSpeed: number | undefined;
}

export class OptionError extends Error {}

const FLAGS = { '--port': 'MARGINWATCH_PORT', '--data-dir': 'MARGINWATCH_DATA_DIR', '--demo-speed': 'MARGINWATCH_DEMO_SPEED' } as const;
type Flag = keyof typeof FLAGS;

export function parseHeadlessOptions(argv: readonly string[], env: NodeJS.ProcessEnv): HeadlessOptions {
  const values: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    if (!(name in FLAGS)) throw new OptionError(`unknown option ${name} (known: ${Object.keys(FLAGS).join(', ')})`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new OptionError(`${name} needs a value`);
    values[name as Flag] = value;
  }
  const pick = (flag: Flag) => values[flag] ?? env[FLAGS[flag]];

  const portText = pick('--port') ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OptionError(`--port must be an integer 0–65535, got "${portText}"`);

  const speedText = pick('--demo-speed');
  const demoSpeed = speedText === undefined ? undefined : Number(speedText);
  if (demoSpeed !== undefined && !(Number.isFinite(demoSpeed) && demoSpeed > 0 && demoSpeed <= 100_000)) {
    throw new OptionError(`--demo-speed must be a number above 0 (market time per wall time), got "${speedText}"`);
  }
  return { port, dataDir: resolveDataDir(values['--data-dir'], env), demoSpeed };
}
