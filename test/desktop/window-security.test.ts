// The desktop window's lock-down: isolated sandboxed renderer without Node, CSP on what it loads,
// no navigation / redirect / new window / webview, every permission denied, and only allow-listed
// pages opened in the system browser.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN, APP_SCHEME, RENDERER_CSP } from '../../electron/shared';
import { EXTERNAL_LINK_ALLOW_LIST, isAllowedExternalLink } from '../../electron/main/externalLinks';
import { VENUE_CATALOG, type VenueDescriptor } from '../../src/venues/catalog';
import { state } from './fakeElectron';
import { desktopPerTest, FakeMonitor } from './harness';

vi.mock('electron', async () => (await import('./fakeElectron')).electronModule());
vi.mock('../../src/service', async (original) => (await import('./harness')).mockedService(await original()));
const boot = desktopPerTest();

describe('main window', () => {
  it('is isolated, sandboxed, without Node or webviews, loads our origin, and hides instead of closing', async () => {
    const desktop = await boot({ monitor: new FakeMonitor() });
    const win = desktop.window();
    expect(win.options.webPreferences).toEqual({
      preload: expect.stringMatching(/[/\\]preload[/\\]index\.cjs$/),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    });
    expect(win.loadedUrl).toBe(`${APP_ORIGIN}/index.html`);
    expect(win.visible).toBe(true);
    // The app scheme is registered as privileged before the app is ready (Electron requires it).
    const log = state().log;
    expect(log.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(log.indexOf('app.ready'));
    expect(state().privilegedSchemes).toEqual([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('refuses navigation, redirects, new windows and webviews away from our origin', async () => {
    const desktop = await boot({ monitor: new FakeMonitor() });
    const contents = desktop.window().webContents;
    for (const url of ['https://evil.example/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)']) {
      expect(contents.fire('will-navigate', url), url).toBe(true);
      expect(contents.fire('will-redirect', url), url).toBe(true);
      expect(contents.windowOpenHandler!({ url }), url).toEqual({ action: 'deny' });
    }
    expect(contents.fire('will-navigate', `${APP_ORIGIN}/index.html#/alerts`)).toBe(false);
    expect(contents.windowOpenHandler!({ url: `${APP_ORIGIN}/index.html` })).toEqual({ action: 'deny' });
    expect(contents.fire('will-attach-webview', {}, { src: `${APP_ORIGIN}/` })).toBe(true);
    expect(state().openedExternally).toEqual([]);
  });

  it('denies every permission request and permission check', async () => {
    const desktop = await boot({ monitor: new FakeMonitor() });
    const { permissionRequestHandler, permissionCheckHandler } = state();
    for (const permission of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const answers: boolean[] = [];
      permissionRequestHandler!(desktop.window().webContents, permission, (granted: boolean) => answers.push(granted), {});
      expect(answers, permission).toEqual([false]);
      expect(permissionCheckHandler!(desktop.window().webContents, permission, APP_ORIGIN, {}), permission).toBe(false);
    }
  });

  it('opens only allow-listed pages (the exchanges\' API-key pages) in the system browser', async () => {
    const desktop = await boot({ monitor: new FakeMonitor() });
    const contents = desktop.window().webContents;
    const allowed = ['https://www.binance.com/en/my/settings/api-management', 'https://www.okx.com/account/my-api?tab=1', 'https://www.deribit.com/account/BTC/api'];
    const refused = [
      'https://evil.example/',
      'http://www.binance.com/en/my/settings/api-management',
      'https://www.binance.com.evil.example/en/my/settings/api-management',
      'https://www.binance.com/en/my/settings/api-management-phish',
      'https://user@www.okx.com/account/my-api',
      'https://www.okx.com:8443/account/my-api',
      'https://www.binance.com/en/futures/BTCUSDT',
      'https://github.com/marginwatch/marginwatch/blob/main/docs/DESKTOP.md',
    ];
    for (const url of [...allowed, ...refused]) expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    expect(contents.fire('will-navigate', 'https://www.bybit.com/app/user/api-management')).toBe(true);
    expect(state().openedExternally).toEqual([...allowed, 'https://www.bybit.com/app/user/api-management']);
    for (const url of refused) expect(isAllowedExternalLink(url), url).toBe(false);
    for (const url of EXTERNAL_LINK_ALLOW_LIST) expect(isAllowedExternalLink(url), url).toBe(true);
  });

  it('allows exactly the key pages the venue catalog declares, one for every venue that asks for a key', () => {
    const venues = VENUE_CATALOG as readonly VenueDescriptor[];
    for (const venue of venues.filter((v) => v.needsKey)) {
      expect(venue.keyPage, venue.id).toMatch(/^https:\/\//);
      expect(isAllowedExternalLink(venue.keyPage!), venue.id).toBe(true);
    }
    expect([...EXTERNAL_LINK_ALLOW_LIST].sort()).toEqual([...new Set(venues.flatMap((v) => (v.keyPage ? [v.keyPage] : [])))].sort());
  });
});

describe('content security policy', () => {
  it('every file of the packaged renderer is served with the CSP, nothing outside its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-renderer-'));
    try {
      mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
      writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>MarginWatch</title>');
      writeFileSync(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
      writeFileSync(join(dir, 'secret.txt'), 'outside');
      const { serveRenderer } = await import('../../electron/main/security');
      serveRenderer(join(dir, 'renderer'));
      const handler = state().protocolHandlers.get(APP_SCHEME)!;
      for (const path of ['/', '/index.html', '/assets/app.js']) {
        const res = await handler(new Request(`${APP_ORIGIN}${path}`));
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-security-policy'), path).toBe(RENDERER_CSP);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      }
      for (const url of [`${APP_ORIGIN}/..%2fsecret.txt`, `${APP_ORIGIN}/%2e%2e/secret.txt`, 'app://other/index.html']) {
        expect((await handler(new Request(url))).status, url).toBe(404);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the policy allows only our own scripts, styles and connections', () => {
    const directives = new Map(RENDERER_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(RENDERER_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
  });

  it('in development the dev server responses get the same policy plus only what HMR needs', async () => {
    const desktop = await boot({ monitor: new FakeMonitor(), devUrl: 'http://localhost:5173' });
    expect(desktop.window().loadedUrl).toBe('http://localhost:5173');
    const answers: Array<{ responseHeaders: Record<string, string[]> }> = [];
    state().headersReceived!({ url: 'http://localhost:5173/src/main.ts', responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => answers.push(r));
    const csp = answers[0]!.responseHeaders['Content-Security-Policy']![0]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' ws://localhost:5173");
    expect(csp).not.toContain('unsafe-eval');
    // The dev origin is trusted for IPC in development, a foreign one still is not.
    expect((await desktop.invoke('state.get')).ok).toBe(true);
    expect((await desktop.invoke('state.get', {}, { url: 'http://localhost:5174/', parent: null })).ok).toBe(false);
  });

  it('in development without the Electron build of better-sqlite3, start-up stops with the command to run', async () => {
    await boot({ monitor: new FakeMonitor(), withoutElectronBinding: true });
    expect(state().app.exitCode).toBe(1);
    expect(state().errorBoxes).toEqual([{ title: 'MarginWatch could not start', content: expect.stringContaining('node scripts/prepare-electron-native.mjs') }]);
    expect(state().windows).toEqual([]);
  });
});
