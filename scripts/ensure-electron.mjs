// Makes sure the Electron binary is present before `npm start` / `npm run dev`.
// package.json#allowScripts denies electron's own postinstall download so that `npm install` also
// succeeds on machines without internet (CI, headless servers); the desktop app fetches it here,
// on first start, through electron's own installer.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// The override lets the test (test/desktop/ensure-electron.test.ts) use a stand-in electron package.
const electronDir = process.env.MARGINWATCH_ELECTRON_PACKAGE_DIR ?? dirname(require.resolve('electron/package.json'));

function installed() {
  try {
    const pathTxt = readFileSync(join(electronDir, 'path.txt'), 'utf8');
    return existsSync(join(electronDir, 'dist', pathTxt));
  } catch {
    return false;
  }
}

if (!installed()) {
  console.log('Downloading the Electron runtime (first start only)...');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit', env });
  if (result.status !== 0 || !installed()) {
    console.error(
      'Could not download Electron (no internet?). The desktop app needs it once; ' +
        'meanwhile `npm run headless` runs the same monitor and UI in your browser.',
    );
    process.exit(1);
  }
}
