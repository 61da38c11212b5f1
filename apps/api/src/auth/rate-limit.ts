import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, ProblemException, type AppConfig } from '../../../../libs/shared/src/index.js';
import { sha256Hex, tokenFromRequest } from './session.js';

const WINDOW_MS = 60_000;
// A credential the guard accepted is remembered this long (refreshed on every accepted use).
const TRUST_MS = 5 * 60_000;
const TRUST_MAX = 50_000;

type Known = { kind: 'user' | 'source'; id: string; until: number };
type CallerRequest = Request & { user?: { id: string }; source?: { id: string } };

/**
 * General per-client rate limit (RATE_LIMIT_PER_MINUTE, fixed one-minute windows, per process).
 * Written here rather than with @nestjs/throttler 6: that package is CommonJS and requires the
 * ESM-only @nestjs/common 12, which Jest's ESM runtime cannot load.
 *
 * The client is the signed-in user once the guard has accepted their token, else the address.
 * Source tokens the guard accepted and authentic webhooks are not counted (the contract needs
 * their throughput); a refused webhook counts against its address. The limit applies before the
 * body is read. README "Rate limits" has the policy.
 */
@Injectable()
export class RateLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();
  private readonly known = new Map<string, Known>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private roll(now: number) {
    if (now - this.windowStart >= WINDOW_MS) {
      // One shared window for all clients keeps the map from growing without bound.
      this.windowStart = now;
      this.counts = new Map();
    }
  }

  private refuse(now: number): never {
    const retryAfter = Math.max(1, Math.ceil((this.windowStart + WINDOW_MS - now) / 1000));
    throw ProblemException.of(429, 'rate-limited', 'Too many requests; slow down.', {}, { 'Retry-After': String(retryAfter) });
  }

  /** Counts one request of `client`; throws 429 with Retry-After past the limit. */
  hit(client: string, now = Date.now()): void {
    this.roll(now);
    const n = (this.counts.get(client) ?? 0) + 1;
    this.counts.set(client, n);
    if (n > this.config.RATE_LIMIT_PER_MINUTE) this.refuse(now);
  }

  /** Throws 429 when `client` is already past the limit; counts nothing. */
  check(client: string, now = Date.now()): void {
    this.roll(now);
    if ((this.counts.get(client) ?? 0) >= this.config.RATE_LIMIT_PER_MINUTE) this.refuse(now);
  }

  /** Counts one request of `client` after the fact (e.g. a refused webhook). */
  count(client: string, now = Date.now()): void {
    this.roll(now);
    this.counts.set(client, (this.counts.get(client) ?? 0) + 1);
  }

  /** Remembers that the guard accepted the credential with this hash. */
  trust(credential: string, kind: Known['kind'], id: string, now = Date.now()): void {
    if (this.known.size >= TRUST_MAX) this.known.clear();
    this.known.delete(credential);
    this.known.set(credential, { kind, id, until: now + TRUST_MS });
  }

  forget(credential: string): void {
    this.known.delete(credential);
  }

  /** Who a credential belongs to, if the guard accepted it lately. */
  knownAs(credential: string, now = Date.now()): Known | undefined {
    const k = this.known.get(credential);
    if (k && k.until < now) {
      this.known.delete(credential);
      return undefined;
    }
    return k;
  }

  /** Webhooks: an address past the limit is refused; only refused deliveries count. */
  webhookMiddleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const client = `ip:${req.ip ?? 'unknown'}`;
      try {
        this.check(client);
      } catch (err) {
        return next(err);
      }
      res.once('finish', () => {
        if (res.statusCode === 401) this.count(client);
      });
      next();
    };
  }

  /** The limit as middleware for the API routes (ahead of the body parser). */
  middleware() {
    return (req: CallerRequest, res: Response, next: NextFunction) => {
      const token = tokenFromRequest(req);
      const credential = token && token.length <= 512 ? sha256Hex(token) : undefined;
      const who = credential ? this.knownAs(credential) : undefined;
      try {
        if (who?.kind !== 'source') this.hit(who ? `user:${who.id}` : `ip:${req.ip ?? 'unknown'}`);
      } catch (err) {
        return next(err);
      }
      if (credential) {
        res.once('finish', () => {
          if (req.user) this.trust(credential, 'user', req.user.id);
          else if (req.source) this.trust(credential, 'source', req.source.id);
          else if (res.statusCode === 401) this.forget(credential);
        });
      }
      next();
    };
  }
}
