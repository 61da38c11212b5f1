import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dropRedisPrefix, freePort, stopProcesses } from '../support.js';
import type { BenchSuite, Row } from '../types.js';

/*
 * Ingestion through the real HTTP API (a child process running dist/apps/api/src/main.js on a
 * fresh database), load from autocannon in this process:
 * - signed single-touchpoint webhooks (Standard Webhooks, a new webhook-id per request), 32 connections;
 * - POST /touchpoints/batch with 1,000 touchpoints per request.
 */

async function waitForLive(base: string, child: ChildProcess) {
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    try {
      // Any HTTP answer means it is listening (the migrations ran before listen).
      const res = await fetch(`${base}/health/live`);
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('API did not start');
}

// autocannon ships no type declarations: the little used here, typed by hand.
interface CannonRequest {
  method: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: CannonRequest) => CannonRequest;
  onResponse?: (status: number, body: string) => void;
}
interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  requests: CannonRequest[];
}
interface CannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  duration: number;
  latency: { p99: number; average: number };
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: CannonOptions, cb: (err: Error | null, result: CannonResult) => void) => unknown;

function run(opts: CannonOptions): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const CUSTOMERS = 2000;
const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
const touchpoint = (i: number, extra: Record<string, unknown> = {}) => ({
  customerExternalId: `bench-customer-${i % CUSTOMERS}`,
  channel: 'email',
  direction: 'inbound',
  initiatedBy: 'customer',
  handledBy: 'human',
  occurredAt,
  durationSeconds: 300,
  summary: 'The customer asked about returning an order; the agent called back and solved it.',
  ...extra,
});

/**
 * Autocannon requests: one signed single-touchpoint delivery each, a new webhook-id every time.
 * Standard Webhooks v1 signing with node:crypto (the package's pure-JS HMAC would steal CPU from
 * the server on the same machine); the API verifies with the standardwebhooks package.
 */
function signedWebhooks(key: Buffer): CannonRequest[] {
  let n = 0;
  return [
    {
      method: 'POST',
      setupRequest: (req) => {
        const i = n++;
        const body = JSON.stringify(touchpoint(i));
        const id = `msg_${i}_${randomUUID()}`;
        const ts = String(Math.floor(Date.now() / 1000));
        const signature = `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
        return { ...req, body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature } };
      },
    },
  ];
}

export const ingestSuite: BenchSuite = {
  name: 'ingest',
  async run(ctx) {
    const rows: Row[] = [];
    const secs = ctx.size(15, 3);
    const db = await ctx.freshDatabase('ingest', 4);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const main = fileURLToPath(new URL('../../apps/api/src/main.js', import.meta.url));
    // BENCH_API_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to the API's node.
    const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const queuePrefix = `bench${randomBytes(3).toString('hex')}`;
    const child = spawn(process.execPath, [...nodeArgs, main], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        REDIS_URL: ctx.redisUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        LOG_PRETTY: 'false',
        DB_POOL_SIZE: '20',
        QUEUE_PREFIX: queuePrefix,
        ADMIN_EMAIL: 'bench-admin@closeness.test',
        ADMIN_PASSWORD: 'bench-admin-password',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      await waitForLive(base, child);
      // An admin session written straight to the tables (login is not what is measured).
      const token = randomBytes(32).toString('base64url');
      const adminId = randomUUID();
      await db.ds.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, 'bench@closeness.test', 'bench', 'admin', 'x')`, [adminId]);
      await db.ds.query(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [createHash('sha256').update(token).digest('hex'), adminId]);
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const created = await fetch(`${base}/api/v1/sources`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'bench', format: 'touchpoint' }) });
      if (created.status !== 201) throw new Error(`POST /sources answered ${created.status}`);
      const source = (await created.json()) as { id: string; secret: string };
      // Customers exist before the clock starts: creation-on-first-sight is not the steady state.
      for (let k = 0; k < CUSTOMERS; k += 1000) {
        const warm = await fetch(`${base}/api/v1/touchpoints/batch`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ touchpoints: Array.from({ length: 1000 }, (_, i) => touchpoint(k + i)) }),
        });
        if (warm.status !== 201) throw new Error(`warm-up batch answered ${warm.status}`);
      }

      ctx.log(`signed single-touchpoint webhooks, 32 connections, ${secs}s`);
      const key = Buffer.from(source.secret.replace(/^whsec_/, ''), 'base64');
      const single = await run({ url: `${base}/api/v1/webhooks/${source.id}`, connections: 32, duration: secs, requests: signedWebhooks(key) });
      const ok = single['2xx'];
      rows.push({
        measure: 'signed webhooks (Standard Webhooks, 1 touchpoint each) over HTTP, 32 connections',
        figure: Math.round(ok / single.duration),
        unit: 'touchpoints/s',
        baselineKey: 'pg_insert_one_event_per_txn_per_s',
        goal: { minRatio: 0.5 },
        note: single.non2xx > 0 || single.errors > 0 ? `${single.non2xx} non-2xx answers and ${single.errors} errors during the run` : undefined,
      });
      rows.push({ measure: 'signed webhooks: p99 latency at 32 connections', figure: single.latency.p99, unit: 'ms', goal: { atMost: 50 } });

      // The ceiling of any Node.js HTTP ingest here: a bare signed-webhook server (bench/ceiling)
      // under the same load, one INSERT per request into a baseline-shaped table.
      ctx.log(`ceiling: bare node:http + HMAC + one INSERT, 32 connections, ${secs}s`);
      await db.ds.query(`CREATE TABLE ceiling_events (global_position bigserial PRIMARY KEY, stream_id text NOT NULL, stream_version int NOT NULL,
        event_id uuid NOT NULL UNIQUE, type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL DEFAULT '{}',
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(), recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream_id, stream_version))`);
      const ceilingPort = await freePort();
      const ceilingSecret = randomBytes(24);
      const ceiling = spawn(process.execPath, [fileURLToPath(new URL('../ceiling/webhook-server.js', import.meta.url))], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, PORT: String(ceilingPort), SECRET: ceilingSecret.toString('base64') },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      try {
        await waitForLive(`http://127.0.0.1:${ceilingPort}`, ceiling);
        const bare = await run({ url: `http://127.0.0.1:${ceilingPort}/`, connections: 32, duration: secs, requests: signedWebhooks(ceilingSecret) });
        rows.push({
          measure: 'ceiling, not Closeness: bare node:http + HMAC check + JSON.parse + one INSERT per request, 32 connections (no framework, validation, idempotency or customers)',
          figure: Math.round(bare['2xx'] / bare.duration),
          unit: 'requests/s',
          baselineKey: 'pg_insert_one_event_per_txn_per_s',
          goal: { text: `p99 ${bare.latency.p99} ms; what the 0.5× webhook goal is up against` },
        });
      } finally {
        await stopProcesses([ceiling]);
      }

      ctx.log(`POST /touchpoints/batch, 1,000 per request, 4 connections, ${secs}s`);
      let b = 0;
      // What a non-2xx answer said (status and problem title), so the note can tell.
      const refused = new Map<string, number>();
      const batch = await run({
        url: `${base}/api/v1/touchpoints/batch`,
        connections: 4,
        duration: secs,
        timeout: 60,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const k = b++;
              const body = JSON.stringify({ touchpoints: Array.from({ length: 1000 }, (_, i) => touchpoint(k * 1000 + i, { externalId: `bench-batch-${k}-${i}` })) });
              return { ...req, body, headers: auth };
            },
            onResponse: (status, body) => {
              if (status < 300) return;
              let title: string;
              try {
                title = JSON.parse(body).title ?? '';
              } catch {
                title = body.slice(0, 80);
              }
              const key = `${status} ${title}`.trim();
              refused.set(key, (refused.get(key) ?? 0) + 1);
            },
          },
        ],
      });
      rows.push({
        measure: 'POST /touchpoints/batch, 1,000 touchpoints per request, 4 connections',
        figure: Math.round((batch['2xx'] * 1000) / batch.duration),
        unit: 'touchpoints/s',
        baselineKey: 'pg_insert_events_in_batches_of_100_per_s',
        goal: { minRatio: 0.4 },
        note:
          batch.non2xx > 0 || batch.errors > 0
            ? `${batch.non2xx} non-2xx answers (${[...refused].map(([k, n]) => `${n}× ${k}`).join(', ')}) and ${batch.errors} errors during the batch run; p99 ${batch.latency.p99} ms per 1,000-touchpoint request`
            : `p99 ${batch.latency.p99} ms per 1,000-touchpoint request`,
      });
      return rows;
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      await db.drop();
      await dropRedisPrefix(ctx.redisUrl, queuePrefix).catch(() => undefined);
    }
  },
};
