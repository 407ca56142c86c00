// Names shared by the main process and the preload (no Electron import here).
export const IPC_CALL = 'monitor:call';
export const IPC_EVENT = 'monitor:event';
/** The custom scheme the renderer is served from in production (CSP header set by us). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'marginwatch';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Same policy as headless mode: only our own scripts and styles, no remote connections. */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
