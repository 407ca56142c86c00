// Hash routes (#/alerts, #/account/ID ...): work the same from file:// (desktop) and http (headless).
export type Route =
  | { view: 'dashboard' }
  /** `subject`: the danger subject to open (machine key, e.g. "position:BTCUSDT:long"). */
  | { view: 'account'; accountId: string; subject?: string }
  | { view: 'whatif'; accountId: string | null }
  | { view: 'alerts' }
  | { view: 'history'; accountId: string | null }
  | { view: 'settings' };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((p) => decodeURIComponent(p));
  switch (parts[0]) {
    case 'account':
      if (!parts[1]) return { view: 'dashboard' };
      return parts[2]
        ? { view: 'account', accountId: parts[1], subject: parts[2] }
        : { view: 'account', accountId: parts[1] };
    case 'whatif':
      return { view: 'whatif', accountId: parts[1] || null };
    case 'alerts':
      return { view: 'alerts' };
    case 'history':
      return { view: 'history', accountId: parts[1] || null };
    case 'settings':
      return { view: 'settings' };
    default:
      return { view: 'dashboard' };
  }
}

export function href(route: Route): string {
  switch (route.view) {
    case 'dashboard':
      return '#/';
    case 'account':
      return `#/account/${encodeURIComponent(route.accountId)}${route.subject ? `/${encodeURIComponent(route.subject)}` : ''}`;
    case 'whatif':
      return route.accountId ? `#/whatif/${encodeURIComponent(route.accountId)}` : '#/whatif';
    case 'history':
      return route.accountId ? `#/history/${encodeURIComponent(route.accountId)}` : '#/history';
    default:
      return `#/${route.view}`;
  }
}

export class Router {
  route = $state<Route>(parseRoute(location.hash));
  constructor() {
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash);
    });
  }
}
