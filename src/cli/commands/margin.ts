// `npm run cli -- margin FILE|-` and `margin --jsonl` (CONTRACTS.md "Command line").
// Same engine as the service: parseSnapshot → computeMarginReport.
import { open } from 'node:fs/promises';
import type { MarginReport } from '../../domain/contracts';
import { ContractError } from '../../domain/contracts';
import { computeMarginReport, parseSnapshot } from '../../domain/margin';
import { type CliCommand, formatBytes, InputTooLargeError, MAX_INPUT_BYTES, readAll, readLines } from '../io';

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

/** Line by line as the lines arrive: memory holds one snapshot, not the whole stream. */
async function runBatch(stdin: NodeJS.ReadableStream, write: (s: string) => unknown): Promise<void> {
  for await (const line of readLines(stdin)) {
    const outcome =
      'text' in line
        ? evaluateSnapshotText(line.text)
        : { ok: false as const, error: new ContractError('', `line is larger than ${formatBytes(MAX_INPUT_BYTES)} (the limit for one snapshot)`) };
    write(
      `${JSON.stringify(outcome.ok ? outcome.report : { error: outcome.error.reason, path: outcome.error.path })}\n`,
    );
  }
}

/** A snapshot file, refused before reading when it is beyond the size limit. */
async function readSnapshotFile(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_INPUT_BYTES) throw new InputTooLargeError(file, MAX_INPUT_BYTES);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
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
    text = source === '-' ? await readAll(io.stdin) : await readSnapshotFile(source);
  } catch (error) {
    if (error instanceof InputTooLargeError) {
      io.stderr.write(`margin: ${error.message}\n`);
      return 2;
    }
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
