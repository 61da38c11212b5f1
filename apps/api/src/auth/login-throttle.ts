import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, ProblemException, normalizeEmail, type AppConfig } from '../../../../libs/shared/src/index.js';
import { addressOf, counted, decide, KNOWN_ADDRESS_DAYS, PAIR_RESET_SECONDS, WINDOW_SECONDS, type Counter, type ThrottlePolicy } from './login-throttle-policy.js';
import { sha256Hex } from './session.js';

export interface ThrottleKeys {
  pair: string;
  account: string;
  address: string;
  /** In `login_known_addresses`: this account signed in from this address. */
  known: string;
}

const counter = (r: any): Counter => ({ failures: Number(r.failures), windowStartedAt: r.window_started_at ? new Date(r.window_started_at) : null, lastFailureAt: r.last_failure_at ? new Date(r.last_failure_at) : null });

/**
 * Failed-login throttling (policy in login-throttle-policy.ts), kept in Postgres so it holds
 * across api processes and keeps working when Redis is away. Keys are hashes of the normalised
 * e-mail (one account, however it is spelled) and the address. Each attempt is counted *before*
 * the password is checked, under row locks, so parallel guesses cannot slip past a limit; a
 * refused attempt counts nothing; a successful login gives its attempt back.
 */
@Injectable()
export class LoginThrottle {
  private readonly policy: ThrottlePolicy;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.policy = {
      freeFailures: config.LOGIN_FREE_FAILURES,
      backoffMaxSeconds: config.LOGIN_BACKOFF_MAX_SECONDS,
      accountCeiling: config.LOGIN_FAILURES_PER_ACCOUNT_15_MIN,
      addressCeiling: config.LOGIN_FAILURES_PER_ADDRESS_15_MIN,
    };
  }

  keys(ip: string | null, email: string): ThrottleKeys {
    const account = normalizeEmail(email);
    const address = addressOf(ip);
    const pair = sha256Hex(`${account}\n${address}`);
    return { pair: `pair:${pair}`, account: `account:${sha256Hex(account)}`, address: `address:${sha256Hex(address)}`, known: pair };
  }

  /** Counts the attempt; throws 429 (with Retry-After) when the policy says wait. */
  async reserve(keys: ThrottleKeys): Promise<void> {
    const all = [keys.account, keys.address, keys.pair].sort(); // one lock order for every caller
    const verdict = await this.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO login_attempts (key, failures, window_started_at) SELECT k, 0, now() FROM unnest($1::text[]) AS k ON CONFLICT (key) DO NOTHING`, [all]);
      const rows: any[] = await tx.query(`SELECT key, failures, window_started_at, last_failure_at FROM login_attempts WHERE key = ANY($1) ORDER BY key FOR UPDATE`, [all]);
      // The time after the locks were taken: a wait on a lock must not shorten anyone's backoff.
      const [{ now, known }]: { now: Date; known: boolean }[] = await tx.query(
        `SELECT clock_timestamp() AS now, EXISTS (SELECT 1 FROM login_known_addresses WHERE key = $1 AND last_success_at > now() - make_interval(days => $2)) AS known`,
        [keys.known, KNOWN_ADDRESS_DAYS],
      );
      const byKey = new Map(rows.map((r) => [r.key as string, counter(r)]));
      const state = { pair: byKey.get(keys.pair)!, account: byKey.get(keys.account)!, address: byKey.get(keys.address)!, known };
      const v = decide(state, now, this.policy);
      if (!v.allowed) return v;
      const next = [
        [keys.pair, counted(state.pair, 'pair', now)],
        [keys.account, counted(state.account, 'window', now)],
        [keys.address, counted(state.address, 'window', now)],
      ] as const;
      await tx.query(
        `UPDATE login_attempts a SET failures = n.failures, window_started_at = n.window_started_at, last_failure_at = n.last_failure_at
           FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::timestamptz[]) AS n(key, failures, window_started_at, last_failure_at)
          WHERE a.key = n.key`,
        [next.map(([k]) => k), next.map(([, c]) => c.failures), next.map(([, c]) => c.windowStartedAt), next.map(([, c]) => c.lastFailureAt)],
      );
      return v;
    });
    // Housekeeping now and then, so counters of addresses and spellings that never succeed do not pile up.
    if (Math.random() < 0.01) await this.sweep().catch(() => undefined);
    if (!verdict.allowed) {
      throw ProblemException.of(429, 'too-many-login-attempts', 'Too many failed logins; try again later.', {}, { 'Retry-After': String(verdict.retryAfterSeconds) });
    }
  }

  /** A successful login: the pair starts over, the other counters get this attempt back, the address is known. */
  async succeeded(keys: ThrottleKeys): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM login_attempts WHERE key = $1`, [keys.pair]);
      await tx.query(`UPDATE login_attempts SET failures = greatest(failures - 1, 0) WHERE key = ANY($1)`, [[keys.account, keys.address]]);
      await tx.query(
        `INSERT INTO login_known_addresses (key, last_success_at) VALUES ($1, now()) ON CONFLICT (key) DO UPDATE SET last_success_at = excluded.last_success_at`,
        [keys.known],
      );
    });
    await this.sweep();
  }

  /** Deletes counters that count for nothing any more, and addresses not used for long. */
  private async sweep(): Promise<void> {
    await this.db.query(
      `DELETE FROM login_attempts WHERE coalesce(last_failure_at, window_started_at) < now() - make_interval(secs => $1)`,
      [Math.max(PAIR_RESET_SECONDS, WINDOW_SECONDS)],
    );
    await this.db.query(`DELETE FROM login_known_addresses WHERE last_success_at < now() - make_interval(days => $1)`, [KNOWN_ADDRESS_DAYS]);
  }
}
