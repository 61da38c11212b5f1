import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a done follow-up was completed by someone's action — a person completing it, or a
 * person's relational contact closing it — rather than by the system (merged into the customer's
 * one task, closed because the customer left or because its silence turned out shorter). The team
 * report's median time to complete counts only the former. Rows of before stay NULL and are
 * counted, as they were; a rebuild of `customer-follow-ups` fills them in.
 */
export class FollowUpCompletedByPerson1766400000000 implements MigrationInterface {
  name = 'FollowUpCompletedByPerson1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_follow_up_summary ADD COLUMN completed_by_person boolean`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_follow_up_summary DROP COLUMN completed_by_person`);
  }
}
