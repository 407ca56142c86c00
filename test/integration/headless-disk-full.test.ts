// The real headless process on a real full disk (a tmpfs the test fills): it notices it cannot save
// (log line; the alert path itself is covered by alerts/storage-full.test.ts), SIGTERM still exits 0
// after a best-effort checkpoint, and a restart on the still-full disk starts and serves.
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { tryMountTmpfs } from '../helpers/tmpfs';

const repoRoot = join(import.meta.dirname, '..', '..');

interface Headless {
  child: ChildProcess;
  url: string;
  stderr(): string;
}

/** `node --import tsx src/headless/main.ts`: no tsx CLI in between, so SIGTERM reaches our handler
 *  (the CLI relays signals with a 30 ms deadline and kills a busy child with 143). */
async function startHeadless(dataDir: string): Promise<Headless> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src', 'headless', 'main.ts'), '--port', '0', '--data-dir', dataDir, '--demo-speed', '2000'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 60 s\n${err}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headless exited with ${code} before printing its URL\n${err}`));
    });
  });
  return { child, url, stderr: () => err };
}

const fs = tryMountTmpfs(6 * 1024 * 1024);
const mounted = !('skip' in fs);
afterAll(() => {
  if (mounted) fs.unmount();
});

function fill(dir: string): string {
  const file = join(dir, 'filler.bin');
  const fd = openSync(file, 'w');
  try {
    for (const size of [64 * 1024, 512]) {
      try {
        for (;;) writeSync(fd, Buffer.alloc(size));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

async function sigterm(h: Headless): Promise<number | null> {
  if (h.child.exitCode !== null) return h.child.exitCode;
  const exited = new Promise<number | null>((resolve) => h.child.once('exit', (code) => resolve(code)));
  h.child.kill('SIGTERM');
  const timer = setTimeout(() => h.child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

describe.runIf(mounted)(`headless on a full disk${mounted ? '' : ` (skipped: ${fs.skip})`}`, () => {
  it('keeps running, says it cannot save, exits 0 on SIGTERM, and restarts on the full disk', async () => {
    if (!mounted) return;
    const dataDir = join(fs.dir, 'data');
    const first = await startHeadless(dataDir);
    let filler: string | null = null;
    try {
      filler = fill(fs.dir);
      await expect.poll(() => first.stderr(), { timeout: 90_000, interval: 500 }).toMatch(/storage: cannot save \((disk full|input\/output error) at /);
      const firstCode = await sigterm(first);
      expect(firstCode, first.stderr()).toBe(0);
      expect(first.stderr()).not.toMatch(/Uncaught|TypeError|RangeError/);

      const second = await startHeadless(dataDir);
      try {
        const res = await fetch(second.url, { redirect: 'manual' });
        expect(res.status).toBe(303); // serving: the token is traded for a cookie
      } finally {
        const code = await sigterm(second);
        expect(code, second.stderr()).toBe(0);
      }
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
      if (filler) rmSync(filler, { force: true });
    }
  }, 180_000);
});
