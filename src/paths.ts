// Where MarginWatch keeps its files: the per-user app-data folder, as Electron's app.getPath('userData')
// would resolve it, so the desktop and headless shells share one data directory.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_FOLDER = 'MarginWatch';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_FOLDER);
}

/** `--data-dir` beats `MARGINWATCH_DATA_DIR` beats the OS default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.MARGINWATCH_DATA_DIR || defaultDataDir(env);
}

export function databaseFile(dataDir: string): string {
  return join(dataDir, 'marginwatch.sqlite');
}

export function vaultKeyFile(dataDir: string): string {
  return join(dataDir, 'vault.key');
}
