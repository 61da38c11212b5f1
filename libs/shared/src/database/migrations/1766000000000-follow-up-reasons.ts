import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One open follow-up per customer (#22).
 * - `follow_ups.reasons`: every reason of a task (the read model; rebuilt from the log, the
 *   column's value for the rows there now is what the fold gives a task raised before reasons:
 *   its raise as its one reason).
 * - `follow_up_customers`: the write-side guard and memory, kept in the same transaction as the
 *   task events — the customer's one open task, when their last task was closed and which
 *   reasons were dismissed when (the cool-down). Seeded with the oldest open task of each
 *   customer; the worker merges the others into it through events at start-up.
 */
export class FollowUpReasons1766000000000 implements MigrationInterface {
  name = 'FollowUpReasons1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE follow_ups ADD COLUMN reasons jsonb NOT NULL DEFAULT '[]'`);
    // Taken from the task's raise, as the fold takes it, not from the row: the row's priority may be
    // an escalation's, which is no part of the reason (a rebuild must give the same rows).
    await q.query(`
      UPDATE follow_ups f SET reasons = CASE
        WHEN jsonb_typeof(e.data->'reasons') = 'array' AND jsonb_array_length(e.data->'reasons') > 0 THEN e.data->'reasons'
        ELSE jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
          'rule', e.data->'rule', 'reason', e.data->'reason', 'triggeredBy', coalesce(e.data->'triggeredBy', '[]'::jsonb), 'at', e.data->'raisedAt',
          'suggestedAction', e.data->'suggestedAction', 'priority', e.data->'priority', 'dueAt', e.data->'dueAt')))
        END
      FROM events e
      WHERE e.stream_id = 'follow-up-' || f.id::text AND e.type = 'FollowUpTaskRaised'`);
    await q.query(`
      CREATE TABLE follow_up_customers (
        customer_id uuid PRIMARY KEY,
        open_task_id uuid UNIQUE,
        last_closed_at timestamptz,
        dismissed jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`
      INSERT INTO follow_up_customers (customer_id, open_task_id)
      SELECT DISTINCT ON (customer_id) customer_id, task_id FROM open_follow_ups ORDER BY customer_id, raised_at, task_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE follow_up_customers');
    await q.query('ALTER TABLE follow_ups DROP COLUMN reasons');
  }
}
