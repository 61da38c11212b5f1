import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { resolveSession, tokenFromRequest } from '../../auth/index.js';

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

export type OpsCaller = { ok: true; via: 'metrics-token' } | { ok: true; via: 'session'; role: 'ops' | 'admin' } | { ok: false; status: 401 | 403 | 404 };

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Who may see ops surfaces that live outside Nest's guarded routes (/metrics, the queue board):
 * a session (bearer or the login cookie) of an ops or admin user, or — when `metricsToken` is
 * given — the METRICS_TOKEN as bearer or X-Metrics-Token. Other roles get `forbiddenStatus`.
 */
export async function opsCaller(
  req: Pick<Request, 'headers'> & { cookies?: Record<string, string> },
  db: Queryable,
  opts: { metricsToken?: string; forbiddenStatus?: 403 | 404 } = {},
): Promise<OpsCaller> {
  const header = req.headers['x-metrics-token'];
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (opts.metricsToken) {
    if (typeof header === 'string' && sameSecret(header, opts.metricsToken)) return { ok: true, via: 'metrics-token' };
    if (bearer && sameSecret(bearer, opts.metricsToken)) return { ok: true, via: 'metrics-token' };
  }
  const token = tokenFromRequest(req);
  if (!token) return { ok: false, status: 401 };
  const user = await resolveSession(db, token);
  if (!user) return { ok: false, status: 401 };
  if (user.role !== 'ops' && user.role !== 'admin') return { ok: false, status: opts.forbiddenStatus ?? 403 };
  return { ok: true, via: 'session', role: user.role };
}
