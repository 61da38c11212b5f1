import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relational scoring model each read model was built with. Every stored score also carries
 * its model version (`relational_scores.score->>'model'`); this row says which one a projection
 * holds without reading them all. A deployment whose model differs rebuilds the projection at
 * start-up (docs/relational-score.md). No row is written here: a database that already holds
 * scores from before models had versions is rebuilt on the next start.
 */
export class ScoringModelVersion1765300000000 implements MigrationInterface {
  name = 'ScoringModelVersion1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE read_model_versions (name text PRIMARY KEY, version text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model_versions`);
  }
}
