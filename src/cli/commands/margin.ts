// `npm run cli -- margin FILE|-` and `margin --jsonl` (CONTRACTS.md "Command line").
// Same engine as the service: parseSnapshot → computeMarginReport.
import { readFile } from 'node:fs/promises';
import type { MarginReport } from '../../domain/contracts';
import { ContractError } from '../../domain/contracts';
import { computeMarginReport, parseSnapshot } from '../../domain/margin';
import { type CliCommand, readAll } from '../io';

const USAGE = 'usage: margin FILE|-   or   margin --jsonl  (snapshots one per line on standard input)';

type Outcome = { ok: true; report: MarginReport } | { ok: false; error: ContractError };

/** One snapshot text → report or the first problem, naming the field. Never throws. */
export function evaluateSnapshotText(text: string): Outcome {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, '')); // editors on Windows may save a BOM
  } catch (error) {
    return {
      ok: false,
      error: new ContractError('', `invalid JSON: ${error instanceof Error ? error.message : String(error)}`),
    };
  }
  const parsed = parseSnapshot(json);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, report: computeMarginReport(parsed.value) };
  } catch (error) {
    if (error instanceof ContractError) return { ok: false, error };
    return {
      ok: false,
      error: new ContractError('', `engine error: ${error instanceof Error ? error.message : String(error)}`),
    };
  }
}

async function runBatch(stdin: NodeJS.ReadableStream, write: (s: string) => unknown): Promise<void> {
  const text = await readAll(stdin);
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop(); // the final newline ends a line, it is not one
  for (const line of lines) {
    const outcome = evaluateSnapshotText(line);
    write(
      `${JSON.stringify(outcome.ok ? outcome.report : { error: outcome.error.reason, path: outcome.error.path })}\n`,
    );
  }
}

export const runMargin: CliCommand = async (args, io) => {
  if (args.includes('--jsonl')) {
    if (args.length !== 1) {
      io.stderr.write(`margin: --jsonl takes no other arguments\n${USAGE}\n`);
      return 2;
    }
    try {
      await runBatch(io.stdin, (s) => io.stdout.write(s));
      return 0;
    } catch (error) {
      io.stderr.write(
        `margin: cannot read standard input: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return 1;
    }
  }
  const [source, ...extra] = args;
  if (source === undefined || extra.length > 0) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = source === '-' ? await readAll(io.stdin) : await readFile(source, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr.write(
      `margin: cannot read ${source === '-' ? 'standard input' : source}${code ? ` (${code})` : ''}\n`,
    );
    return 2;
  }
  const outcome = evaluateSnapshotText(text);
  if (!outcome.ok) {
    io.stderr.write(`margin: invalid snapshot: ${outcome.error.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 2;
  }
  io.stdout.write(`${JSON.stringify(outcome.report, null, 2)}\n`);
  return 0;
};
