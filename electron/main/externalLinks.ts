// The only pages the app opens in the system browser: the exchanges' API-key pages (where a user
// makes the read-only key MarginWatch asks for) and the project's documentation. Anything else a
// page tries to open is refused.
export const PROJECT_DOCS_URL = 'https://github.com/marginwatch/marginwatch/blob/main/docs/';

export const EXTERNAL_LINK_ALLOW_LIST: readonly string[] = [
  'https://www.binance.com/en/my/settings/api-management',
  'https://www.binance.com/my/settings/api-management',
  'https://www.bybit.com/app/user/api-management',
  'https://www.okx.com/account/my-api',
  'https://app.hyperliquid.xyz/API',
  'https://www.deribit.com/account/BTC/api',
  PROJECT_DOCS_URL,
];

/** https only, same host and no port or credentials, and the path is an allowed page or below one. */
export function isAllowedExternalLink(url: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol !== 'https:' || target.username || target.password || target.port) return false;
  return EXTERNAL_LINK_ALLOW_LIST.some((entry) => {
    const allowed = new URL(entry);
    if (target.host !== allowed.host) return false;
    const base = allowed.pathname.replace(/\/$/, '');
    return target.pathname === base || target.pathname.startsWith(`${base}/`);
  });
}
