// A small real filesystem for disk-full and read-only tests: a tmpfs mounted on a fresh folder.
// Needs root (CI runs as root). Where mounting is impossible the test is skipped with the reason
// printed, except where system tests are required (CI=true, see test/support/systemTools.ts), where
// not being able to mount is a failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemTestsRequired } from '../support/systemTools';

export interface Tmpfs {
  dir: string;
  remount(options: string): void;
  unmount(): void;
}

export function tryMountTmpfs(sizeBytes: number): Tmpfs | { skip: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mw-tmpfs-'));
  const why = (() => {
    if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
    if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (CI runs as root)';
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
      return null;
    } catch (error) {
      return `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
    }
  })();
  if (why !== null) {
    rmSync(dir, { recursive: true, force: true });
    if (systemTestsRequired()) throw new Error(`CI requires this test, but it cannot mount a tmpfs: ${why}`);
    console.warn(`SKIPPED (visible reason): ${why}`);
    return { skip: why };
  }
  return {
    dir,
    remount: (options) => execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'pipe' }),
    unmount: () => {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
