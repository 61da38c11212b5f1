import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file the web UI may fetch: its absolute path on disk and how to send it. */
export interface WebAsset {
  file: string;
  contentType: string;
  /** Vendor files never change for a given install; the app's own files may change on each deploy. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

// Exactly these files from node_modules are served (never the folder itself): URL name → package path.
const VENDOR: Record<string, string> = {
  'vendor/preact.mjs': 'preact/dist/preact.mjs',
  'vendor/preact-hooks.mjs': 'preact/hooks/dist/hooks.mjs',
  'vendor/htm.mjs': 'htm/dist/htm.mjs',
  'vendor/htm-preact.mjs': 'htm/preact/index.mjs',
  'vendor/chart.umd.min.js': 'chart.js/dist/chart.umd.min.js',
};

/** The repository root, found from this file both in `apps/api/src/web` (ts) and `dist/apps/api/src/web` (js). */
export function findRepoRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'apps', 'web', 'static', 'index.html')) && existsSync(join(dir, 'node_modules'))) return dir;
    if (dirname(dir) === dir) break;
  }
  // Fallback for unusual layouts (e.g. a bundled deploy): the working directory.
  return process.cwd();
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/**
 * The allow-list of web files, keyed by their path under `/app/`. Requests are looked up in this
 * map, so no request path ever reaches the file system (no traversal).
 */
export function collectWebAssets(root = findRepoRoot()): Map<string, WebAsset> {
  const assets = new Map<string, WebAsset>();
  const staticDir = join(root, 'apps', 'web', 'static');
  for (const file of walk(staticDir)) {
    const type = TYPES[extname(file)];
    if (!type) continue;
    assets.set(relative(staticDir, file).split(sep).join('/'), { file, contentType: type, immutable: false });
  }
  for (const [name, pkgPath] of Object.entries(VENDOR)) {
    const file = join(root, 'node_modules', pkgPath);
    if (existsSync(file)) assets.set(name, { file, contentType: TYPES[extname(file)] ?? 'application/octet-stream', immutable: true });
  }
  return assets;
}

/** A strict Content-Security-Policy for the pages: only our own scripts plus the inline import map, by hash. */
export function contentSecurityPolicy(indexHtml: string): string {
  const hashes = [...indexHtml.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function readAsset(asset: WebAsset): Buffer {
  return readFileSync(asset.file);
}
