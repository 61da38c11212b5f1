import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, ProblemException, type AppConfig } from '../../../../libs/shared/src/index.js';

const WINDOW_MS = 60_000;

/**
 * General per-client rate limit (RATE_LIMIT_PER_MINUTE, fixed one-minute windows, per process).
 * Written here rather than with @nestjs/throttler 6: that package is CommonJS and requires the
 * ESM-only @nestjs/common 12, which Jest's ESM runtime cannot load. Same semantics as its
 * default in-memory storage; the default limit is sized so a CRM or a benchmark is not refused.
 */
@Injectable()
export class RateLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Counts one request of `client`; throws 429 with Retry-After past the limit. */
  hit(client: string, now = Date.now()): void {
    if (now - this.windowStart >= WINDOW_MS) {
      // One shared window for all clients keeps the map from growing without bound.
      this.windowStart = now;
      this.counts = new Map();
    }
    const n = (this.counts.get(client) ?? 0) + 1;
    this.counts.set(client, n);
    if (n > this.config.RATE_LIMIT_PER_MINUTE) {
      const retryAfter = Math.max(1, Math.ceil((this.windowStart + WINDOW_MS - now) / 1000));
      throw ProblemException.of(429, 'rate-limited', 'Too many requests; slow down.', {}, { 'Retry-After': String(retryAfter) });
    }
  }
}
