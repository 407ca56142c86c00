#!/usr/bin/env node
// Builds better-sqlite3's native addon for the installed Electron (its ABI differs from Node's) into
// build/native/electron/better_sqlite3.node, leaving node_modules untouched so tests and headless
// mode keep using the Node build. The desktop main process passes this file as `nativeBinding`.
// Packaged apps don't need it: electron-builder rebuilds native modules for Electron itself.
//
// Order: reuse an up-to-date build → download the prebuilt binary (prebuild-install) → compile
// against Electron's headers (node-gyp). Offline, or without a compiler, it explains and exits 0 so
// the rest of the tool chain still works; the desktop app then says what to run.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const outDir = join(root, 'build', 'native', 'electron');
const outFile = join(outDir, 'better_sqlite3.node');
const stampFile = join(outDir, 'stamp.json');

function say(message) {
  process.stdout.write(`[prepare-electron-native] ${message}\n`);
}

function versionOf(pkg) {
  return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
}

const electronVersion = versionOf('electron');
const sqliteVersion = versionOf('better-sqlite3');
const wanted = {
  electron: electronVersion,
  betterSqlite3: sqliteVersion,
  platform: process.platform,
  arch: process.arch,
};

if (existsSync(outFile) && existsSync(stampFile)) {
  const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  if (JSON.stringify(stamp) === JSON.stringify(wanted)) {
    say(
      `up to date: better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch})`,
    );
    process.exit(0);
  }
}

// Work on a copy so node_modules/better-sqlite3/build (the Node ABI build) is never replaced.
const work = mkdtempSync(join(tmpdir(), 'mw-electron-native-'));
const pkgDir = dirname(require.resolve('better-sqlite3/package.json'));
for (const entry of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) {
  if (existsSync(join(pkgDir, entry))) cpSync(join(pkgDir, entry), join(work, entry), { recursive: true });
}

function run(label, command, args) {
  say(`${label}: ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, {
    cwd: work,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_runtime: 'electron', npm_config_target: electronVersion },
  });
  return result.status === 0 && existsSync(join(work, 'build', 'Release', 'better_sqlite3.node'));
}

const common = [
  '--runtime',
  'electron',
  '--target',
  electronVersion,
  '--arch',
  process.arch,
  '--platform',
  process.platform,
];
let built = run('download prebuilt binary', process.execPath, [
  require.resolve('prebuild-install/bin.js'),
  ...common,
  '--verbose',
]);
if (!built) {
  built = run('compile from source', process.execPath, [
    require.resolve('node-gyp/bin/node-gyp.js'),
    'rebuild',
    '--release',
    `--target=${electronVersion}`,
    `--arch=${process.arch}`,
    '--dist-url=https://electronjs.org/headers',
  ]);
}

if (built) {
  mkdirSync(outDir, { recursive: true });
  copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), outFile);
  writeFileSync(stampFile, JSON.stringify(wanted));
  say(`ready: ${outFile}`);
} else {
  say('SKIPPED: could not download or compile better-sqlite3 for Electron (offline, or no C++ tool chain).');
  say('Headless mode and tests are unaffected. For the desktop app, connect to the internet and run');
  say('  node scripts/prepare-electron-native.mjs');
  say('(npm start and npm run dev run it for you). See docs/DESKTOP.md.');
}
rmSync(work, { recursive: true, force: true });
process.exit(0);
