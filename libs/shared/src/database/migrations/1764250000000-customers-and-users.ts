import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Write-side registries kept in the same transaction as the events they follow: unique
 * external ids and e-mails, and the assignment that object-level authorization filters on.
 */
export class CustomersAndUsers1764250000000 implements MigrationInterface {
  name = 'CustomersAndUsers1764250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'team_lead', 'account_manager', 'ops')),
        team_lead_id uuid REFERENCES users(id),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`CREATE INDEX users_team_lead_idx ON users (team_lead_id)`);
    await q.query(`
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX sessions_user_idx ON sessions (user_id)`);
    await q.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY,
        external_id text NOT NULL,
        name text NOT NULL,
        segment text,
        account_manager_id uuid,
        renewal_date date,
        annual_value numeric(14, 2),
        created_via text NOT NULL DEFAULT 'api',
        version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT customers_external_id_key UNIQUE (external_id)
      )`);
    await q.query(`CREATE INDEX customers_account_manager_idx ON customers (account_manager_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE customers');
    await q.query('DROP TABLE sessions');
    await q.query('DROP TABLE users');
  }
}
