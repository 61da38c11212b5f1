import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { AuthUser, SourceCaller } from '../../../../libs/shared/src/index.js';

/** The web UI's session cookie (httpOnly, SameSite=Lax). */
export const SESSION_COOKIE = 'closeness_session';

/** Source API tokens (sending systems) carry this prefix; user session tokens never do. */
export const SOURCE_TOKEN_PREFIX = 'cls_src_';

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

// 32 random bytes in base64url: exactly 43 characters of the URL-safe alphabet.
const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A new session token: 32 random bytes, base64url. Only its sha256 is stored. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The caller's token: `Authorization: Bearer <token>` first, else the session cookie. */
export function tokenFromRequest(req: Pick<Request, 'headers'> & { cookies?: Record<string, string> }): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : null;
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  return typeof cookie === 'string' && cookie.length > 0 ? cookie : null;
}

/**
 * The user behind a session token, or null when the token is unknown, tampered with, expired,
 * revoked, or its user is disabled. Reusable outside Nest (e.g. the queue dashboard middleware).
 */
export async function resolveSession(db: Queryable, token: string | null | undefined): Promise<AuthUser | null> {
  if (!token || !SESSION_TOKEN.test(token)) return null;
  const rows: any[] = await db.query(
    `SELECT u.id, u.email, u.name, u.role, u.team_lead_id
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL`,
    [sha256Hex(token)],
  );
  if (rows.length === 0) return null;
  const r = rows[0];
  return { id: r.id, email: r.email, name: r.name, role: r.role, teamLeadId: r.team_lead_id ?? null };
}

/**
 * The sending system behind a source API token, or null. The `sources` table belongs to the
 * ingestion module; if it (or its token column) is not there, no source token is valid.
 */
export async function resolveSource(db: Queryable, token: string | null | undefined): Promise<SourceCaller | null> {
  if (!token || !token.startsWith(SOURCE_TOKEN_PREFIX) || token.length > 200) return null;
  try {
    const rows: any[] = await db.query(`SELECT id, name, format FROM sources WHERE api_token_hash = $1 LIMIT 1`, [sha256Hex(token)]);
    if (rows.length === 0) return null;
    return { id: String(rows[0].id), name: String(rows[0].name), format: String(rows[0].format) };
  } catch (err) {
    const code = (err as { code?: string; driverError?: { code?: string } }).code ?? (err as { driverError?: { code?: string } }).driverError?.code;
    if (code === '42P01' || code === '42703') return null; // undefined table / column
    throw err;
  }
}
