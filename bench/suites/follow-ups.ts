import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { fileURLToPath } from 'node:url';
import { alreadyDecided, EventStore, projectionStatuses } from '../../libs/event-store/src/index.js';
import { loadConfig } from '../../libs/shared/src/config.js';
import { WORKER_NODE_FLAGS } from '../../libs/shared/src/worker-flags.js';
import type { BenchSuite, Row } from '../types.js';
import { dropRedisPrefix, stopProcesses } from '../support.js';

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Touchpoint → follow-up visible: POST /touchpoints (real API) at a fixed rate for fresh
 * high-value customers, each contact transactional, so each must raise exactly one task; the
 * real worker runs (every projection, the relay, the BullMQ worker). Latency = from just before
 * the POST to the moment the task's row is in `follow_ups` (what GET /follow-ups reads), seen
 * by a 10 ms poller.
 */
export const followUpsSuite: BenchSuite = {
  name: 'follow-ups',
  async run(ctx) {
    const rate = Number(process.env.BENCH_FOLLOW_UP_RATE ?? 500);
    // `store` (default): touchpoints appended through the event store, as the ingestion handlers do, so the
    // figure is the follow-up pipeline's own; `http`: through POST /touchpoints (adds the API's latency).
    const via = process.env.BENCH_FOLLOW_UP_VIA === 'http' ? 'http' : 'store';
    const secs = ctx.size(20, 4);
    const n = rate * secs;
    // A warm-up at the same rate for other customers first, not measured: a long-running worker
    // is warm (JIT-compiled code, open connections); a fresh one took ~6 s to settle (measured).
    const warmSecs = ctx.size(4, 1);
    const warm = rate * warmSecs;
    const db = await ctx.freshDatabase('follow_ups', 20);
    const env = {
      NODE_ENV: 'production', DATABASE_URL: db.url, REDIS_URL: ctx.redisUrl, PORT: '0', LOG_LEVEL: 'error', LOG_PRETTY: 'false',
      QUEUE_PREFIX: `bench${randomBytes(3).toString('hex')}`, DB_POOL_SIZE: '20', WORKER_CONCURRENCY: '16', WORKER_METRICS_PORT: '0',
    };
    const config = loadConfig(env);
    let api: Awaited<ReturnType<typeof createApiApp>> | undefined;
    let workers: ChildProcess[] = [];
    try {
      // Customers and an admin session straight in SQL (not what is measured).
      ctx.log(`seeding ${n} customers`);
      const adminId = randomUUID();
      const token = randomBytes(32).toString('base64url');
      await db.ds.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, 'bench-admin@closeness.test', 'Bench Admin', 'admin', 'x')`, [adminId]);
      await db.ds.query(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [createHash('sha256').update(token).digest('hex'), adminId]);
      const amId = randomUUID();
      await db.ds.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, 'bench-am@closeness.test', 'Bench AM', 'account_manager', 'x')`, [amId]);
      const ids: string[] = (await db.ds.query(`SELECT gen_random_uuid()::text AS id FROM generate_series(1, $1)`, [n + warm])).map((r: any) => r.id);
      await db.ds.query(
        `INSERT INTO customers (id, external_id, name, account_manager_id, annual_value, version)
         SELECT id::uuid, 'fu-' || ord, 'Customer ' || ord, $2, 500000, 1 FROM unnest($1::text[]) WITH ORDINALITY AS t(id, ord)`,
        [ids, amId],
      );
      await db.ds.query(
        `INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata)
         SELECT gen_random_uuid(), 'customer-' || id, 1, 'CustomerRegistered',
                jsonb_build_object('customerId', id, 'externalId', 'fu-' || ord, 'name', 'Customer ' || ord, 'accountManagerId', $2::text, 'annualValue', 500000, 'createdVia', 'api'), '{}'
         FROM unnest($1::text[]) WITH ORDINALITY AS t(id, ord)`,
        [ids, amId],
      );

      api = await createApiApp(config);
      await api.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}/api/v1`;
      // The worker runs as its own process, as in production (compiled next to this file by `npm run bench`).
      const main = fileURLToPath(new URL('../../apps/worker/src/main.js', import.meta.url));
      // BENCH_WORKER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the worker process.
      const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
      // As `npm start` runs it: one worker process for the projections, one for the jobs.
      workers = (['projections', 'jobs'] as const).map((role, i) =>
        spawn(process.execPath, [...WORKER_NODE_FLAGS, ...nodeArgs, main], { env: { PATH: process.env.PATH ?? '', ...env, WORKER_ROLES: role, WORKER_METRICS_PORT: String(19474 + i) }, stdio: ['ignore', 'ignore', 'inherit'] }),
      );
      // Let the read models catch up with the seeded customers before measuring.
      ctx.log('waiting for the projections to catch up with the seed');
      // Every projection's lag, partitioned ones bucket by bucket (their own checkpoint row stays at 0).
      for (let i = 0; i < 600; i++) {
        const statuses = await projectionStatuses(db.ds);
        if (statuses.length > 1 && statuses.every((p) => p.lagEvents === 0)) break;
        await sleep(500);
      }

      const store = new EventStore(db.ds);
      const sentAt = new Map<string, number>();
      const latencies: number[] = [];
      let polling = true;
      const poller = (async () => {
        // Asks only about the customers still waiting (each gets one touchpoint, so any follow-up
        // row of theirs is the one awaited), through the customer index. The poll used to fetch
        // every row updated in the last 60 s: by the end of a run, all of them (over 10,000) every
        // 10 ms, Postgres and this process serialising and parsing them on the cores the worker
        // was being measured on.
        while (polling) {
          const waiting = [...sentAt.keys()];
          const rows = waiting.length === 0 ? [] : await db.ds.query(`SELECT DISTINCT customer_id FROM follow_ups WHERE customer_id = ANY($1::uuid[])`, [waiting]);
          const now = performance.now();
          for (const r of rows) {
            const t = sentAt.get(r.customer_id);
            if (t !== undefined) {
              latencies.push(now - t);
              sentAt.delete(r.customer_id);
            }
          }
          await sleep(10);
        }
      })();

      const tickMs = 20;
      const perTick = (rate * tickMs) / 1000;
      let failures = 0;
      let postMs: number[] = [];
      /** Appends (or POSTs) one transactional touchpoint per customer of `batch` at `rate`/s; resolves when all are answered. */
      const drive = async (batch: string[]) => {
        const pending: Promise<unknown>[] = [];
        const started = performance.now();
        let sent = 0;
        for (let tick = 0; sent < batch.length; tick++) {
          const due = started + tick * tickMs;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          for (let k = 0; k < perTick && sent < batch.length; k++) {
            const customerId = batch[sent++];
            const t0 = performance.now();
            sentAt.set(customerId, t0);
            const body = {
              channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation',
              occurredAt: new Date(Date.now() - 60_000).toISOString(), topic: 'invoice',
              transcript: [{ speaker: 'customer', text: 'Where is my invoice?' }, { speaker: 'bot', text: 'Dear customer, this is an automated message.' }],
            };
            const done = () => postMs.push(performance.now() - t0);
            if (via === 'store') {
              const id = randomUUID();
              pending.push(store.handle(`customer-${customerId}`, alreadyDecided, [{ id, type: 'TouchpointRecorded', data: { id, customerId, ...body } }], { correlationId: id, actorId: 'bench' }).then(done, () => failures++));
              continue;
            }
            pending.push(
              fetch(`${base}/touchpoints`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
                body: JSON.stringify({ customerId, ...body }),
              }).then(async (r) => {
                await r.arrayBuffer();
                done();
                if (r.status !== 201) failures++;
              }, () => failures++),
            );
          }
        }
        await Promise.all(pending);
        return (performance.now() - started) / 1000;
      };

      ctx.log(`warm-up: ${rate} transactional touchpoints/s for ${warmSecs} s (other customers, not measured)`);
      await drive(ids.slice(n));
      for (let i = 0; i < 600 && sentAt.size > 0; i++) await sleep(100);
      const warmFailures = failures;
      const coldLatencies = [...latencies].sort((a, b) => a - b);
      sentAt.clear();
      latencies.length = 0;
      postMs = [];
      failures = 0;
      const measuredFrom = new Date((await db.ds.query(`SELECT (extract(epoch FROM now()) * 1000)::float8 AS ms`))[0].ms);

      ctx.log(`posting ${rate} transactional touchpoints/s for ${secs} s`);
      const postSeconds = await drive(ids.slice(0, n));
      for (let i = 0; i < 1200 && sentAt.size > 0; i++) await sleep(100);
      polling = false;
      await poller;
      const raised = Number((await db.ds.query(`SELECT count(*)::int AS n FROM events WHERE type = 'FollowUpTaskRaised'`))[0].n) - warm;
      latencies.sort((a, b) => a - b);
      // Where the time goes, from the database's own clocks: touchpoint stored → task raised by the
      // worker → row in the read model; overall, and in 2-second slices by the touchpoint's own
      // time (is the tail a start-up effect or steady?).
      const stages = await db.ds.query(
        `SELECT floor(extract(epoch FROM t.recorded_at - min(t.recorded_at) OVER ()) / 2)::int AS slice,
                extract(epoch FROM r.recorded_at - t.recorded_at) * 1000 AS raised_ms, extract(epoch FROM f.updated_at - t.recorded_at) * 1000 AS row_ms
         FROM events r JOIN events t ON t.event_id = (r.data->'triggeredBy'->>0)::uuid
         LEFT JOIN follow_ups f ON f.id = (r.data->>'taskId')::uuid WHERE r.type = 'FollowUpTaskRaised' AND t.recorded_at >= $1`,
        [measuredFrom],
      );
      const bySlice = new Map<number, { raised: number[]; row: number[] }>();
      for (const r of stages) {
        const b = bySlice.get(r.slice) ?? { raised: [], row: [] };
        b.raised.push(Number(r.raised_ms));
        if (r.row_ms != null) b.row.push(Number(r.row_ms));
        bySlice.set(r.slice, b);
      }
      const p99 = (xs: number[]) => Math.round(pct(xs.sort((a, b) => a - b), 99));
      ctx.log(`p99 stored→raised / stored→row per 2 s of the run: ${[...bySlice].sort((a, b) => a[0] - b[0]).map(([, b]) => `${p99(b.raised)}/${p99(b.row)}`).join(' ')}`);
      const raisedMs = stages.map((r: any) => Number(r.raised_ms)).sort((a: number, b: number) => a - b);
      const rowMs = stages.filter((r: any) => r.row_ms != null).map((r: any) => Number(r.row_ms)).sort((a: number, b: number) => a - b);
      const achieved = Math.round(n / postSeconds);
      const note = `${n} touchpoints (${via === 'http' ? 'POST /touchpoints' : 'appended through EventStore.append, one per call'}) at ${achieved}/s (target ${rate}/s, ${failures} failed), ${latencies.length} follow-ups seen, ${raised} FollowUpTaskRaised events, ${sentAt.size} never seen; after a ${warmSecs} s warm-up at the same rate for ${warm} other customers (${warmFailures} failed). API and load generator in the bench process; the worker as npm start runs it: one process for the projections and the relay, one for the BullMQ follow-up jobs (evaluations batched, up to 16 per transaction and ${Math.min(config.FOLLOW_UP_BATCHES, Math.floor(config.DB_POOL_SIZE / 2))} transactions at a time).`;
      const rows: Row[] = [
        { measure: `Touchpoint → follow-up visible, p50 (${rate} touchpoints/s, via ${via})`, figure: Math.round(pct(latencies, 50)), unit: 'ms', goal: { text: 'p99 < 1 s' }, note },
        { measure: `Touchpoint → follow-up visible, p99 (${rate} touchpoints/s, via ${via})`, figure: Math.round(pct(latencies, 99)), unit: 'ms', goal: { atMost: 1000 } },
        { measure: `Touchpoint stored → FollowUpTaskRaised stored (worker only), p50 / p99 (${rate}/s)`, figure: Math.round(pct(raisedMs, 50)), unit: 'ms', goal: { text: `p99 ${Math.round(pct(raisedMs, 99))} ms` } },
        { measure: `Touchpoint stored → follow_ups row written (database clocks), p50 (${rate}/s)`, figure: Math.round(pct(rowMs, 50)), unit: 'ms', goal: { text: `p99 ${Math.round(pct(rowMs, 99))} ms` } },
        { measure: `${via === 'http' ? 'POST /touchpoints' : 'EventStore.append'} response time under this load, p50 (${rate}/s)`, figure: Math.round(pct(postMs.sort((a, b) => a - b), 50)), unit: 'ms', goal: { text: `p99 ${Math.round(pct(postMs, 99))} ms` } },
        {
          measure: `Touchpoint → follow-up visible during the warm-up (fresh worker, first ${warmSecs} s), p50 (${rate}/s)`,
          figure: Math.round(pct(coldLatencies, 50)),
          unit: 'ms',
          goal: { text: `p99 ${Math.round(pct(coldLatencies, 99))} ms` },
        },
        { measure: 'Follow-ups raised per transactional touchpoint (exactly once)', figure: Number((raised / n).toFixed(3)), unit: 'ratio', goal: { text: '= 1' } },
      ];
      return rows;
    } finally {
      await stopProcesses(workers);
      await api?.close().catch(() => undefined);
      await db.drop();
      await dropRedisPrefix(ctx.redisUrl, env.QUEUE_PREFIX).catch(() => undefined);
    }
  },
};
