import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, ProblemException, type AppConfig } from '../../../../libs/shared/src/index.js';
import { sha256Hex } from './session.js';

const WINDOW = `interval '15 minutes'`;

/**
 * Failed-login throttling per IP and per e-mail, kept in Postgres so it holds across api
 * processes (and keeps working when Redis is away). Each attempt is counted *before* the
 * password is checked, in one atomic upsert, so parallel guesses cannot slip past the limit;
 * a successful login gives its attempt back.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  keys(ip: string | null, email: string): string[] {
    return [`ip:${sha256Hex(ip ?? 'unknown')}`, `email:${sha256Hex(email.trim().toLowerCase())}`];
  }

  /** Counts the attempt; throws 429 (with Retry-After) when a key is over the limit. */
  async reserve(keys: string[]): Promise<void> {
    const rows: { failures: number; retry_after: number }[] = await this.db.query(
      `INSERT INTO login_attempts AS a (key, failures, window_started_at)
       SELECT k, 1, now() FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN a.window_started_at <= now() - ${WINDOW} THEN 1 ELSE a.failures + 1 END,
         window_started_at = CASE WHEN a.window_started_at <= now() - ${WINDOW} THEN now() ELSE a.window_started_at END
       RETURNING failures, greatest(1, ceil(extract(epoch FROM window_started_at + ${WINDOW} - now())))::int AS retry_after`,
      [keys],
    );
    const blocked = rows.filter((r) => r.failures > this.config.LOGIN_ATTEMPTS_PER_15_MIN);
    if (blocked.length > 0) {
      const retryAfter = Math.max(...blocked.map((r) => r.retry_after));
      throw ProblemException.of(429, 'too-many-login-attempts', 'Too many failed logins; try again later.', {}, { 'Retry-After': String(retryAfter) });
    }
  }

  /** A successful login: the e-mail's counter starts over and the IP gets its attempt back. */
  async succeeded(keys: string[]): Promise<void> {
    const [ipKey, emailKey] = keys;
    await this.db.query(`DELETE FROM login_attempts WHERE key = $1`, [emailKey]);
    await this.db.query(`UPDATE login_attempts SET failures = greatest(failures - 1, 0) WHERE key = $1`, [ipKey]);
    // Housekeeping: windows long over count for nothing.
    await this.db.query(`DELETE FROM login_attempts WHERE window_started_at < now() - interval '1 hour'`);
  }
}
