import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models fed by the worker's projections (timeline, health and churn, follow-up summary).
 * Everything here can be dropped and rebuilt from the log.
 */
export class ReadModels1764500000000 implements MigrationInterface {
  name = 'ReadModels1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customer_timeline (
        event_id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        position bigint NOT NULL,
        stream_version integer NOT NULL,
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        data jsonb NOT NULL,
        relational jsonb
      )`);
    // Newest first by business time, position breaks ties: the timeline's keyset order.
    await q.query(`CREATE INDEX customer_timeline_order_idx ON customer_timeline (customer_id, occurred_at DESC, position DESC)`);
    await q.query(`
      CREATE TABLE customer_health (
        customer_id uuid PRIMARY KEY,
        external_id text,
        name text NOT NULL DEFAULT '',
        segment text,
        account_manager_id uuid,
        renewal_date date,
        annual_value numeric(14, 2),
        score integer NOT NULL,
        band text NOT NULL,
        trend30d integer NOT NULL,
        churn_probability double precision NOT NULL,
        churn_level text NOT NULL,
        drivers jsonb NOT NULL,
        churn_drivers jsonb NOT NULL,
        last_relational_contact_at timestamptz,
        events_considered integer NOT NULL,
        evaluated_at timestamptz,
        stream_version integer NOT NULL
      )`);
    await q.query(`CREATE INDEX customer_health_risk_idx ON customer_health (churn_probability DESC, customer_id)`);
    await q.query(`CREATE INDEX customer_health_score_idx ON customer_health (score, customer_id)`);
    await q.query(`CREATE INDEX customer_health_name_idx ON customer_health (name, customer_id)`);
    await q.query(`CREATE INDEX customer_health_am_idx ON customer_health (account_manager_id)`);
    await q.query(`
      CREATE TABLE customer_follow_up_summary (
        task_id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        assignee_id uuid,
        rule text,
        priority text,
        status text NOT NULL,
        due_at timestamptz,
        raised_at timestamptz,
        snoozed_until timestamptz,
        closed_at timestamptz
      )`);
    await q.query(`CREATE INDEX customer_follow_up_summary_customer_idx ON customer_follow_up_summary (customer_id) WHERE closed_at IS NULL`);
    await q.query(`CREATE INDEX customer_follow_up_summary_assignee_idx ON customer_follow_up_summary (assignee_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE customer_follow_up_summary');
    await q.query('DROP TABLE customer_health');
    await q.query('DROP TABLE customer_timeline');
  }
}
