import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rebuilds into shadow tables (docs/operations.md, "Rebuilding a projection"): one row per
 * rebuild under way, naming the schema that holds the shadow copies of the projection's tables,
 * and the shadow's own checkpoints (per bucket; -1 for a projection that runs whole), each moved
 * in the transaction that writes the shadow rows. The live tables and checkpoints are untouched
 * until the swap replaces both in one transaction.
 */
export class ProjectionRebuilds1766600000000 implements MigrationInterface {
  name = 'ProjectionRebuilds1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projection_rebuilds (
        name text PRIMARY KEY REFERENCES projection_checkpoints (name) ON DELETE CASCADE,
        shadow_schema text NOT NULL UNIQUE,
        events_total bigint NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE projection_rebuild_checkpoints (
        name text NOT NULL REFERENCES projection_rebuilds (name) ON DELETE CASCADE,
        bucket smallint NOT NULL,
        transaction_id xid8 NOT NULL DEFAULT '0',
        global_position bigint NOT NULL DEFAULT 0,
        events bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (name, bucket)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const r of await q.query(`SELECT shadow_schema FROM projection_rebuilds`)) await q.query(`DROP SCHEMA IF EXISTS "${r.shadow_schema}" CASCADE`);
    await q.query('DROP TABLE projection_rebuild_checkpoints');
    await q.query('DROP TABLE projection_rebuilds');
  }
}
