// Serves the built UI (dist-ui/) without ever leaving its folder.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Hashed asset names can be cached; index.html must not be. */
  immutable: boolean;
}

/** Resolves a URL path inside `root`; null when it is outside, missing or not a file. */
export async function loadStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const full = resolve(join(base, normalize(relative)));
  if (full !== base && !full.startsWith(base + sep)) return null;
  try {
    const info = await stat(full);
    if (!info.isFile()) return null;
    const ext = extname(full).toLowerCase();
    return {
      body: await readFile(full),
      contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
      immutable: relative.startsWith('assets/'),
    };
  } catch {
    return null;
  }
}
