import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The log split into 64 buckets by a hash of the stream (a customer's stream: its customer id),
 * so a projection can run per bucket in several processes (#24):
 * - `events.bucket`, computed by Postgres at append (a stored generated column, so no writer can
 *   get it wrong); adding it rewrites the table once, which fills it for the rows already there.
 *   The number of buckets is fixed: changing it would move streams between buckets.
 * - an index per bucket in commit order, so one bucket is read without scanning the others;
 * - one checkpoint per (projection, bucket), committed with that bucket's writes;
 * - bucket leases (an owner and an expiry, renewed by a heartbeat) and the runners taking part,
 *   so the buckets are shared out and a dead process's buckets are taken over.
 */
export class ProjectionBuckets1766200000000 implements MigrationInterface {
  name = 'ProjectionBuckets1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN bucket smallint NOT NULL GENERATED ALWAYS AS ((hashtextextended(stream_id, 0) & 63)::smallint) STORED`);
    await q.query(`CREATE INDEX events_bucket_commit_order_idx ON events (bucket, transaction_id, global_position)`);
    await q.query(`
      CREATE TABLE projection_bucket_checkpoints (
        name text NOT NULL,
        bucket smallint NOT NULL CHECK (bucket >= 0 AND bucket < 64),
        transaction_id xid8 NOT NULL DEFAULT '0',
        global_position bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (name, bucket)
      )`);
    await q.query(`
      CREATE TABLE projection_bucket_leases (
        runner text NOT NULL,
        bucket smallint NOT NULL CHECK (bucket >= 0 AND bucket < 64),
        owner text,
        expires_at timestamptz NOT NULL DEFAULT '-infinity',
        PRIMARY KEY (runner, bucket)
      )`);
    await q.query(`
      CREATE TABLE projection_runner_members (
        runner text NOT NULL,
        owner text NOT NULL,
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (runner, owner)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE projection_runner_members');
    await q.query('DROP TABLE projection_bucket_leases');
    await q.query('DROP TABLE projection_bucket_checkpoints');
    await q.query('DROP INDEX events_bucket_commit_order_idx');
    await q.query('ALTER TABLE events DROP COLUMN bucket');
  }
}
