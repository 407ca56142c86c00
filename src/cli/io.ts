// The streams a CLI command talks to; injected so commands are testable without a subprocess.
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: NodeJS.ProcessEnv;
}

/** A subcommand: receives its own arguments (after the subcommand name) and returns the exit code. */
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

/** Largest input the CLI reads as one document (a snapshot, one --jsonl line). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export class InputTooLargeError extends Error {
  constructor(what: string, limit: number) {
    super(`${what} is larger than ${formatBytes(limit)} (the limit for one snapshot)`);
    this.name = 'InputTooLargeError';
  }
}

export function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MB` : `${n} bytes`;
}

const asBuffer = (chunk: unknown): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));

/** The whole stream as text; stops reading and throws InputTooLargeError beyond `limit` bytes. */
export async function readAll(
  stream: NodeJS.ReadableStream,
  limit = MAX_INPUT_BYTES,
  what = 'standard input',
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = asBuffer(chunk);
    size += b.length;
    if (size > limit) throw new InputTooLargeError(what, limit);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

type Line = { text: string } | { tooLarge: true };

/** Bytes of one line as text, without its "\r" (checked on the last byte: no scan of the whole line). */
function lineText(parts: Buffer[], head: Buffer): { text: string } {
  const bytes = parts.length === 0 ? head : Buffer.concat([...parts, head]);
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
  return { text: bytes.toString('utf8', 0, end) };
}

/**
 * The stream's lines, a batch per chunk read (every line the chunk completes), never holding more than
 * one unfinished line in memory. Newline-terminated; "\r\n" accepted. A line beyond `limit` bytes is
 * skipped to its end and reported as `{ tooLarge: true }`. A batch lets the caller answer all the lines
 * it already has with one write, and still answer each line as soon as it arrives.
 */
export async function* readLineBatches(
  stream: NodeJS.ReadableStream,
  limit = MAX_INPUT_BYTES,
): AsyncGenerator<Line[]> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  for await (const chunk of stream) {
    let b = asBuffer(chunk);
    const batch: Line[] = [];
    for (let nl = b.indexOf(10); nl >= 0; nl = b.indexOf(10)) {
      const head = b.subarray(0, nl);
      b = b.subarray(nl + 1);
      if (skipping || size + head.length > limit) batch.push({ tooLarge: true });
      else batch.push(lineText(parts, head));
      parts = [];
      size = 0;
      skipping = false;
    }
    if (batch.length > 0) yield batch;
    if (skipping) continue;
    size += b.length;
    if (size > limit) {
      skipping = true;
      parts = [];
    } else if (b.length > 0) parts.push(b);
  }
  if (skipping) yield [{ tooLarge: true }];
  else if (size > 0) yield [lineText(parts.slice(0, -1), parts[parts.length - 1]!)];
}

/** readLineBatches one line at a time. */
export async function* readLines(stream: NodeJS.ReadableStream, limit = MAX_INPUT_BYTES): AsyncGenerator<Line> {
  for await (const batch of readLineBatches(stream, limit)) yield* batch;
}
