import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/dispatch';
import type { CliIo } from '../../src/cli/io';
import { marginReportSchema } from '../../src/domain/contracts';
import { faqSnapshot } from '../unit/margin/fixtures/binance-faq';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'mw-cli-margin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeIo(stdin = ''): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdin: Readable.from([stdin]),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    out: () => out,
    err: () => err,
  };
}

describe('margin CLI', () => {
  it('prints a valid MarginReport for a snapshot file, exit 0', async () => {
    const file = path.join(dir, 'faq.json');
    writeFileSync(file, JSON.stringify(faqSnapshot()));
    const io = fakeIo();
    expect(await main(['margin', file], io)).toBe(0);
    const report = marginReportSchema.parse(JSON.parse(io.out()));
    expect(report.positions[0]!.liquidationPrice?.startsWith('26316.89')).toBe(true);
    expect(io.err()).toBe('');
  });

  it('reads standard input with "-" (a leading BOM is tolerated)', async () => {
    const io = fakeIo(`\uFEFF${JSON.stringify(faqSnapshot())}`);
    expect(await main(['margin', '-'], io)).toBe(0);
    expect(JSON.parse(io.out()).schema).toBe('marginwatch.report/1');
  });

  it('invalid input: exit 2, one line on stderr naming the field, nothing on stdout', async () => {
    const bad = faqSnapshot();
    bad.positions[0]!.size = '-3';
    const io = fakeIo(JSON.stringify(bad));
    expect(await main(['margin', '-'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toBe('margin: invalid snapshot: positions[0].size: must be greater than zero\n');
  });

  it('malformed JSON and a missing file are exit 2 with one line', async () => {
    const io = fakeIo('{"schema": ');
    expect(await main(['margin', '-'], io)).toBe(2);
    expect(io.err().split('\n')).toHaveLength(2);
    const missing = fakeIo();
    expect(await main(['margin', path.join(dir, 'nope.json')], missing)).toBe(2);
    expect(missing.out()).toBe('');
  });

  it('--jsonl: one output line per input line, errors as {"error","path"} in place', async () => {
    const good = JSON.stringify(faqSnapshot());
    const bad = faqSnapshot();
    delete (bad.positions[1] as Partial<(typeof bad.positions)[1]>).markPrice;
    const io = fakeIo([good, JSON.stringify(bad), 'not json', good].join('\n') + '\n');
    expect(await main(['margin', '--jsonl'], io)).toBe(0);
    const lines = io
      .out()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0].schema).toBe('marginwatch.report/1');
    expect(lines[1]).toEqual({ error: 'is required', path: 'positions[1].markPrice' });
    expect(lines[2].path).toBe('');
    expect(lines[2].error).toMatch(/^invalid JSON/);
    expect(lines[3].schema).toBe('marginwatch.report/1');
  });

  it('--jsonl: the lines one read completes get one write; a line that arrives alone is answered before the next read', async () => {
    const good = JSON.stringify(faqSnapshot());
    const writes: string[] = [];
    let released = false;
    let answeredBeforeRelease = 0;
    // Chunk 1 completes three lines (one with "\r\n"); chunk 2 waits until the answer to line 4 is out.
    async function* feed(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${good}\n${good}\r\nnot json\n${good}`);
      yield Buffer.from('\n');
      while (writes.length < 2) await new Promise((r) => setTimeout(r, 5));
      answeredBeforeRelease = writes.length;
      released = true;
      yield Buffer.from(`${good}\n`);
    }
    const io: CliIo = {
      stdin: Readable.from(feed()),
      stdout: { write: (s: string) => writes.push(s) },
      stderr: { write: () => undefined },
      env: {},
    };
    expect(await main(['margin', '--jsonl'], io)).toBe(0);
    expect(released).toBe(true);
    expect(answeredBeforeRelease).toBe(2);
    expect(writes.map((w) => w.split('\n').length - 1)).toEqual([3, 1, 1]);
    const lines = writes.join('').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.schema ?? l.path)).toEqual([
      'marginwatch.report/1',
      'marginwatch.report/1',
      '',
      'marginwatch.report/1',
      'marginwatch.report/1',
    ]);
    // Every report line is the same report: batching changes the writes, not the answers.
    expect(new Set([lines[0], lines[1], lines[3], lines[4]].map((l) => JSON.stringify(l))).size).toBe(1);
  });

  it('runs as a real subprocess: npx tsx src/cli/main.ts margin -', () => {
    const result = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'margin', '-'], {
      cwd: repoRoot,
      input: JSON.stringify(faqSnapshot()),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    const report = marginReportSchema.parse(JSON.parse(result.stdout));
    expect(report.positions[1]!.liquidationPrice?.startsWith('1153.25')).toBe(true);
  });
});
