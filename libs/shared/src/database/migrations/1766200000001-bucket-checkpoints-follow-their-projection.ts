import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A projection's bucket checkpoints go with its checkpoint row: deleting that row (a projection dropped, a test starting afresh) deletes them. */
export class BucketCheckpointsFollowTheirProjection1766200000001 implements MigrationInterface {
  name = 'BucketCheckpointsFollowTheirProjection1766200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM projection_bucket_checkpoints b WHERE NOT EXISTS (SELECT 1 FROM projection_checkpoints c WHERE c.name = b.name)`);
    await q.query(`ALTER TABLE projection_bucket_checkpoints ADD CONSTRAINT projection_bucket_checkpoints_name_fkey FOREIGN KEY (name) REFERENCES projection_checkpoints (name) ON DELETE CASCADE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projection_bucket_checkpoints DROP CONSTRAINT projection_bucket_checkpoints_name_fkey`);
  }
}
