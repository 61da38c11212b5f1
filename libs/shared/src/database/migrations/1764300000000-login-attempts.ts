import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed-login counters per IP and per e-mail (keys are hashed), shared by every api process so
 * throttling holds across them. A row is one fixed 15-minute window.
 */
export class LoginAttempts1764300000000 implements MigrationInterface {
  name = 'LoginAttempts1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_attempts (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE login_attempts');
  }
}
