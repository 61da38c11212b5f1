import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The health configuration in force (weights, bands, and the churn model's coefficients), one
 * row; each change is also a HealthConfigChanged event on stream `health-config`, the audit
 * trail (docs/backtest.md). No row: the defaults.
 */
export class HealthConfig1766100000000 implements MigrationInterface {
  name = 'HealthConfig1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE health_config (
        id int PRIMARY KEY CHECK (id = 1),
        version int NOT NULL,
        overrides jsonb NOT NULL DEFAULT '{}'::jsonb,
        updated_by uuid,
        updated_at timestamptz NOT NULL,
        churn jsonb,
        churn_applied_by uuid,
        churn_applied_at timestamptz,
        churn_backtest jsonb
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE health_config`);
  }
}
