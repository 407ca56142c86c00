// The only pages the app opens in the system browser: each exchange's API-key page, where the trader
// makes the read-only key MarginWatch asks for (the add-account form links to it). The list is the
// venue catalog's, so a new exchange brings its page with its descriptor. Anything else is refused.
import { VENUE_CATALOG, type VenueDescriptor } from '../../src/venues/catalog';

export const EXTERNAL_LINK_ALLOW_LIST: readonly string[] = [
  ...new Set((VENUE_CATALOG as readonly VenueDescriptor[]).flatMap((venue) => (venue.keyPage ? [venue.keyPage] : []))),
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
