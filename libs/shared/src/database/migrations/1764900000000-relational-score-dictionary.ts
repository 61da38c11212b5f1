import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A timeline row refers to its relational score instead of holding a copy. Scores repeat a
 * lot (the same signals with the same effects: one bench log of 1,000,000 touchpoints has 56
 * distinct ones), and the ~600-byte copy per row was most of what a rebuild wrote and what the
 * table held. `relational_scores` keeps each distinct score once, under a content id (an md5 of
 * the score as a uuid); rows written before keep their score under the md5 of its jsonb text.
 */
export class RelationalScoreDictionary1764900000000 implements MigrationInterface {
  name = 'RelationalScoreDictionary1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE relational_scores (id uuid PRIMARY KEY, score jsonb NOT NULL)`);
    await q.query(`ALTER TABLE customer_timeline ADD COLUMN relational_id uuid REFERENCES relational_scores (id)`);
    await q.query(
      `INSERT INTO relational_scores (id, score)
       SELECT DISTINCT ON (md5(relational::text)) md5(relational::text)::uuid, relational FROM customer_timeline WHERE relational IS NOT NULL`,
    );
    await q.query(`UPDATE customer_timeline SET relational_id = md5(relational::text)::uuid WHERE relational IS NOT NULL`);
    await q.query(`ALTER TABLE customer_timeline DROP COLUMN relational`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_timeline ADD COLUMN relational jsonb`);
    await q.query(`UPDATE customer_timeline t SET relational = r.score FROM relational_scores r WHERE r.id = t.relational_id`);
    await q.query(`ALTER TABLE customer_timeline DROP COLUMN relational_id`);
    await q.query(`DROP TABLE relational_scores`);
  }
}
