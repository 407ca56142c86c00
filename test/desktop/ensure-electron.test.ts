// `npm start` first runs scripts/ensure-electron.mjs: it fetches the Electron runtime once, and
// where that cannot be downloaded it stops with a clear message pointing to headless mode.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness';

const SCRIPT = join(REPO_ROOT, 'scripts', 'ensure-electron.mjs');
let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** A stand-in electron package whose install.js does what `installer` says (and leaves a trace). */
function fakeElectronPackage(installer: string, installed = false): string {
  dir = mkdtempSync(join(tmpdir(), 'mw-ensure-electron-'));
  writeFileSync(join(dir, 'package.json'), '{"name":"electron","version":"0.0.0"}');
  writeFileSync(
    join(dir, 'install.js'),
    `require('fs').writeFileSync(require('path').join(__dirname, 'install-ran'), String(process.env.ELECTRON_SKIP_BINARY_DOWNLOAD));\n${installer}\n`,
  );
  if (installed) {
    writeFileSync(join(dir, 'path.txt'), 'electron');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
  }
  return dir;
}

function ensure(electronDir: string) {
  return spawnSync(process.execPath, [SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, MARGINWATCH_ELECTRON_PACKAGE_DIR: electronDir, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
}

describe('npm start without a downloadable Electron runtime', () => {
  it('npm start runs the check before anything else', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^node scripts\/ensure-electron\.mjs && /);
    expect(pkg.scripts.dev).toMatch(/^node scripts\/ensure-electron\.mjs && /);
  });

  it('a failed download stops with a message pointing to headless mode', () => {
    const pkg = fakeElectronPackage("console.error('getaddrinfo ENOTFOUND github.com'); process.exit(1);");
    const run = ensure(pkg);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Downloading the Electron runtime (first start only)');
    expect(run.stderr).toContain('Could not download Electron (no internet?)');
    expect(run.stderr).toContain('`npm run headless` runs the same monitor and UI in your browser');
    // The installer ran with downloads allowed, whatever the environment said.
    expect(readFileSync(join(pkg, 'install-ran'), 'utf8')).toBe('undefined');
  });

  it('an installer that exits 0 without leaving the runtime is a failure too', () => {
    const run = ensure(fakeElectronPackage('process.exit(0);'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('npm run headless');
  });

  it('with the runtime present it does nothing', () => {
    const pkg = fakeElectronPackage('process.exit(1);', true);
    const run = ensure(pkg);
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe('');
    expect(existsSync(join(pkg, 'install-ran'))).toBe(false);
  });
});
