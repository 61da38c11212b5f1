import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { projectionStatuses } from '../../libs/event-store/src/index.js';
import { dropRedisPrefix, freePort, stopProcesses } from '../support.js';
import type { BenchSuite, Row } from '../types.js';

/*
 * The whole service, as `npm start` runs it: dist/scripts/start.js (the supervisor) with the API
 * and the worker processes it starts, on a database and a queue prefix of its own. Load from
 * autocannon in this process at fixed offered rates, two ways in:
 * - signed single-touchpoint webhooks (Standard Webhooks, a new webhook-id per request);
 * - `POST /touchpoints` with a bearer token.
 * Customers: a population seeded in SQL before the clock starts, picked with a skew (a few
 * customers are contacted often, most rarely); 2% are high-value customers with an account
 * manager whose touchpoints are transactional, so each raises a follow-up.
 *
 * Per stage: accepted/s (2xx answers within the stage; answers still in flight at its end are not counted), HTTP p99 (autocannon), projection lag p99 (database clocks:
 * event recorded → the first checkpoint poll that shows the read-model projection past it) and
 * touchpoint → follow-up p99 (database clocks: touchpoint recorded → its task's row written).
 *
 * Env: BENCH_SERVICE_RATES (250,500,1000,2000), BENCH_SERVICE_SECONDS (10; 3 quick),
 * BENCH_SERVICE_CUSTOMERS (20000; 2000 quick), BENCH_SERVICE_MODES (webhook,bearer),
 * BENCH_SERVICE_CONNECTIONS (128), BENCH_SERVICE_PROFILE=<dir> (every process of the service
 * runs with --cpu-prof into that directory; see docs/scaling.md), WORKER_PROCESSES (passed on).
 */

interface CannonRequest {
  method: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: CannonRequest) => CannonRequest;
}
interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  timeout?: number;
  requests: CannonRequest[];
}
interface CannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  latency: { p99: number; p50: number; average: number };
  statusCodeStats?: Record<string, { count: number }>;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: CannonOptions, cb: (err: Error | null, result: CannonResult) => void) => unknown;
const cannon = (opts: CannonOptions) => new Promise<CannonResult>((resolve, reject) => autocannon(opts, (err, r) => (err ? reject(err) : resolve(r))));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const xidCmp = (a: bigint, ap: number, b: bigint, bp: number) => (a < b ? -1 : a > b ? 1 : ap - bp);

async function waitForLive(base: string, child: ChildProcess) {
  const end = Date.now() + 90_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/health/live`);
      if (res.status < 500) return;
    } catch {}
    await sleep(200);
  }
  throw new Error('the service did not start');
}

/** CPU time (ms, user + system) so far of the service's processes and of the Postgres backends serving its database, by role. */
function cpuByRole(servicePid: number, dbName: string): Map<string, number> {
  const out = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      const ms = ((Number(f[11]) + Number(f[12])) * 1000) / 100;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let role: string | undefined;
      if (ppid === servicePid) {
        const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
        role = cmd.includes('apps/api/') ? 'api' : `worker (${/(?:^|\0)WORKER_ROLES=([^\0]*)/.exec(env)?.[1] ?? 'all'})`;
      } else if (cmd.startsWith('postgres:') && cmd.includes(` ${dbName} `)) role = 'postgres';
      if (role) out.set(role, (out.get(role) ?? 0) + ms);
    } catch {}
  }
  return out;
}

export const serviceSuite: BenchSuite = {
  name: 'service',
  async run(ctx) {
    const rates = (process.env.BENCH_SERVICE_RATES ?? (ctx.quick ? '250,1000' : '250,500,1000,2000')).split(',').map(Number).filter((n) => n > 0);
    const secs = Number(process.env.BENCH_SERVICE_SECONDS ?? ctx.size(10, 3));
    const population = Number(process.env.BENCH_SERVICE_CUSTOMERS ?? ctx.size(20_000, 2_000));
    const modes = (process.env.BENCH_SERVICE_MODES ?? 'webhook,bearer').split(',').map((s) => s.trim()) as ('webhook' | 'bearer')[];
    const unknown = modes.filter((m) => m !== 'webhook' && m !== 'bearer');
    if (unknown.length > 0) throw new Error(`BENCH_SERVICE_MODES: ${unknown.join(', ')} is not webhook or bearer`);
    const connections = Number(process.env.BENCH_SERVICE_CONNECTIONS ?? 128);
    const profileDir = process.env.BENCH_SERVICE_PROFILE;
    const db = await ctx.freshDatabase('service', 4);
    const dbName = new URL(db.url).pathname.slice(1);
    const port = await freePort();
    const metricsPort = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const queuePrefix = `bench${randomBytes(3).toString('hex')}`;
    const rows: Row[] = [];
    let service: ChildProcess | undefined;
    try {
      // The population, straight in SQL (not what is measured): customers and their registrations.
      ctx.log(`seeding ${population.toLocaleString('en')} customers`);
      const adminId = randomUUID();
      const amId = randomUUID();
      const token = randomBytes(32).toString('base64url');
      await db.ds.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, 'bench-admin@closeness.test', 'Bench Admin', 'admin', 'x'), ($2, 'bench-am@closeness.test', 'Bench AM', 'account_manager', 'x')`, [adminId, amId]);
      await db.ds.query(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [createHash('sha256').update(token).digest('hex'), adminId]);
      const ids: string[] = (await db.ds.query(`SELECT gen_random_uuid()::text AS id FROM generate_series(1, $1)`, [population])).map((r: any) => r.id);
      const highValue = (i: number) => i % 50 === 7;
      await db.ds.query(
        `INSERT INTO customers (id, external_id, name, account_manager_id, annual_value, version)
         SELECT id::uuid, 'svc-' || (ord - 1), 'Customer ' || ord, CASE WHEN (ord - 1) % 50 = 7 THEN $2::uuid END,
                CASE WHEN (ord - 1) % 50 = 7 THEN 500000 ELSE 12000 END, 1
         FROM unnest($1::text[]) WITH ORDINALITY AS t(id, ord)`,
        [ids, amId],
      );
      await db.ds.query(
        `INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata)
         SELECT gen_random_uuid(), 'customer-' || id, 1, 'CustomerRegistered',
                jsonb_build_object('customerId', id, 'externalId', 'svc-' || (ord - 1), 'name', 'Customer ' || ord,
                  'accountManagerId', CASE WHEN (ord - 1) % 50 = 7 THEN $2::text END,
                  'annualValue', CASE WHEN (ord - 1) % 50 = 7 THEN 500000 ELSE 12000 END, 'createdVia', 'api'), '{}'
         FROM unnest($1::text[]) WITH ORDINALITY AS t(id, ord)`,
        [ids, amId],
      );

      const start = fileURLToPath(new URL('../../scripts/start.js', import.meta.url));
      service = spawn(process.execPath, [start], {
        env: {
          ...process.env,
          ...(profileDir ? { CLOSENESS_CHILD_NODE_FLAGS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
          NODE_ENV: 'production',
          DATABASE_URL: db.url,
          REDIS_URL: ctx.redisUrl,
          PORT: String(port),
          HOST: '127.0.0.1',
          WORKER_METRICS_PORT: String(metricsPort),
          QUEUE_PREFIX: queuePrefix,
          LOG_LEVEL: 'warn',
          LOG_PRETTY: 'false',
          ADMIN_EMAIL: 'bench-admin@closeness.test',
          ADMIN_PASSWORD: 'bench-admin-password',
          // The offered load comes from one address: the per-client limit would measure itself.
          RATE_LIMIT_PER_MINUTE: '100000000',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await waitForLive(base, service);
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const created = await fetch(`${base}/api/v1/sources`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'bench', format: 'touchpoint' }) });
      if (created.status !== 201) throw new Error(`POST /sources answered ${created.status}`);
      const source = (await created.json()) as { id: string; secret: string };
      const key = Buffer.from(source.secret.replace(/^whsec_/, ''), 'base64');

      const catchUp = async (maxMs: number) => {
        const end = Date.now() + maxMs;
        while (Date.now() < end) {
          // Per bucket when the read models are partitioned (their own row then keeps no position).
          const watched = (await projectionStatuses(db.ds)).filter((p) => p.name === 'customer-read-models' || p.name === 'follow-ups');
          if (watched.length === 2 && watched.every((p) => p.lagEvents === 0)) return true;
          await sleep(250);
        }
        return false;
      };
      ctx.log('waiting for the projections to catch up with the seed');
      await catchUp(180_000);

      // A skewed pick: u² puts a quarter of the contacts on the first 6% of customers.
      const pick = () => Math.floor(population * Math.random() ** 2);
      const occurredAt = () => new Date(Date.now() - 60_000).toISOString();
      const touchpoint = (i: number) =>
        highValue(i)
          ? {
              channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', occurredAt: occurredAt(), topic: 'invoice',
              transcript: [{ speaker: 'customer', text: 'Where is my invoice?' }, { speaker: 'bot', text: 'Dear customer, this is an automated message.' }],
            }
          : {
              channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: occurredAt(), durationSeconds: 300,
              summary: 'The customer asked about returning an order; the agent called back and solved it.',
            };
      const requests = (mode: 'webhook' | 'bearer'): CannonRequest[] => {
        let n = 0;
        return [
          {
            method: 'POST',
            setupRequest: (req) => {
              const i = pick();
              if (mode === 'bearer') return { ...req, body: JSON.stringify({ customerId: ids[i], ...touchpoint(i) }), headers: auth };
              const body = JSON.stringify({ customerExternalId: `svc-${i}`, ...touchpoint(i) });
              const id = `msg_${n++}_${randomUUID()}`;
              const ts = String(Math.floor(Date.now() / 1000));
              const signature = `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
              return { ...req, body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature } };
            },
          },
        ];
      };

      // A warm-up per way in, not measured: a fresh process is slow until its code is compiled and its pools are open.
      for (const mode of modes) {
        ctx.log(`warm-up: ${mode}, 100/s for 3 s`);
        await cannon({ url: `${base}${mode === 'webhook' ? `/api/v1/webhooks/${source.id}` : '/api/v1/touchpoints'}`, connections: 16, duration: 3, overallRate: 100, timeout: 30, requests: requests(mode) });
      }
      await catchUp(60_000);

      for (const mode of modes) {
        for (const rate of rates) {
          const label = `${mode === 'webhook' ? 'signed webhooks' : 'bearer POST /touchpoints'} offered ${rate.toLocaleString('en')}/s`;
          ctx.log(`${label}, ${connections} connections, ${secs} s (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
          const [{ from }] = await db.ds.query(`SELECT clock_timestamp() AS from`);
          const samples: { at: number; cp: Map<number, [bigint, number]> }[] = [];
          // When each follow-up row was first there: its updated_at moves when a reason joins later.
          const firstSeen = new Map<string, number>();
          let polling = true;
          const poller = (async () => {
            while (polling) {
              samples.push(await checkpoints(db.ds));
              await seeFollowUps(db.ds, from, firstSeen);
              await sleep(25);
            }
          })();
          const cpuBefore = cpuByRole(service.pid!, dbName);
          const result = await cannon({ url: `${base}${mode === 'webhook' ? `/api/v1/webhooks/${source.id}` : '/api/v1/touchpoints'}`, connections, duration: secs, overallRate: rate, timeout: 30, requests: requests(mode) });
          const caughtUp = await catchUp(60_000);
          const cpuAfter = cpuByRole(service.pid!, dbName);
          const cpu = [...cpuAfter].map(([role, ms]) => [role, ms - (cpuBefore.get(role) ?? 0)] as const).sort((a, b) => a[0].localeCompare(b[0]));
          polling = false;
          await poller;
          samples.push(await checkpoints(db.ds));
          await seeFollowUps(db.ds, from, firstSeen);
          const events = await db.ds.query(
            `SELECT transaction_id::text AS tx, global_position AS pos, ${await bucketExpr(db.ds)} AS bucket, extract(epoch FROM recorded_at) * 1000 AS at
             FROM events WHERE type = 'TouchpointRecorded' AND recorded_at >= $1`,
            [from],
          );
          const lags: number[] = [];
          for (const e of events) {
            const tx = BigInt(e.tx);
            const pos = Number(e.pos);
            const seen = samples.find((s) => {
              const c = s.cp.get(Number(e.bucket)) ?? s.cp.get(-1);
              return c !== undefined && xidCmp(c[0], c[1], tx, pos) >= 0;
            });
            lags.push(Math.max(0, (seen?.at ?? samples[samples.length - 1].at) - Number(e.at)));
          }
          lags.sort((a, b) => a - b);
          const follow = (
            await db.ds.query(
              `SELECT r.data->>'taskId' AS task, extract(epoch FROM t.recorded_at) * 1000 AS at
               FROM events r JOIN events t ON t.event_id = (r.data->'triggeredBy'->>0)::uuid
               WHERE r.type = 'FollowUpTaskRaised' AND t.recorded_at >= $1`,
              [from],
            )
          )
            .filter((r: any) => firstSeen.has(r.task))
            .map((r: any) => Math.max(0, firstSeen.get(r.task)! - Number(r.at)))
            .sort((a: number, b: number) => a - b);
          const accepted = Math.round(result['2xx'] / result.duration);
          const refused = Object.entries(result.statusCodeStats ?? {}).filter(([c]) => !c.startsWith('2')).map(([c, s]) => `${s.count}× ${c}`).join(', ');
          const load = os.loadavg()[0].toFixed(1);
          rows.push({
            measure: `whole service, ${label}: accepted`,
            figure: accepted,
            unit: 'touchpoints/s',
            baselineKey: 'pg_insert_one_event_per_txn_per_s',
            goal: { atLeast: Math.round(rate * 0.98) },
            note: `${result['2xx']} accepted in ${result.duration.toFixed(1)} s${refused ? `, ${refused}` : ''}${result.errors ? `, ${result.errors} errors (${result.timeouts} timeouts)` : ''}; HTTP p50 ${result.latency.p50} ms; ${events.length} TouchpointRecorded events, ${follow.length} follow-ups; load average (1 min) ${load}${caughtUp ? '' : '; the projections had not caught up 60 s after the load'}.`,
          });
          const perEvent = cpu.map(([role, ms]) => `${role} ${(ms / Math.max(1, events.length)).toFixed(2)}`).join(', ');
          rows.push({
            measure: `whole service, ${label}: CPU per accepted touchpoint (all processes, load and catch-up)`,
            figure: Number((cpu.reduce((a, [, ms]) => a + ms, 0) / Math.max(1, events.length)).toFixed(2)),
            unit: 'ms CPU',
            goal: { text: perEvent },
          });
          rows.push({ measure: `whole service, ${label}: HTTP p99`, figure: result.latency.p99, unit: 'ms', goal: { atMost: 50 } });
          rows.push({ measure: `whole service, ${label}: projection lag p99 (recorded → customer read models)`, figure: Math.round(pct(lags, 99)), unit: 'ms', goal: { atMost: 1000 }, note: `p50 ${Math.round(pct(lags, 50))} ms` });
          rows.push({ measure: `whole service, ${label}: touchpoint → follow-up row p99`, figure: Math.round(pct(follow, 99)), unit: 'ms', goal: { atMost: 1000 }, note: `p50 ${Math.round(pct(follow, 50))} ms over ${follow.length} follow-ups` });
          for (const r of rows.slice(-5)) ctx.log(`  ${r.measure}: ${r.figure} ${r.unit}${r.note ? ` — ${r.note}` : ""}`);
        }
      }
      return rows;
    } finally {
      if (service) await stopProcesses([service]);
      await db.drop();
      await dropRedisPrefix(ctx.redisUrl, queuePrefix).catch(() => undefined);
    }
  },
};

let bucketed: boolean | undefined;
async function isBucketed(ds: { query: (sql: string) => Promise<any[]> }): Promise<boolean> {
  if (bucketed === undefined) {
    const [r] = await ds.query(`SELECT to_regclass('projection_bucket_checkpoints') IS NOT NULL AS b`);
    bucketed = r.b === true;
  }
  return bucketed;
}
async function bucketExpr(ds: { query: (sql: string) => Promise<any[]> }) {
  return (await isBucketed(ds)) ? 'bucket' : '-1';
}

/** The read-model projection's checkpoint(s) now, by the database's clock: per bucket when partitioned (-1: one for the whole log). */
/** Notes the database's clock for each follow-up row created since `from` that was not there before. */
async function seeFollowUps(ds: { query: (sql: string, params?: unknown[]) => Promise<any[]> }, from: unknown, seen: Map<string, number>): Promise<void> {
  const rows = await ds.query(`SELECT id::text AS id, extract(epoch FROM clock_timestamp()) * 1000 AS at FROM follow_ups WHERE created_at >= $1`, [from]);
  for (const r of rows) if (!seen.has(r.id)) seen.set(r.id, Number(r.at));
}

async function checkpoints(ds: { query: (sql: string) => Promise<any[]> }): Promise<{ at: number; cp: Map<number, [bigint, number]> }> {
  const rows = (await isBucketed(ds))
    ? await ds.query(`SELECT extract(epoch FROM clock_timestamp()) * 1000 AS at, bucket, transaction_id::text AS tx, global_position AS pos FROM projection_bucket_checkpoints WHERE name = 'customer-read-models'`)
    : await ds.query(`SELECT extract(epoch FROM clock_timestamp()) * 1000 AS at, -1 AS bucket, transaction_id::text AS tx, global_position AS pos FROM projection_checkpoints WHERE name = 'customer-read-models'`);
  const cp = new Map<number, [bigint, number]>();
  for (const r of rows) cp.set(Number(r.bucket), [BigInt(r.tx), Number(r.pos)]);
  return { at: rows.length ? Number(rows[0].at) : Date.now(), cp };
}
