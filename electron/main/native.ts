// better-sqlite3's native ABI: plain Node (tests, headless) uses node_modules' build; the desktop app
// in development uses the copy scripts/prepare-electron-native.mjs built for Electron; packaged builds
// use the binding electron-builder rebuilt. See docs/DESKTOP.md.
import { app } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ELECTRON_BINDING_RELATIVE = join('build', 'native', 'electron', 'better_sqlite3.node');

/** Path to pass as createMonitor({ nativeBinding }), or undefined to use the default binding. */
export function electronNativeBinding(appRoot: string): string | undefined {
  if (app.isPackaged) return undefined;
  const candidate = join(appRoot, ELECTRON_BINDING_RELATIVE);
  if (existsSync(candidate)) return candidate;
  throw new Error(
    `better-sqlite3 has no Electron build at ${candidate}. Run "node scripts/prepare-electron-native.mjs" (npm start does) with internet access.`,
  );
}
