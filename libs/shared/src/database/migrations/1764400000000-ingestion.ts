import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound ingestion: sources (webhook senders with their signing secrets and API token hash),
 * durable webhook dedupe keys, and dead letters (authentic deliveries that could not be mapped).
 */
export class Ingestion1764400000000 implements MigrationInterface {
  name = 'Ingestion1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sources (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        format text NOT NULL CHECK (format IN ('touchpoint', 'cloudevents', 'hubspot', 'zendesk', 'intercom')),
        -- HMAC needs the secret itself, so it is stored (never returned after creation).
        secret text NOT NULL,
        -- During rotation the previous secret stays valid until it expires.
        previous_secret text,
        previous_secret_expires_at timestamptz,
        api_token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz,
        CONSTRAINT sources_api_token_hash_key UNIQUE (api_token_hash)
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        source_id uuid NOT NULL REFERENCES sources(id),
        -- webhook-id, CloudEvents source+id, the vendor's delivery id, or a hash of the body.
        dedupe_key text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('accepted', 'dead_letter')),
        event_ids uuid[] NOT NULL DEFAULT '{}',
        dead_letter_id uuid,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_id, dedupe_key)
      )`);
    await q.query(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY,
        kind text NOT NULL DEFAULT 'webhook',
        source_id uuid REFERENCES sources(id),
        format text,
        dedupe_key text,
        reason text NOT NULL,
        content_type text,
        headers jsonb NOT NULL DEFAULT '{}',
        body bytea NOT NULL,
        request_uri text,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        attempts integer NOT NULL DEFAULT 1,
        event_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      )`);
    await q.query(`CREATE INDEX dead_letters_status_idx ON dead_letters (status, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dead_letters');
    await q.query('DROP TABLE webhook_deliveries');
    await q.query('DROP TABLE sources');
  }
}
