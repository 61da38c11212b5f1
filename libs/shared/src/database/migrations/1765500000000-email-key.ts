import type { MigrationInterface, QueryRunner } from 'typeorm';
import { normalizeEmail } from '../../auth/email.js';

/**
 * One e-mail, one account (#19.5). `users.email_key` holds `normalizeEmail(email)`, computed by
 * the same function login, user creation and the login throttle use, and is the unique key;
 * Postgres no longer folds case with its own `lower()`. Existing rows get their key here. Two
 * rows whose addresses now fold to one key (only possible through the old disagreement, e.g.
 * "İ"): the oldest keeps it; each later one is disabled, signed out, and keeps a key no login
 * can produce (`<key>#<id>`), so nothing is deleted and an admin decides.
 * A row inserted without a key (test fixtures, scripts writing SQL) gets its e-mail as the key
 * only when that is already what normalizeEmail gives: printable ASCII without capitals; any
 * other such insert fails, so no second, different fold can get in.
 * The throttle's counters are keyed anew (per account, address and pair): old ones are dropped.
 */
export class EmailKey1765500000000 implements MigrationInterface {
  name = 'EmailKey1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN email_key text`);
    const users: { id: string; email: string }[] = await q.query(`SELECT id, email FROM users ORDER BY created_at, id`);
    const taken = new Set<string>();
    const keys: string[] = [];
    const clashes: string[] = [];
    for (const u of users) {
      const key = normalizeEmail(u.email);
      if (taken.has(key)) {
        keys.push(`${key}#${u.id}`);
        clashes.push(u.id);
      } else {
        taken.add(key);
        keys.push(key);
      }
    }
    if (users.length > 0) {
      await q.query(`UPDATE users u SET email_key = k.key FROM unnest($1::uuid[], $2::text[]) AS k(id, key) WHERE u.id = k.id`, [users.map((u) => u.id), keys]);
    }
    if (clashes.length > 0) {
      await q.query(`UPDATE users SET disabled_at = coalesce(disabled_at, now()), updated_at = now() WHERE id = ANY($1::uuid[])`, [clashes]);
      await q.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = ANY($1::uuid[]) AND revoked_at IS NULL`, [clashes]);
    }
    await q.query(`ALTER TABLE users ALTER COLUMN email_key SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX users_email_key_unique ON users (email_key)`);
    await q.query(`DROP INDEX users_email_key`);
    await q.query(`
      CREATE FUNCTION users_default_email_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.email_key IS NULL THEN
          IF NEW.email !~ '^[\\x21-\\x40\\x5b-\\x7e]+$' THEN
            RAISE EXCEPTION 'users.email_key is required for %: set it to normalizeEmail(email)', NEW.email USING ERRCODE = 'not_null_violation';
          END IF;
          NEW.email_key := NEW.email;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER users_default_email_key BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_default_email_key()`);

    await q.query(`TRUNCATE login_attempts`);
    await q.query(`ALTER TABLE login_attempts ADD COLUMN last_failure_at timestamptz`);
    await q.query(`CREATE TABLE login_known_addresses (key text PRIMARY KEY, last_success_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_known_addresses`);
    await q.query(`ALTER TABLE login_attempts DROP COLUMN last_failure_at`);
    await q.query(`TRUNCATE login_attempts`);
    await q.query(`DROP TRIGGER users_default_email_key ON users`);
    await q.query(`DROP FUNCTION users_default_email_key()`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`DROP INDEX users_email_key_unique`);
    await q.query(`ALTER TABLE users DROP COLUMN email_key`);
  }
}
