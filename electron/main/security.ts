// Lock the renderer down: our own origin only, no new windows, no navigation away, CSP on every
// response, no permissions, and IPC accepted only from our main frame.
import { protocol, session, shell, type WebContents, type WebFrameMain } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME, RENDERER_CSP } from '../shared';
import { isAllowedExternalLink } from './externalLinks';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer from app://marginwatch/ with our CSP header; nothing outside its folder. */
export function serveRenderer(rendererDir: string): void {
  const root = resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname).replace(
      /^\/+/,
      '',
    );
    const full = resolve(join(root, normalize(relative)));
    if (!full.startsWith(root + sep)) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(full);
      return new Response(body, {
        headers: {
          'Content-Type': CONTENT_TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream',
          'Content-Security-Policy': RENDERER_CSP,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

/** In development the renderer comes from the Vite dev server: add the CSP header there too. */
export function applyDevCsp(devUrl: string): void {
  const devOrigin = new URL(devUrl).origin;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    if (details.url.startsWith(devOrigin)) {
      // Vite's HMR client needs its websocket and inline styles in dev only.
      headers['Content-Security-Policy'] = [
        `${RENDERER_CSP.replace("connect-src 'self'", `connect-src 'self' ws://${new URL(devUrl).host}`).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")}`,
      ];
    }
    callback({ responseHeaders: headers });
  });
}

export function isTrustedOrigin(url: string, devUrl: string | undefined): boolean {
  try {
    const parsed = new URL(url);
    // Node's URL gives custom schemes the opaque origin "null", so app:// is matched by its parts.
    if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username && !parsed.port) return true;
    return devUrl !== undefined && parsed.origin === new URL(devUrl).origin;
  } catch {
    return false;
  }
}

/** IPC from anything but our own top-level page is refused. */
export function isTrustedSender(frame: WebFrameMain | null, devUrl: string | undefined): boolean {
  return frame !== null && frame.parent === null && isTrustedOrigin(frame.url, devUrl);
}

/** Allow-listed pages (externalLinks.ts) go to the system browser; nothing else leaves the app. */
function openOutside(url: string): void {
  if (isAllowedExternalLink(url)) void shell.openExternal(url);
}

export function lockNavigation(contents: WebContents, devUrl: string | undefined): void {
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isTrustedOrigin(url, devUrl)) return;
    event.preventDefault();
    openOutside(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedOrigin(url, devUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // Camera, notifications-from-the-page, geolocation, clipboard...: the UI needs none of them.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
