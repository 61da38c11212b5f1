import { jest } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { AppendNotifier, bucketLeases, EventStore, PROJECTION_BUCKETS, ProjectionRunner, UpcasterRegistry, type Queryable } from '../libs/event-store/src/index.js';
import { appendRaw } from '../libs/event-store/src/testing.js';
import { CustomerReadModelsProjection, FollowUpSummaryProjection, READ_MODELS_LEASE_RUNNER, StreamCache } from '../libs/read-models/src/index.js';
import { CUSTOMER_EVENT_TYPES, customerStream, followUpStream } from '../libs/relationship/src/index.js';
import { UPCASTERS } from '../libs/shared/src/database/upcasters.js';
import { FollowUpsProjection } from '../apps/worker/src/projections/follow-ups.projection.js';
import { freshDatabase, queueEnv } from './support/env.js';
import { eventually, startStack, type Stack } from './support/stack.js';

/**
 * #24 "Must show", the fault half, against the real Postgres and Redis with the worker as it runs
 * in production: two (then three) `WORKER_ROLES=projections` processes built from the sources,
 * sharing the 64 buckets of the partitioned read models through their leases.
 * - one is SIGKILLed while touchpoints for many customers arrive: its buckets move to the other
 *   within the lease bound from the configuration; afterwards every read model equals a
 *   from-scratch rebuild (the product's CLI) row for row, every bucket's checkpoint is past its
 *   last event, and no event was skipped or applied twice;
 * - writers whose transactions commit out of position order are skipped by no bucket;
 * - a rebuild asked for through /ops during ingestion ends identical to the models built
 *   incrementally from the same log (in a second database, the log copied batch by batch);
 * - /ops/projections shows the partitioned projections' progress and who holds their buckets.
 * The tests run in order on one database; each builds on the log the previous ones left.
 */
jest.setTimeout(240_000);

const ROOT = process.cwd();
// Built incrementally into a folder of its own (gitignored), so a second run compiles only what changed.
const OUT = join(ROOT, 'dist', 'partitioned-faults');
const WORKER_MAIN = join(OUT, 'apps/worker/src/main.js');
const REBUILD_CLI = join(OUT, 'scripts/rebuild-projection.js');
/** Short leases, so the takeover fits a test; the bound checked is the one these give. */
const LEASE_SECONDS = 5;
const HEARTBEAT_MS = 1000;
const PARTITIONED = ['customer-read-models', 'customer-follow-ups'];
/** Every projection that writes read-model tables (the relays write none). */
const READ_MODEL_PROJECTIONS = [...PARTITIONED, 'follow-ups'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const T0 = Date.now();
const log = (line: string) => process.stderr.write(`partitioned-faults +${((Date.now() - T0) / 1000).toFixed(1)} s: ${line}\n`);

let stack: Stack;
let store: EventStore;
let notifier: AppendNotifier;
let admin: string;
const workers = new Map<string, ChildProcess>();
const workerLogs: string[] = [];

function startWorker(name: string): ChildProcess {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    DATABASE_URL: stack.db.url,
    ...queueEnv(),
    QUEUE_PREFIX: stack.config.QUEUE_PREFIX,
    WORKER_ROLES: 'projections',
    PROJECTION_LEASE_SECONDS: String(LEASE_SECONDS),
    PROJECTION_LEASE_HEARTBEAT_MS: String(HEARTBEAT_MS),
    DB_POOL_SIZE: '4',
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
  };
  const w = spawn(process.execPath, [WORKER_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => {
    workerLogs.push(`[${name}] ${b.toString()}`);
    if (workerLogs.length > 200) workerLogs.shift();
  };
  w.stdout?.on('data', keep);
  w.stderr?.on('data', keep);
  workers.set(name, w);
  w.once('exit', () => workers.get(name) === w && workers.delete(name));
  return w;
}

function exited(w: ChildProcess): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => w.once('exit', () => resolve()));
}

/** The lease owner names a worker process by its pid (`host:pid:instance`). */
const pidOf = (owner: string) => Number(owner.split(':').at(-2));

async function holders(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const l of await bucketLeases(stack.db.ds, READ_MODELS_LEASE_RUNNER)) out.set(pidOf(l.owner!), (out.get(pidOf(l.owner!)) ?? 0) + 1);
  return out;
}

const withLogs = (err: unknown) => new Error(`${String(err)}\nworker log tail:\n${workerLogs.slice(-15).map((l) => l.slice(0, 600)).join('\n')}`);

// ---------------------------------------------------------------- load

const customers: string[] = [];
let touchpointN = 0;

const meta = (id: string) => ({ correlationId: id, actorId: 'test:partitioned-faults' });

function registered(customerId: string) {
  const id = randomUUID();
  return { id, type: 'CustomerRegistered', data: { customerId, externalId: `pf-${customerId}`, name: 'Customer', annualValue: 20_000, createdVia: 'api' }, metadata: meta(id) };
}

/** A touchpoint; with `replyTo`, the company's answer to an earlier one (which rescores that one). */
function touchpoint(customerId: string, replyTo?: string) {
  const id = randomUUID();
  const n = touchpointN++;
  const occurredAt = new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString();
  const data = replyTo
    ? { id, customerId, channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', occurredAt, replyToId: replyTo, summary: `Thanks for asking, here is the answer (${n}).` }
    : { id, customerId, channel: n % 3 === 0 ? 'phone' : 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt, summary: `Question ${n} about an order.`, durationSeconds: n % 3 === 0 ? 300 : undefined };
  return { id, type: 'TouchpointRecorded', data, metadata: meta(id) };
}

async function registerCustomers(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  for (let i = 0; i < ids.length; i += 16) await Promise.all(ids.slice(i, i + 16).map((c) => appendRaw(store, customerStream(c), [registered(c)], 'no_stream')));
  customers.push(...ids);
  return ids;
}

/**
 * Writers appending touchpoints (some of them replies) and follow-up tasks (raised, later
 * completed) for random customers until stopped, each a transaction of its own.
 */
function startLoad(pool: string[], writers = 3, pauseMs = 8) {
  let running = true;
  let appended = 0;
  const lastInbound = new Map<string, string>();
  const openTask = new Map<string, string>();
  let failed: unknown;
  const writer = async () => {
    while (running && failed === undefined) {
      const c = pool[Math.floor(Math.random() * pool.length)];
      const r = Math.random();
      if (r < 0.06) {
        const task = openTask.get(c);
        const at = new Date().toISOString();
        if (task) {
          openTask.delete(c);
          const id = randomUUID();
          await appendRaw(store, followUpStream(task), [{ id, type: 'FollowUpTaskCompleted', data: { taskId: task, customerId: c, completedBy: null, completedAt: at, automatic: false }, metadata: meta(id) }]);
        } else {
          const taskId = randomUUID();
          openTask.set(c, taskId);
          const id = randomUUID();
          const reason = { rule: 'test_rule', reason: 'A test asked for it', triggeredBy: [], at };
          await appendRaw(store, followUpStream(taskId), [{
            id, type: 'FollowUpTaskRaised',
            data: { taskId, customerId: c, rule: 'test_rule', reason: reason.reason, suggestedAction: 'Call them', priority: 'normal', dueAt: at, triggeredBy: [], assigneeId: null, raisedAt: at, reasons: [reason] },
            metadata: meta(id),
          }], 'no_stream');
        }
      } else {
        const replyTo = r < 0.3 ? lastInbound.get(c) : undefined;
        const e = touchpoint(c, replyTo);
        await appendRaw(store, customerStream(c), [e]);
        if (replyTo) lastInbound.delete(c);
        else lastInbound.set(c, e.id);
      }
      appended++;
      await sleep(pauseMs);
    }
  };
  const loops = Array.from({ length: writers }, () => writer().catch((err) => (failed ??= err)));
  return {
    appended: () => appended,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      if (failed !== undefined) throw failed;
    },
  };
}

// ---------------------------------------------------------------- checks

/**
 * The buckets of a partitioned projection with an event after their checkpoint (what
 * /ops/projections and drain call not applied). A checkpoint may stand past its bucket's last
 * event: buckets read together move to the last row of their pass (EventStore.readBuckets).
 */
async function bucketsBehind(ds: Queryable, name: string): Promise<number[]> {
  const rows = await ds.query(
    `SELECT b.bucket, EXISTS (SELECT 1 FROM events e WHERE e.bucket = b.bucket
       AND (e.transaction_id, e.global_position) > (b.transaction_id, b.global_position)) AS behind
     FROM projection_bucket_checkpoints b WHERE b.name = $1 ORDER BY b.bucket`,
    [name],
  );
  if (rows.length !== PROJECTION_BUCKETS) return [-1];
  return rows.filter((r: any) => r.behind === true).map((r: any) => Number(r.bucket));
}

/** Every read-model projection has applied the whole log (per bucket when partitioned) and none is rebuilding (asked for, or under way in shadow tables). */
async function caughtUp(ds: Queryable): Promise<boolean> {
  for (const name of PARTITIONED) if ((await bucketsBehind(ds, name)).length > 0) return false;
  if ((await ds.query(`SELECT 1 FROM projection_rebuilds LIMIT 1`)).length > 0) return false;
  const [whole] = await ds.query(
    `SELECT c.status, NOT EXISTS (SELECT 1 FROM events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) AS done
     FROM projection_checkpoints c WHERE c.name = 'follow-ups'`,
  );
  const statuses = await ds.query(`SELECT name, status FROM projection_checkpoints WHERE name = ANY($1::text[])`, [READ_MODEL_PROJECTIONS]);
  return whole?.done === true && statuses.length === READ_MODEL_PROJECTIONS.length && statuses.every((s: any) => s.status === 'running');
}

const awaitCaughtUp = (ds: Queryable, ms = 90_000) => eventually(() => caughtUp(ds), ms, 200).catch((err) => { throw withLogs(err); });

/**
 * The read-model tables, every column, in key order. Left out: `follow_ups.updated_at` (the
 * time the projection wrote the row, now() by design) — no other read-model column holds a
 * wall-clock time. `relational_scores` is the dictionary the timeline's rows refer to: it is
 * compared as the scores referred to (with the rows), because a touchpoint rescored by a later
 * reply leaves its old score unreferenced in an incrementally built dictionary, which a
 * rebuild never writes; those are counted apart (`unreferencedScores`).
 */
async function readModels(ds: Queryable) {
  const table = async (name: string, order: string, without: string[] = []) => {
    const cols = (await ds.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, [name]))
      .map((r: any) => r.column_name as string)
      .filter((c: string) => !without.includes(c));
    return ds.query(`SELECT ${cols.map((c: string) => `"${c}"`).join(', ')} FROM ${name} ORDER BY ${order}`);
  };
  return {
    customer_timeline: await table('customer_timeline', 'event_id'),
    customer_health: await table('customer_health', 'customer_id'),
    referenced_scores: await ds.query(`SELECT id, score FROM relational_scores WHERE id IN (SELECT relational_id FROM customer_timeline) ORDER BY id`),
    customer_follow_up_summary: await table('customer_follow_up_summary', 'task_id'),
    follow_ups: await table('follow_ups', 'id', ['updated_at']),
  };
}

const unreferencedScores = async (ds: Queryable) =>
  Number((await ds.query(`SELECT count(*)::int AS n FROM relational_scores WHERE id NOT IN (SELECT relational_id FROM customer_timeline WHERE relational_id IS NOT NULL)`))[0].n);

/** Table by table: row counts and the first row that differs ([] when equal row for row). */
function differences(a: Record<string, any[]>, b: Record<string, any[]>): string[] {
  const out: string[] = [];
  for (const t of Object.keys(a)) {
    const x = a[t].map((r) => JSON.stringify(r));
    const y = b[t].map((r) => JSON.stringify(r));
    const i = x.findIndex((r, k) => r !== y[k]);
    if (x.length !== y.length || i >= 0) out.push(`${t}: ${x.length} vs ${y.length} rows; first difference at row ${i}:\n  ${x[i] ?? '(none)'}\n  ${y[i] ?? '(none)'}`);
  }
  return out;
}

/**
 * Records every row a partitioned projection inserts (a BEFORE trigger also sees an insert that
 * ON CONFLICT would turn into an update or nothing), so an event applied twice counts twice; a
 * rolled-back batch takes its records with it. Counted per table oid: a rebuild writes shadow
 * tables (the triggers copied onto them) that replace the live ones, and a reset's TRUNCATE
 * starts the count afresh.
 */
async function countApplications(ds: Queryable): Promise<void> {
  await ds.query(`
    CREATE TABLE test_applied (tbl text NOT NULL, relid oid NOT NULL, key uuid NOT NULL);
    CREATE FUNCTION test_applied_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO test_applied VALUES (TG_TABLE_NAME, TG_RELID, (to_jsonb(NEW) ->> TG_ARGV[0])::uuid);
      RETURN NEW;
    END $$;
    CREATE FUNCTION test_applied_reset() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM test_applied WHERE relid = TG_RELID;
      RETURN NULL;
    END $$;
    CREATE TRIGGER test_applied BEFORE INSERT ON customer_timeline FOR EACH ROW EXECUTE FUNCTION test_applied_row('event_id');
    CREATE TRIGGER test_applied BEFORE INSERT ON customer_follow_up_summary FOR EACH ROW EXECUTE FUNCTION test_applied_row('task_id');
    CREATE TRIGGER test_applied_reset BEFORE TRUNCATE ON customer_timeline FOR EACH STATEMENT EXECUTE FUNCTION test_applied_reset();
    CREATE TRIGGER test_applied_reset BEFORE TRUNCATE ON customer_follow_up_summary FOR EACH STATEMENT EXECUTE FUNCTION test_applied_reset();`);
}

/**
 * No event skipped, none applied twice: every customer event has its timeline row and every
 * raise its summary row, each inserted once; per customer as many rows as events; each health
 * row folded the customer's whole stream; every bucket's checkpoint past its last event.
 */
async function expectExactlyOnce(ds: Queryable): Promise<{ events: number }> {
  // The tables in place now (a rebuild's shadow tables, swapped in, are new tables).
  const twice = await ds.query(
    `SELECT tbl, key FROM test_applied WHERE relid IN ('customer_timeline'::regclass, 'customer_follow_up_summary'::regclass) GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 5`,
  );
  expect(twice).toEqual([]);
  const perCustomer = await ds.query(
    `WITH e AS (SELECT substr(stream_id, 10)::uuid AS customer_id, count(*)::int AS n, max(stream_version) AS v FROM events
                WHERE stream_id LIKE 'customer-%' AND type = ANY($1::text[]) GROUP BY 1),
          t AS (SELECT customer_id, count(*)::int AS n FROM customer_timeline GROUP BY 1)
     SELECT e.customer_id, e.n AS events, t.n AS rows, h.stream_version AS folded, e.v AS version
     FROM e LEFT JOIN t USING (customer_id) LEFT JOIN customer_health h USING (customer_id)
     WHERE t.n IS DISTINCT FROM e.n OR h.stream_version IS DISTINCT FROM e.v`,
    [CUSTOMER_EVENT_TYPES],
  );
  expect(perCustomer).toEqual([]);
  const [{ missing, inserted, rows }] = await ds.query(
    `SELECT (SELECT count(*)::int FROM events e WHERE e.stream_id LIKE 'customer-%' AND e.type = ANY($1::text[])
               AND NOT EXISTS (SELECT 1 FROM customer_timeline t WHERE t.event_id = e.event_id)) AS missing,
            (SELECT count(*)::int FROM test_applied WHERE relid = 'customer_timeline'::regclass) AS inserted,
            (SELECT count(*)::int FROM customer_timeline) AS rows`,
    [CUSTOMER_EVENT_TYPES],
  );
  expect({ missing, inserted }).toEqual({ missing: 0, inserted: rows });
  const [raises] = await ds.query(
    `SELECT (SELECT count(*)::int FROM events WHERE type = 'FollowUpTaskRaised') AS raised,
            (SELECT count(*)::int FROM customer_follow_up_summary) AS rows,
            (SELECT count(*)::int FROM test_applied WHERE relid = 'customer_follow_up_summary'::regclass) AS inserted,
            (SELECT count(*)::int FROM customer_follow_up_summary WHERE status = 'done') AS done,
            (SELECT count(*)::int FROM events WHERE type = 'FollowUpTaskCompleted') AS completed`,
  );
  expect(raises.rows).toBe(raises.raised);
  expect(raises.inserted).toBe(raises.raised);
  expect(raises.done).toBe(raises.completed);
  for (const name of PARTITIONED) expect({ name, behind: await bucketsBehind(ds, name) }).toEqual({ name, behind: [] });
  return { events: rows };
}

async function opsProjections(): Promise<any[]> {
  return (await request(stack.baseUrl).get('/api/v1/ops/projections').set({ Authorization: `Bearer ${admin}` }).expect(200)).body;
}

// ---------------------------------------------------------------- setup

beforeAll(async () => {
  // The worker and the rebuild CLI as production runs them (tsc emits even when another file has a type error).
  const built = Date.now();
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', OUT, '--incremental', '--tsBuildInfoFile', join(OUT, '.tsbuildinfo')], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).catch(() => undefined);
  if (!existsSync(WORKER_MAIN) || !existsSync(REBUILD_CLI)) throw new Error(`worker build missing in ${OUT}`);
  log(`built in ${Date.now() - built} ms`);
  stack = await startStack({ worker: false });
  store = new EventStore(stack.db.ds, new UpcasterRegistry(UPCASTERS));
  // The workers hear of appends as they do from the API.
  notifier = new AppendNotifier(stack.db.ds, store);
  await countApplications(stack.db.ds);
  admin = (await request(stack.baseUrl).post('/api/v1/auth/login').send({ email: 'admin@closeness.test', password: 'admin-password-1' }).expect(200)).body.token;
}, 180_000);

afterAll(async () => {
  for (const w of workers.values()) w.kill('SIGKILL');
  await Promise.all([...workers.values()].map(exited));
  notifier?.close();
  await stack?.close();
});

describe('partitioned projections under faults (worker processes, real Postgres and Redis)', () => {
  it('given two workers sharing the buckets under load, when the one holding buckets is SIGKILLed, then its buckets move to the other within the lease bound and the read models equal a rebuild row for row, every event applied once', async () => {
    const a = startWorker('a');
    const b = startWorker('b');
    await eventually(async () => {
      const h = await holders();
      return h.get(a.pid!) === 32 && h.get(b.pid!) === 32;
    }, 60_000, 200).catch((err) => { throw withLogs(err); });
    log('two workers hold 32 buckets each');
    const pool = await registerCustomers(400);
    const load = startLoad(pool);
    // Mid-load, with both applying: kill the one that holds buckets with work in them.
    await eventually(async () => load.appended() >= 600 && (await stack.db.ds.query(`SELECT count(*)::int AS n FROM customer_timeline`))[0].n >= 400, 60_000, 100).catch(async (err) => {
      await load.stop().catch(() => undefined);
      throw withLogs(err);
    });
    const victim = (await holders()).get(a.pid!) ? a : b;
    const survivor = victim === a ? b : a;
    const [{ at: killedAt }] = await stack.db.ds.query(`SELECT clock_timestamp() AS at`);
    victim.kill('SIGKILL');
    await exited(victim);
    // Taken over: every bucket leased to the survivor (database clock both ends).
    const takenAt: Date = await eventually(async () => {
      const [r] = await stack.db.ds.query(
        `SELECT clock_timestamp() AS at, count(*) FILTER (WHERE owner LIKE $2 AND expires_at > now())::int AS mine
         FROM projection_bucket_leases WHERE runner = $1`,
        [READ_MODELS_LEASE_RUNNER, `%:${survivor.pid}:%`],
      );
      return r.mine === PROJECTION_BUCKETS ? (r.at as Date) : undefined;
    }, 30_000, 100);
    const takeoverMs = takenAt.getTime() - new Date(killedAt).getTime();
    // A lease runs out LEASE_SECONDS after its last renewal (which came before the kill); the
    // survivor claims it on its next heartbeat. One more heartbeat interval covers that
    // heartbeat's own round trips on a busy machine and this test's polling.
    const bound = LEASE_SECONDS * 1000 + 2 * HEARTBEAT_MS;
    log(`takeover after SIGKILL: ${takeoverMs} ms (lease ${LEASE_SECONDS} s, heartbeat ${HEARTBEAT_MS} ms, bound ${bound} ms), ${load.appended()} events appended so far`);
    expect(takeoverMs).toBeLessThanOrEqual(bound);
    // The load goes on a little after the takeover, then stops; the survivor catches up alone.
    await sleep(1500);
    await load.stop();
    await awaitCaughtUp(stack.db.ds);
    log('the survivor caught up');
    const ops = (await opsProjections()).find((p) => p.name === 'customer-read-models');
    expect(ops.leaseHolders).toEqual([{ owner: expect.stringContaining(`:${survivor.pid}:`), buckets: PROJECTION_BUCKETS }]);
    const { events } = await expectExactlyOnce(stack.db.ds);
    const live = await readModels(stack.db.ds);
    const orphans = await unreferencedScores(stack.db.ds);
    // From scratch, with the product's CLI, while the survivor keeps running (it takes no bucket meanwhile: the rebuild holds the projection's lock).
    // One CLI per projection, at once (each rebuild holds its own projection's lock).
    const rebuiltIn: Record<string, number> = {};
    await Promise.all(READ_MODEL_PROJECTIONS.map(async (name) => {
      const started = Date.now();
      const { stdout } = await promisify(execFile)(process.execPath, [REBUILD_CLI, name], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: stack.db.url, ...queueEnv(), QUEUE_PREFIX: stack.config.QUEUE_PREFIX, LOG_LEVEL: 'warn' } });
      expect(stdout).toMatch(/rebuil/);
      rebuiltIn[name] = Date.now() - started;
    }));
    // follow-ups is rebuilt by the running worker (the CLI hands it over): wait for it.
    await awaitCaughtUp(stack.db.ds);
    log(`rebuilt from scratch: ${JSON.stringify(rebuiltIn)} ms; ${events} timeline rows, ${live.customer_follow_up_summary.length} tasks, ${orphans} unreferenced scores in the incremental dictionary`);
    expect(differences(live, await readModels(stack.db.ds))).toEqual([]);
    await expectExactlyOnce(stack.db.ds);
  });

  it('given writers whose transactions commit out of position order in one bucket, then no bucket skips an event', async () => {
    // A worker joining: the buckets are shared out again (two processes, 32 each).
    const c = startWorker('c');
    const others = [...workers.values()].filter((w) => w !== c);
    expect(others).toHaveLength(1);
    await eventually(async () => {
      const h = await holders();
      return h.get(c.pid!) === 32 && h.get(others[0].pid!) === 32;
    }, 60_000, 200).catch((err) => { throw withLogs(err); });
    // Customers in one bucket (a stream's bucket is hashtextextended(stream id) & 63).
    const candidates = Array.from({ length: 600 }, () => randomUUID());
    const bucketOf = (await stack.db.ds.query(`SELECT c, (hashtextextended('customer-' || c, 0) & 63)::int AS b FROM unnest($1::text[]) c`, [candidates])) as { c: string; b: number }[];
    const counts = new Map<number, string[]>();
    for (const { c: id, b } of bucketOf) counts.set(b, [...(counts.get(b) ?? []), id]);
    const [bucket, same] = [...counts].sort((x, y) => y[1].length - x[1].length)[0];
    const slowCustomers = same.slice(0, 3);
    const fastCustomers = same.slice(3, 6);
    expect(fastCustomers).toHaveLength(3);
    for (const id of [...slowCustomers, ...fastCustomers]) await appendRaw(store, customerStream(id), [registered(id)], 'no_stream');
    customers.push(...slowCustomers, ...fastCustomers);
    await awaitCaughtUp(stack.db.ds);

    const positionsOf = async (ids: string[]) => (await stack.db.ds.query(`SELECT global_position::int AS p, transaction_id::text AS tx FROM events WHERE event_id = ANY($1::uuid[])`, [ids])) as { p: number; tx: string }[];
    const slowIds: string[] = [];
    const fastIds: string[] = [];
    // Slow writers: (1) append, then hold the transaction open; (2) take a transaction id first,
    // append later (a later position under an earlier id); (3) append two, hold, commit.
    let firstOpen = true;
    const slow = [
      stack.db.ds.transaction(async (tx) => {
        const e = touchpoint(slowCustomers[0]);
        await appendRaw(store, customerStream(slowCustomers[0]), [e], 'any', tx);
        slowIds.push(e.id);
        await sleep(2500);
      }).finally(() => (firstOpen = false)),
      stack.db.ds.transaction(async (tx) => {
        await tx.query(`SELECT pg_current_xact_id()`);
        await sleep(600);
        const e = touchpoint(slowCustomers[1]);
        await appendRaw(store, customerStream(slowCustomers[1]), [e], 'any', tx);
        slowIds.push(e.id);
        await sleep(1200);
      }),
      stack.db.ds.transaction(async (tx) => {
        await sleep(300);
        const e1 = touchpoint(slowCustomers[2]);
        const e2 = touchpoint(slowCustomers[2], e1.id);
        await appendRaw(store, customerStream(slowCustomers[2]), [e1, e2], 'any', tx);
        slowIds.push(e1.id, e2.id);
        await sleep(1800);
      }),
    ];
    // Meanwhile fast writers commit later positions in the same bucket first, and the workers
    // keep reading it (each append NOTIFYs them).
    const samples: { tx: string; pos: number; open: boolean }[] = [];
    const fast = (async () => {
      await sleep(100);
      for (let i = 0; i < 24; i++) {
        const e = touchpoint(fastCustomers[i % 3]);
        await appendRaw(store, customerStream(fastCustomers[i % 3]), [e]);
        fastIds.push(e.id);
        const open = firstOpen;
        const [cp] = await stack.db.ds.query(`SELECT transaction_id::text AS tx, global_position::int AS pos FROM projection_bucket_checkpoints WHERE name = 'customer-read-models' AND bucket = $1`, [bucket]);
        samples.push({ ...cp, open });
        await sleep(100);
      }
    })();
    await Promise.all([...slow, fast]);
    const slowAt = await positionsOf(slowIds);
    const fastAt = await positionsOf(fastIds);
    // Out of order indeed: each slow event has a lower position than some fast one that committed before it.
    expect(slowAt.filter((s) => fastAt.some((f) => f.p > s.p))).toHaveLength(slowIds.length);
    // While the first slow transaction was open, the bucket's checkpoint never passed its event (in commit order: transaction id, then position).
    const [first] = await positionsOf([slowIds[0]]);
    const before = (cp: { tx: string; pos: number }) => BigInt(cp.tx) < BigInt(first.tx) || (cp.tx === first.tx && cp.pos < first.p);
    const whileOpen = samples.filter((x) => x.open);
    expect(whileOpen.length).toBeGreaterThan(0);
    expect(whileOpen.filter((x) => !before(x))).toEqual([]);
    await awaitCaughtUp(stack.db.ds);
    const applied = await stack.db.ds.query(`SELECT count(*)::int AS n FROM customer_timeline WHERE event_id = ANY($1::uuid[])`, [[...slowIds, ...fastIds]]);
    expect(applied[0].n).toBe(slowIds.length + fastIds.length);
    log(`slow commits: bucket ${bucket}, ${slowIds.length} slow and ${fastIds.length} fast events; the bucket's checkpoint sampled ${whileOpen.length} times while the first was open, never past it`);
    await expectExactlyOnce(stack.db.ds);
  });

  it('given a rebuild asked for through /ops during ingestion and a worker SIGKILLed while it replays, then the models end identical to the ones built incrementally from the same log, and /ops/projections shows the buckets and who holds them', async () => {
    expect(workers.size).toBe(2);
    const load = startLoad(customers.slice(0, 300), 2, 10);
    await sleep(1500);
    for (const name of READ_MODEL_PROJECTIONS) {
      await request(stack.baseUrl).post(`/api/v1/ops/projections/${name}/rebuild`).set({ Authorization: `Bearer ${admin}` }).expect(202);
    }
    // Progress while it rebuilds and the writes go on. Once the rebuild has begun (the status is
    // back to running, the shadow replaying), one worker dies mid-replay and another takes its
    // place: the dead one's buckets, live and shadow, go on from their checkpoints when their
    // leases run out.
    const progress: string[] = [];
    const started = Date.now();
    let killed = false;
    while (Date.now() - started < 4000) {
      const p = (await opsProjections()).find((x) => x.name === 'customer-read-models');
      progress.push(`${p.status} ${p.buckets.applied}/${p.buckets.count}${p.rebuild ? ` shadow ${p.rebuild.bucketsDone}/${p.rebuild.buckets}` : ''}`);
      if (!killed && p.status === 'running') {
        killed = true;
        const victim = [...workers.values()][0];
        victim.kill('SIGKILL');
        await exited(victim);
        progress.push('SIGKILL');
        startWorker('d');
      }
      await sleep(400);
    }
    await load.stop();
    expect(killed).toBe(true);
    await awaitCaughtUp(stack.db.ds);
    log(`rebuild during ingestion (customer-read-models status, buckets applied/count, shadow buckets done/count, every 400 ms): ${progress.join(', ')}`);
    // The two live workers share the buckets again.
    const running = [...workers.values()];
    expect(running).toHaveLength(2);
    await eventually(async () => {
      const h = await holders();
      return running.every((w) => h.get(w.pid!) === 32);
    }, 30_000, 200).catch((err) => { throw withLogs(err); });

    const ops = await opsProjections();
    // The last event applied: of the whole log in commit order, and the furthest of the buckets' last events.
    const [{ whole: wholeLast, furthest }] = await stack.db.ds.query(
      `SELECT (SELECT global_position::int FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1) AS whole,
              (SELECT max((SELECT e.global_position FROM events e WHERE e.bucket = b ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1))::int
               FROM generate_series(0, ${PROJECTION_BUCKETS - 1}) b) AS furthest`,
    );
    for (const name of PARTITIONED) {
      const p = ops.find((x) => x.name === name);
      expect(p).toMatchObject({ status: 'running', lagEvents: 0, lagSeconds: 0, buckets: { count: PROJECTION_BUCKETS, applied: PROJECTION_BUCKETS }, position: furthest });
      expect(p.leaseHolders.map((h: any) => pidOf(h.owner)).sort()).toEqual(running.map((w) => w.pid).sort());
      expect(p.leaseHolders.map((h: any) => h.buckets)).toEqual([32, 32]);
    }
    // A projection that runs whole has neither field (the contract's fields only, as before).
    const whole = ops.find((x) => x.name === 'follow-ups');
    expect(whole).toMatchObject({ status: 'running', lagEvents: 0, position: wholeLast });
    expect(whole).not.toHaveProperty('buckets');
    expect(whole).not.toHaveProperty('leaseHolders');
    await expectExactlyOnce(stack.db.ds);
    const rebuilt = await readModels(stack.db.ds);

    // The incremental reference: the same log (every column, the transaction ids included) copied
    // into a second database in commit order, a piece at a time, each piece applied on top of the last.
    const ref = await freshDatabase('closeness_pfref');
    try {
      const refStore = new EventStore(ref.ds, new UpcasterRegistry(UPCASTERS));
      const runner = new ProjectionRunner(ref.ds, refStore, [new CustomerReadModelsProjection(new StreamCache(refStore)), new FollowUpSummaryProjection(), new FollowUpsProjection()]);
      const [{ n }] = await stack.db.ds.query(`SELECT count(*)::int AS n FROM events`);
      const piece = Math.ceil(n / 12);
      let after = { tx: '0', pos: 0 };
      for (;;) {
        const [{ rows }] = await stack.db.ds.query(
          `SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.transaction_id::xid8, x.global_position), '[]')::text AS rows FROM (
             SELECT global_position, transaction_id::text AS transaction_id, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at::text AS recorded_at
             -- events.transaction_id: a bare name would sort by the text alias ('10' < '9' where the xids gain a digit).
             FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) ORDER BY events.transaction_id, events.global_position LIMIT $3) x`,
          [after.tx, after.pos, piece],
        );
        const list = JSON.parse(rows);
        if (list.length === 0) break;
        await ref.ds.query(
          `INSERT INTO events (global_position, transaction_id, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at)
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(global_position bigint, transaction_id xid8, event_id uuid, stream_id text, stream_version int,
             type text, schema_version int, data jsonb, metadata jsonb, recorded_at timestamptz)`,
          [rows],
        );
        const lastRow = list[list.length - 1];
        after = { tx: lastRow.transaction_id, pos: lastRow.global_position };
        await runner.drain();
      }
      expect(await caughtUp(ref.ds)).toBe(true);
      expect(differences(rebuilt, await readModels(ref.ds))).toEqual([]);
    } finally {
      await ref.drop();
    }
  });
});
