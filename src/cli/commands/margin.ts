// `npm run cli -- margin FILE|-` and `margin --jsonl` (CONTRACTS.md "Command line").
// Same engine as the service: parseSnapshot → computeMarginReport.
import { open } from 'node:fs/promises';
import type { MarginReport } from '../../domain/contracts';
import { ContractError } from '../../domain/contracts';
import { computeMarginReport, parseSnapshot } from '../../domain/margin';
import { type CliCommand, formatBytes, InputTooLargeError, MAX_INPUT_BYTES, readAll, readLineBatches } from '../io';

const USAGE = 'usage: margin FILE|-   or   margin --jsonl  (snapshots one per line on standard input)';

type Outcome = { ok: true; report: MarginReport } | { ok: false; error: ContractError };

/** One snapshot text → report or the first problem, naming the field. Never throws. */
export function evaluateSnapshotText(text: string): Outcome {
  let json: unknown;
  try {
    // Editors on Windows may save a BOM (checked on the first character: no regex over a long line).
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
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

/** One output line: the compact report, or the problem naming its field. */
function answerLine(line: { text: string } | { tooLarge: true }): string {
  const outcome =
    'text' in line
      ? evaluateSnapshotText(line.text)
      : { ok: false as const, error: new ContractError('', `line is larger than ${formatBytes(MAX_INPUT_BYTES)} (the limit for one snapshot)`) };
  return `${JSON.stringify(outcome.ok ? outcome.report : { error: outcome.error.reason, path: outcome.error.path })}\n`;
}

/**
 * Line by line as the lines arrive: memory holds one snapshot, not the whole stream. The lines one
 * read completes are answered with one write (not one per line); a line that arrives alone is still
 * answered before the next read waits.
 */
async function runBatch(stdin: NodeJS.ReadableStream, write: (s: string) => unknown): Promise<void> {
  for await (const batch of readLineBatches(stdin)) {
    write(batch.length === 1 ? answerLine(batch[0]!) : batch.map(answerLine).join(''));
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
