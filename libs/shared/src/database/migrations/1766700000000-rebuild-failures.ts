import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rebuild's own failures (docs/operations.md, "Rebuilding a projection"): a shadow batch or a
 * swap that fails is recorded on the rebuild, not on the live projection, whose tables are fine
 * and keep serving. `attempts` counts the failures in a row (0: the last try went through) and
 * `retry_at` is the back-off every process running the projection respects, so a rebuild that
 * keeps failing stays visible without spinning.
 */
export class RebuildFailures1766700000000 implements MigrationInterface {
  name = 'RebuildFailures1766700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE projection_rebuilds
        ADD COLUMN last_error text,
        ADD COLUMN attempts int NOT NULL DEFAULT 0,
        ADD COLUMN failing_since timestamptz,
        ADD COLUMN retry_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projection_rebuilds DROP COLUMN last_error, DROP COLUMN attempts, DROP COLUMN failing_since, DROP COLUMN retry_at`);
  }
}
