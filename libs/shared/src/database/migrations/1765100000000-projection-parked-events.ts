import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The projections' quarantine: an event a projection could not apply is parked here with its
 * error (and the later events of its stream wait behind it, `held_by`), so the projection moves
 * on instead of failing on it forever. `parked` on the checkpoint counts them (the runner reads
 * the rows only when there are any); `retry_requested` asks the runner to try them again.
 */
export class ProjectionParkedEvents1765100000000 implements MigrationInterface {
  name = 'ProjectionParkedEvents1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projection_parked_events (
        projection text NOT NULL,
        event_id uuid NOT NULL,
        stream_id text NOT NULL,
        stream_version int NOT NULL,
        global_position bigint NOT NULL,
        transaction_id xid8 NOT NULL,
        event_type text NOT NULL,
        held_by uuid,
        error text NOT NULL,
        attempts int NOT NULL DEFAULT 1,
        retry_requested boolean NOT NULL DEFAULT false,
        parked_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, event_id)
      )`);
    await q.query(`CREATE INDEX projection_parked_events_stream_idx ON projection_parked_events (projection, stream_id)`);
    await q.query(`ALTER TABLE projection_checkpoints ADD COLUMN parked int NOT NULL DEFAULT 0, ADD COLUMN retry_requested boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projection_checkpoints DROP COLUMN parked, DROP COLUMN retry_requested`);
    await q.query(`DROP TABLE projection_parked_events`);
  }
}
