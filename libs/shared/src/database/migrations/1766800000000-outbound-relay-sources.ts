import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * From where in the log the outbound relay sends each event type (`outbound_relay_sources`):
 * the events of a type after that point in commit order. A type the relay learns later (a
 * dismissal, a snooze) gets the relay's checkpoint of the moment it first runs with it, so
 * neither that run nor a later rebuild of the relay sends subscribers the history recorded
 * before: a CRM would receive months of old snoozes at once, after the completions that
 * followed them. The four types the relay has always sent start at the beginning, as before.
 * A rebuild keeps these rows (they say what was promised, not what was sent).
 */
export class OutboundRelaySources1766800000000 implements MigrationInterface {
  name = 'OutboundRelaySources1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbound_relay_sources (
        source_type text PRIMARY KEY,
        after_transaction_id xid8 NOT NULL,
        after_position bigint NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO outbound_relay_sources (source_type, after_transaction_id, after_position)
      SELECT unnest(ARRAY['FollowUpTaskRaised', 'FollowUpReasonAdded', 'FollowUpTaskCompleted', 'HealthBandChanged']), '0'::xid8, 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbound_relay_sources');
  }
}
