import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each worker last completed a heartbeat job, per queue prefix, for deployments whose queues
 * run on PostgreSQL (on Redis the same facts are two keys beside the queues). Readiness reads the
 * newest row of its prefix.
 */
export class WorkerHeartbeats1766300000000 implements MigrationInterface {
  name = 'WorkerHeartbeats1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE worker_heartbeats (
      queue_prefix text NOT NULL,
      worker_id text NOT NULL,
      completed_at timestamptz NOT NULL,
      PRIMARY KEY (queue_prefix, worker_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker_heartbeats`);
  }
}
