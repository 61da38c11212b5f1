import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a customer left (`churned_at`: their latest outcome is a churn) and the portfolio's orders
 * built on it: a customer who has left is certain to have churned and scores near 0, so by
 * probability or health alone they would head every "riskiest first" and "lowest health first"
 * list, above the live customers an account manager can still keep. `risk_order` is the churn
 * probability for a live customer and −1 for one who has left, `health_order` the score or 101
 * (scores are 0–100): customers who left come after everyone else, and each keyset cursor
 * stays one number.
 *
 * Rows of before are filled in here from the log (the same rule as the projection: the latest
 * outcome in business time, of two at once the later recorded), so no rebuild is needed.
 */
export class ChurnedCustomers1766500000000 implements MigrationInterface {
  name = 'ChurnedCustomers1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_health ADD COLUMN churned_at timestamptz`);
    // An outcome whose time Postgres cannot read ("2026-02-31T…", which the API refuses) is left
    // out rather than failing the upgrade; the projection rewrites the row on the customer's next
    // event.
    await q.query(`
      CREATE OR REPLACE FUNCTION pg_temp.closeness_time_or_null(t text) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
      BEGIN RETURN t::timestamptz; EXCEPTION WHEN others THEN RETURN NULL; END $$`);
    await q.query(`
      UPDATE customer_health h SET churned_at = l.occurred_at
      FROM (
        SELECT DISTINCT ON (o.stream_id) o.stream_id, o.outcome, o.occurred_at
        FROM (
          SELECT e.stream_id, e.stream_version, e.data->>'outcome' AS outcome, pg_temp.closeness_time_or_null(e.data->>'occurredAt') AS occurred_at
          FROM events e
          WHERE e.type = 'OutcomeRecorded' AND e.stream_id LIKE 'customer-%'
        ) o
        WHERE o.occurred_at IS NOT NULL
        ORDER BY o.stream_id, o.occurred_at DESC, o.stream_version DESC
      ) l
      WHERE l.outcome = 'churned' AND lower(l.stream_id) = 'customer-' || h.customer_id::text`);
    await q.query(`ALTER TABLE customer_health ADD COLUMN risk_order double precision GENERATED ALWAYS AS (CASE WHEN churned_at IS NULL THEN churn_probability ELSE -1 END) STORED`);
    await q.query(`ALTER TABLE customer_health ADD COLUMN health_order integer GENERATED ALWAYS AS (CASE WHEN churned_at IS NULL THEN score ELSE 101 END) STORED`);
    await q.query(`DROP INDEX customer_health_risk_idx`);
    await q.query(`DROP INDEX customer_health_score_idx`);
    await q.query(`CREATE INDEX customer_health_risk_idx ON customer_health (risk_order DESC, customer_id)`);
    await q.query(`CREATE INDEX customer_health_score_idx ON customer_health (health_order, customer_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX customer_health_risk_idx`);
    await q.query(`DROP INDEX customer_health_score_idx`);
    await q.query(`ALTER TABLE customer_health DROP COLUMN risk_order, DROP COLUMN health_order, DROP COLUMN churned_at`);
    await q.query(`CREATE INDEX customer_health_risk_idx ON customer_health (churn_probability DESC, customer_id)`);
    await q.query(`CREATE INDEX customer_health_score_idx ON customer_health (score, customer_id)`);
  }
}
