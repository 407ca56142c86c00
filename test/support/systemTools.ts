// Suites that drive real system software (a virtual X display, a notification server, a D-Bus
// session, Chromium) look it up here. On a developer's machine without it they skip and say which
// Debian package to install; under CI=true or MARGINWATCH_REQUIRE_SYSTEM_TESTS=1 a missing tool
// fails the run instead, so CI (which installs them in .ci/run) can never pass by skipping.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export interface SystemTool {
  /** The command as run by the tests. */
  command: string;
  /** The Debian package that provides it. */
  debianPackage: string;
}

export const SYSTEM_TOOLS = {
  xvfb: { command: 'Xvfb', debianPackage: 'xvfb' },
  dunst: { command: 'dunst', debianPackage: 'dunst' },
  dbusDaemon: { command: 'dbus-daemon', debianPackage: 'dbus' },
  dbusRunSession: { command: 'dbus-run-session', debianPackage: 'dbus' },
  dbusMonitor: { command: 'dbus-monitor', debianPackage: 'dbus' },
  dbusSend: { command: 'dbus-send', debianPackage: 'dbus' },
  notifySend: { command: 'notify-send', debianPackage: 'libnotify-bin' },
  chromium: { command: 'chromium', debianPackage: 'chromium' },
} as const satisfies Record<string, SystemTool>;

export type SystemToolName = keyof typeof SYSTEM_TOOLS;

type Env = Record<string, string | undefined>;

/** Missing tools must fail the run (CI, or a developer who asks for it). */
export function systemTestsRequired(env: Env = process.env): boolean {
  return env.CI === 'true' || env.CI === '1' || env.MARGINWATCH_REQUIRE_SYSTEM_TESTS === '1';
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of `command` on PATH (or the path itself when absolute and executable), else null. */
export function findOnPath(command: string, env: Env = process.env): string | null {
  if (isAbsolute(command)) return executable(command) ? command : null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, command))) return join(dir, command);
  }
  return null;
}

/** The Chromium the e2e tests drive: CHROMIUM_PATH when set, else `chromium` on PATH. */
export function chromiumPath(env: Env = process.env): string | null {
  return env.CHROMIUM_PATH ? findOnPath(env.CHROMIUM_PATH, env) : findOnPath(SYSTEM_TOOLS.chromium.command, env);
}

export function missingTools(names: readonly SystemToolName[], env: Env = process.env): SystemTool[] {
  return names
    .filter((name) => (name === 'chromium' ? chromiumPath(env) : findOnPath(SYSTEM_TOOLS[name].command, env)) === null)
    .map((name) => SYSTEM_TOOLS[name]);
}

/** "needs Xvfb, dunst — install the Debian packages: sudo apt-get install xvfb dunst" */
export function describeMissing(missing: readonly SystemTool[]): string {
  const packages = [...new Set(missing.map((t) => t.debianPackage))];
  return `needs ${missing.map((t) => t.command).join(', ')} — install the Debian package${packages.length > 1 ? 's' : ''}: sudo apt-get install ${packages.join(' ')}`;
}

export interface SystemToolCheck {
  /** True when the suite must skip (tools missing, not required). */
  skip: boolean;
  /** Why it skips, naming the packages; null when it runs. */
  reason: string | null;
}

/**
 * Call at a suite's top level: `const tools = checkSystemTools('OS notification', ['xvfb', ...]);`
 * then `describe.skipIf(tools.skip)(...)`. Prints the skip reason so it shows in the test output;
 * throws (failing the file) when the tools are missing but required.
 */
export function checkSystemTools(suite: string, names: readonly SystemToolName[], env: Env = process.env): SystemToolCheck {
  const missing = missingTools(names, env);
  if (missing.length === 0) return { skip: false, reason: null };
  const reason = `${suite} ${describeMissing(missing)}`;
  if (systemTestsRequired(env)) {
    throw new Error(`${reason} (CI=true or MARGINWATCH_REQUIRE_SYSTEM_TESTS=1: system tests are required, so this fails instead of skipping)`);
  }
  console.warn(`[system tests skipped] ${reason}`);
  return { skip: true, reason };
}
