import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks: the subscriptions (with their signing secret, which never enters the event
 * log) and one row per delivery attempt (`webhook_deliveries_out`), the delivery log.
 */
export class OutboundWebhooks1764700000000 implements MigrationInterface {
  name = 'OutboundWebhooks1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY,
        url text NOT NULL,
        events text[] NOT NULL,
        secret text NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_subscriptions_live_idx ON webhook_subscriptions (created_at) WHERE deleted_at IS NULL`);
    await q.query(`
      CREATE TABLE webhook_deliveries_out (
        id bigserial PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id),
        webhook_id text NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        attempt integer NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed', 'dropped')),
        status_code integer,
        error text,
        duration_ms integer,
        attempted_at timestamptz NOT NULL,
        next_retry_at timestamptz,
        delivered_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_out_sub_idx ON webhook_deliveries_out (subscription_id, attempted_at DESC)`);
    await q.query(`CREATE INDEX webhook_deliveries_out_webhook_idx ON webhook_deliveries_out (webhook_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE webhook_deliveries_out');
    await q.query('DROP TABLE webhook_subscriptions');
  }
}
