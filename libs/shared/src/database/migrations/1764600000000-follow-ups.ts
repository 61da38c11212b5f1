import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-ups: the read model (`follow_ups`, written by the follow-ups projection), the
 * write-side guard for "one open task per customer and rule" (`open_follow_ups`, written in
 * the same transaction as the FollowUpTask* events), the current rules (`follow_up_rules`, with
 * the FollowUpRulesChanged events as audit) and the dead letters of queue jobs.
 */
export class FollowUps1764600000000 implements MigrationInterface {
  name = 'FollowUps1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE follow_ups (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        rule text NOT NULL,
        reason text NOT NULL,
        suggested_action text NOT NULL,
        priority text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
        due_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'done', 'dismissed', 'snoozed')),
        triggered_by uuid[] NOT NULL DEFAULT '{}',
        assignee_id uuid,
        created_at timestamptz NOT NULL,
        closed_at timestamptz,
        note text,
        snoozed_until timestamptz,
        escalated_at timestamptz,
        escalated_to uuid,
        completed_automatically boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX follow_ups_customer_idx ON follow_ups (customer_id, status)`);
    await q.query(`CREATE INDEX follow_ups_assignee_idx ON follow_ups (assignee_id, status, due_at)`);
    await q.query(`CREATE INDEX follow_ups_status_due_idx ON follow_ups (status, due_at)`);
    await q.query(`
      CREATE TABLE open_follow_ups (
        customer_id uuid NOT NULL,
        rule text NOT NULL,
        task_id uuid NOT NULL UNIQUE,
        raised_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, rule)
      )`);
    await q.query(`
      CREATE TABLE follow_up_rules (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        rules jsonb NOT NULL,
        version integer NOT NULL,
        updated_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE job_dead_letters (
        id bigserial PRIMARY KEY,
        queue text NOT NULL,
        job_name text NOT NULL,
        job_id text NOT NULL,
        data jsonb NOT NULL,
        reason text NOT NULL,
        attempts integer NOT NULL,
        unrecoverable boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (queue, job_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE job_dead_letters');
    await q.query('DROP TABLE follow_up_rules');
    await q.query('DROP TABLE open_follow_ups');
    await q.query('DROP TABLE follow_ups');
  }
}
