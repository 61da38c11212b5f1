import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The timeline and health read models are now written by one projection
 * (`customer-read-models`, one fold per customer and batch) instead of two. The read models
 * are emptied and the old checkpoints removed, so the worker rebuilds them from the log under
 * the new name on its next start. The timeline no longer copies each event's payload: a
 * timeline read joins the event itself (by its unique event_id), which halves what a rebuild
 * writes.
 */
export class OneCustomerReadModelProjection1764800000000 implements MigrationInterface {
  name = 'OneCustomerReadModelProjection1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM projection_checkpoints WHERE name IN ('customer-timeline', 'customer-health')`);
    await q.query(`TRUNCATE customer_timeline, customer_health`);
    await q.query(`ALTER TABLE customer_timeline DROP COLUMN data`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM projection_checkpoints WHERE name = 'customer-read-models'`);
    await q.query(`TRUNCATE customer_timeline, customer_health`);
    await q.query(`ALTER TABLE customer_timeline ADD COLUMN data jsonb NOT NULL`);
  }
}
