import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the listed health drivers leave out (the 0–100 clamp, the drivers under a point) and why
 * red health can sit next to a low churn risk: `HealthView.notes`, kept with the drivers
 * (docs/health-and-churn.md, "What is shown"). Rows written before it hold none until the
 * read models are rebuilt, which a worker asks for when the health model's version changes.
 */
export class HealthNotes1765600000000 implements MigrationInterface {
  name = 'HealthNotes1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_health ADD COLUMN notes jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_health DROP COLUMN notes`);
  }
}
