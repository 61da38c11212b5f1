/*
 * The least a signed single-touchpoint webhook can cost on this machine: node:http (no
 * framework), the Standard Webhooks HMAC checked with node:crypto, JSON.parse, one named
 * single-row INSERT into a table shaped like the baseline's. No validation, no mapping, no
 * idempotency, no customers, no logging, no metrics. The ingest suite runs it under the same
 * load as the API to show how much of the one-row baseline any Node.js HTTP ingest reaches here.
 * Env: DATABASE_URL, PORT, SECRET (base64).
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const key = Buffer.from(process.env.SECRET ?? '', 'base64');
const INSERT = `INSERT INTO ceiling_events (stream_id, stream_version, event_id, type, data) VALUES ($1, 1, $2, 'TouchpointRecorded', $3)`;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const signed = createHmac('sha256', key).update(`${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.`).update(raw).digest();
    const given = Buffer.from(String(req.headers['webhook-signature'] ?? '').replace(/^v1,/, ''), 'base64');
    if (given.length !== signed.length || !timingSafeEqual(given, signed)) {
      res.statusCode = 401;
      res.end();
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      res.statusCode = 400;
      res.end();
      return;
    }
    pool.query({ name: 'ceiling_insert', text: INSERT, values: [`customer-${randomUUID()}`, randomUUID(), JSON.stringify(body)] }).then(
      () => {
        res.statusCode = 202;
        res.setHeader('content-type', 'application/json');
        res.end('{"accepted":true}');
      },
      () => {
        res.statusCode = 503;
        res.end();
      },
    );
  });
});

process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
server.listen(Number(process.env.PORT), '127.0.0.1');
