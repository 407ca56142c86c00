// The system-tool check that lets suites needing Xvfb/dunst/D-Bus/Chromium skip on a developer's
// machine (naming the Debian package) but fail under CI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkSystemTools, chromiumPath, missingTools, systemTestsRequired } from '../../support/systemTools';

const bin = mkdtempSync(join(tmpdir(), 'mw-tools-'));
writeFileSync(join(bin, 'Xvfb'), '#!/bin/sh\n', { mode: 0o755 });
writeFileSync(join(bin, 'dunst'), 'not executable', { mode: 0o644 });
afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe('system tool detection', () => {
  it('finds executables on PATH only', () => {
    expect(missingTools(['xvfb', 'dunst', 'chromium'], { PATH: bin }).map((t) => t.command)).toEqual(['dunst', 'chromium']);
    expect(chromiumPath({ PATH: bin, CHROMIUM_PATH: join(bin, 'Xvfb') })).toBe(join(bin, 'Xvfb'));
    expect(chromiumPath({ PATH: bin })).toBeNull();
  });

  it('is required under CI=true or MARGINWATCH_REQUIRE_SYSTEM_TESTS=1 only', () => {
    expect(systemTestsRequired({})).toBe(false);
    expect(systemTestsRequired({ CI: 'false' })).toBe(false);
    expect(systemTestsRequired({ CI: 'true' })).toBe(true);
    expect(systemTestsRequired({ MARGINWATCH_REQUIRE_SYSTEM_TESTS: '1' })).toBe(true);
  });

  it('skips with a printed reason naming the Debian packages, or throws when required', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(checkSystemTools('suite', ['xvfb'], { PATH: bin })).toEqual({ skip: false, reason: null });
      const skipped = checkSystemTools('OS notification', ['dunst', 'dbusRunSession', 'dbusDaemon'], { PATH: bin });
      expect(skipped.skip).toBe(true);
      expect(skipped.reason).toBe(
        'OS notification needs dunst, dbus-run-session, dbus-daemon — install the Debian packages: sudo apt-get install dunst dbus',
      );
      expect(warn).toHaveBeenCalledWith(`[system tests skipped] ${skipped.reason}`);
      expect(() => checkSystemTools('OS notification', ['dunst'], { PATH: bin, CI: 'true' })).toThrow(/apt-get install dunst.*required/);
    } finally {
      warn.mockRestore();
    }
  });
});
