// CLI input limits: one snapshot is at most 64 MB (file, standard input, or one --jsonl line), refused
// with a clear message; --jsonl reads line by line, so a huge line costs one error line, not the run.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/dispatch';
import { MAX_INPUT_BYTES, readLines, type CliIo } from '../../src/cli/io';
import { faqSnapshot } from '../unit/margin/fixtures/binance-faq';

const dir = mkdtempSync(path.join(tmpdir(), 'mw-cli-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(stdin: Readable) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdin,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
  };
  return { io, out: () => out, err: () => err };
}

/** `total` bytes of filler in 1 MB chunks, then `tail`. */
function filler(total: number, tail = ''): Readable {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  return Readable.from(
    (function* () {
      for (let left = total; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
      if (tail) yield Buffer.from(tail);
    })(),
  );
}

describe('CLI input limits', () => {
  it('refuses a snapshot file over 64 MB before reading it', async () => {
    const file = path.join(dir, 'huge.json');
    writeFileSync(file, '');
    truncateSync(file, MAX_INPUT_BYTES + 1); // sparse: no 64 MB written
    const r = run(Readable.from(['']));
    expect(await main(['margin', file], r.io)).toBe(2);
    expect(r.err()).toBe(`margin: ${file} is larger than 64 MB (the limit for one snapshot)\n`);
    expect(r.out()).toBe('');
  });

  it('refuses standard input over 64 MB with a clear message', async () => {
    const r = run(filler(MAX_INPUT_BYTES + 1));
    expect(await main(['margin', '-'], r.io)).toBe(2);
    expect(r.err()).toBe('margin: standard input is larger than 64 MB (the limit for one snapshot)\n');
  });

  it('--jsonl answers an oversized line with an error line and goes on with the next', async () => {
    const good = JSON.stringify(faqSnapshot());
    const stream = Readable.from(
      (async function* () {
        yield Buffer.from(`${good}\n`);
        for await (const c of filler(MAX_INPUT_BYTES + 10)) yield c as Buffer;
        yield Buffer.from(`\n${good}\r\n`);
      })(),
    );
    const r = run(stream);
    expect(await main(['margin', '--jsonl'], r.io)).toBe(0);
    const lines = r.out().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toHaveProperty('account');
    expect(lines[1]).toEqual({ error: 'line is larger than 64 MB (the limit for one snapshot)', path: '' });
    expect(lines[2]).toHaveProperty('account');
  });

  it('readLines splits across chunks, keeps empty lines and the last unterminated one', async () => {
    const out: unknown[] = [];
    for await (const l of readLines(Readable.from([Buffer.from('ab'), Buffer.from('c\n\nde'), Buffer.from('f\r\ng')]), 4))
      out.push(l);
    expect(out).toEqual([{ text: 'abc' }, { text: '' }, { text: 'def' }, { text: 'g' }]);
    const long: unknown[] = [];
    for await (const l of readLines(Readable.from([Buffer.from('abcdefgh\nok\n')]), 4)) long.push(l);
    expect(long).toEqual([{ tooLarge: true }, { text: 'ok' }]);
  });
});
