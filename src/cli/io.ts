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

/**
 * The stream's lines, one at a time (newline-terminated; "\r\n" accepted), never holding more than one
 * line in memory. A line beyond `limit` bytes is skipped to its end and reported as `{ tooLarge: true }`.
 */
export async function* readLines(
  stream: NodeJS.ReadableStream,
  limit = MAX_INPUT_BYTES,
): AsyncGenerator<{ text: string } | { tooLarge: true }> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  for await (const chunk of stream) {
    let b = asBuffer(chunk);
    for (let nl = b.indexOf(10); nl >= 0; nl = b.indexOf(10)) {
      const head = b.subarray(0, nl);
      b = b.subarray(nl + 1);
      if (skipping || size + head.length > limit) yield { tooLarge: true };
      else yield { text: Buffer.concat([...parts, head]).toString('utf8').replace(/\r$/, '') };
      parts = [];
      size = 0;
      skipping = false;
    }
    if (skipping) continue;
    size += b.length;
    if (size > limit) {
      skipping = true;
      parts = [];
    } else if (b.length > 0) parts.push(b);
  }
  if (skipping) yield { tooLarge: true };
  else if (size > 0) yield { text: Buffer.concat(parts).toString('utf8').replace(/\r$/, '') };
}
