import type { NextFunction, Request, Response } from 'express';
import { ProblemException, toProblem, type AppConfig } from '../../../../libs/shared/src/index.js';
import { SESSION_COOKIE } from './session.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SESSION_COOKIE_IN_HEADER = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=`);

/**
 * Why a request is a cross-site write riding on the session cookie (#19.6), or null when it is
 * not one. Only writes (not GET/HEAD/OPTIONS) that carry the session cookie and no Authorization
 * header are judged: a bearer token is not sent by the browser on its own, so it is no ambient
 * authority. Such a write must come from this server's own pages:
 * - `Sec-Fetch-Site` (set by the browser, unforgeable by a page) is `same-origin`, or names a
 *   site whose Origin is in CORS_ORIGINS;
 * - without fetch metadata (older browsers), `Origin` is this server's own origin or in CORS_ORIGINS;
 * - with neither header it is refused: every browser sends Origin on a cross-origin write, and
 *   scripts and integrations authenticate with the bearer token, not the cookie.
 */
export function crossSiteWrite(req: Request, allowedOrigins: ReadonlySet<string>): string | null {
  if (SAFE_METHODS.has(req.method)) return null;
  if (req.headers.authorization !== undefined) return null;
  const cookie = req.headers.cookie;
  if (typeof cookie !== 'string' || !SESSION_COOKIE_IN_HEADER.test(cookie)) return null;

  const site = header(req, 'sec-fetch-site');
  const origin = header(req, 'origin');
  if (site === 'same-origin') return null;
  if (origin && origin !== 'null' && allowedOrigins.has(origin)) return null;
  if (site) return `Sec-Fetch-Site is ${site}`;
  if (!origin) return 'neither Sec-Fetch-Site nor Origin was sent';
  if (origin !== 'null' && origin === ownOrigin(req)) return null;
  return `Origin ${origin} is not this server`;
}

/** Express middleware: refuses cookie-authenticated cross-site writes with a 403 problem before any body is read. */
export function sameOriginWrites(config: Pick<AppConfig, 'CORS_ORIGINS'>, log?: (fields: object, msg: string) => void) {
  const allowed = new Set((config.CORS_ORIGINS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  return (req: Request, res: Response, next: NextFunction) => {
    const reason = crossSiteWrite(req, allowed);
    if (!reason) return next();
    log?.({ method: req.method, url: req.originalUrl.split('?')[0], origin: header(req, 'origin') ?? null, secFetchSite: header(req, 'sec-fetch-site') ?? null }, 'refused a cross-site write with the session cookie');
    const { body } = toProblem(
      ProblemException.of(403, 'cross-site-request', 'A change made with the session cookie must come from Closeness’s own pages. Scripts and integrations send the bearer token (Authorization: Bearer …) instead.'),
    );
    const text = JSON.stringify(body);
    res.statusCode = 403;
    res.setHeader('content-type', 'application/problem+json');
    res.setHeader('content-length', Buffer.byteLength(text));
    res.setHeader('cache-control', 'no-store');
    res.end(text);
  };
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v.trim().toLowerCase() : undefined;
}

// Express resolves protocol and host through `trust proxy` (loopback), as the rest of the app does.
function ownOrigin(req: Request): string | null {
  const host = req.host;
  return host ? `${req.protocol}://${host}`.toLowerCase() : null;
}
