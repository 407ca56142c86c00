import type { CliCommand } from '../io';
import { runHeadless } from '../../headless/run';

/** `npm run cli -- serve ...`: the same as `npm run headless` (needs the UI built once: `npm run headless` does it). */
export const runServe: CliCommand = (args, io) => runHeadless(args, io.env, io.stdout, io.stderr);
