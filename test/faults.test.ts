import { jest } from '@jest/globals';
import { Queue } from 'bullmq';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventStore } from '../libs/event-store/src/index.js';
import { createRedis, QUEUES } from '../libs/queues/src/index.js';
import { customerStream } from '../libs/relationship/src/index.js';
import { freePort } from '../bench/support.js';
import { needsBinary } from './support/binaries.js';
import { freshDatabase } from './support/env.js';
import { eventually } from './support/stack.js';
import { appendRaw } from '../libs/event-store/src/testing.js';

/**
 * Fault tolerance of the follow-up pipeline (relay → BullMQ → worker → events), on the real
 * Postgres and on a Redis server of this test's own (AOF on, so a restart keeps what it
 * accepted), with the worker as a child process built from the sources.
 * Each scenario gives N fresh high-value customers one transactional touchpoint each, so
 * exactly N follow-ups (rule high_value_transactional) must exist afterwards: none lost, none twice.
 */
jest.setTimeout(600_000);

const ROOT = process.cwd();
const OUT = join(ROOT, 'dist', `h7-faults-${process.pid}`);
const MAIN = join(OUT, 'apps/worker/src/main.js');
// A port the OS gives (never one a running Redis may hold), chosen before the first start.
let REDIS_PORT = 0;
let REDIS_URL = '';
const HAS_REDIS = needsBinary('redis-server', 'the fault tests stop and start a Redis server of their own');

let db: Awaited<ReturnType<typeof freshDatabase>>;
let store: EventStore;
let redisDir: string;
let redis: ChildProcess | undefined;
let queue: Queue;
let queueConn: ReturnType<typeof createRedis>;
const prefix = `f${randomBytes(4).toString('hex')}`;
let amId: string;
const workers = new Set<ChildProcess>();
const workerLogs: string[] = [];

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
  const probe = createRedis(REDIS_URL, 'probe', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  probe.on('error', () => undefined);
  await eventually(async () => {
    try {
      if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    }
  }, 10_000, 100);
  probe.disconnect();
}

async function stopRedis(): Promise<void> {
  const p = redis;
  redis = undefined;
  if (!p || p.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });
}

function startWorker(): ChildProcess {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_BACKEND: 'redis',
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    WORKER_LOCK_SECONDS: '4',
    WORKER_CONCURRENCY: '8',
  };
  const w = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => {
    workerLogs.push(b.toString());
    if (workerLogs.length > 200) workerLogs.shift();
  };
  w.stdout?.on('data', keep);
  w.stderr?.on('data', keep);
  workers.add(w);
  w.once('exit', () => workers.delete(w));
  return w;
}

function exited(w: ChildProcess, timeoutMs = 60_000): Promise<number | string | null> {
  if (w.exitCode !== null || w.signalCode !== null) return Promise.resolve(w.exitCode ?? w.signalCode);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('worker did not exit')), timeoutMs);
    w.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve(code ?? signal);
    });
  });
}

/** A fresh customer worth 500k with one transactional (chatbot) touchpoint; returns its id. */
async function customerWithTransactionalContact(touchpointId = randomUUID()): Promise<{ customerId: string; touchpointId: string }> {
  const customerId = randomUUID();
  await db.ds.transaction(async (tx) => {
    await tx.query(`INSERT INTO customers (id, external_id, name, account_manager_id, annual_value, version) VALUES ($1, $2, $3, $4, 500000, 1)`, [customerId, `ext-${customerId}`, 'Kari Nordmann', amId]);
    await appendRaw(store, customerStream(customerId), [{ id: randomUUID(), type: 'CustomerRegistered', data: { customerId, externalId: `ext-${customerId}`, name: 'Kari Nordmann', accountManagerId: amId, annualValue: 500000, createdVia: 'api' } }], 'no_stream', tx);
  });
  await appendTouchpoint(customerId, touchpointId);
  return { customerId, touchpointId };
}

function appendTouchpoint(customerId: string, touchpointId: string) {
  return appendRaw(store, customerStream(customerId), [{
    id: touchpointId,
    type: 'TouchpointRecorded',
    data: {
      id: touchpointId, customerId, channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation',
      occurredAt: new Date(Date.now() - 60_000).toISOString(), topic: 'invoice',
      transcript: [{ speaker: 'customer', text: 'Where is my invoice?' }, { speaker: 'bot', text: 'Dear customer, this is an automated message.' }],
    },
    metadata: { occurredAt: new Date().toISOString() },
  }]);
}

/** Every customer has exactly one FollowUpTaskRaised and one open row in the read model. */
async function expectExactlyOneEach(customerIds: string[], timeoutMs = 120_000): Promise<void> {
  await eventually(async () => {
    const rows = await db.ds.query(`SELECT count(*)::int AS n FROM follow_ups WHERE customer_id = ANY($1::uuid[])`, [customerIds]);
    return rows[0].n >= customerIds.length;
  }, timeoutMs, 250).catch((err) => {
    throw new Error(`${String(err)}\nworker log tail:\n${workerLogs.slice(-10).join('')}`);
  });
  const raised = await db.ds.query(
    `SELECT data->>'customerId' AS c, count(*)::int AS n FROM events WHERE type = 'FollowUpTaskRaised' AND data->>'customerId' = ANY($1::text[]) GROUP BY 1`,
    [customerIds],
  );
  expect(raised).toHaveLength(customerIds.length);
  expect(raised.every((r: any) => r.n === 1)).toBe(true);
  const rows = await db.ds.query(`SELECT customer_id, rule, status, assignee_id FROM follow_ups WHERE customer_id = ANY($1::uuid[])`, [customerIds]);
  expect(rows).toHaveLength(customerIds.length);
  expect(rows.every((r: any) => r.rule === 'high_value_transactional' && r.status === 'open' && r.assignee_id === amId)).toBe(true);
}

/** No evaluation job waiting, delayed or active: nothing left stuck. */
async function expectQueueDrained(): Promise<void> {
  await eventually(async () => {
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
    return jobs.filter((j) => j?.name === 'evaluate-event').length === 0;
  }, 60_000, 250);
  const dead = await db.ds.query(`SELECT count(*)::int AS n FROM job_dead_letters`);
  expect(dead[0].n).toBe(0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends a touchpoint for a new customer every `everyMs` until stopped; Postgres keeps taking them while Redis is down. */
function keepArriving(everyMs: number) {
  const ids: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      ids.push((await customerWithTransactionalContact()).customerId);
      await sleep(everyMs);
    }
  })();
  return { ids, stop: async () => ((running = false), await loop) };
}

beforeAll(async () => {
  if (!HAS_REDIS) return;
  REDIS_PORT = await freePort();
  REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
  // Build the worker as production runs it (tsc emits even when another file has a type error).
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', OUT], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).catch(() => undefined);
  if (!existsSync(MAIN)) throw new Error(`worker build missing at ${MAIN}`);
  redisDir = mkdtempSync(join(tmpdir(), 'closeness-redis-'));
  await startRedis();
  db = await freshDatabase('closeness_faults');
  store = new EventStore(db.ds);
  amId = randomUUID();
  await db.ds.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, $2, 'Anna AM', 'account_manager', 'x')`, [amId, `am-${amId}@closeness.test`]);
  queueConn = createRedis(REDIS_URL, 'faults-test');
  queueConn.on('error', () => undefined);
  queue = new Queue(QUEUES.followUps, { connection: queueConn, prefix });
  queue.on('error', () => undefined);
}, 300_000);

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await queue?.close().catch(() => undefined);
  queueConn?.disconnect();
  await stopRedis();
  await db?.drop();
  if (redisDir) rmSync(redisDir, { recursive: true, force: true });
  rmSync(OUT, { recursive: true, force: true });
});

(HAS_REDIS ? describe : describe.skip)('follow-up pipeline under faults (own Redis, real Postgres, worker child process)', () => {
  it('SIGKILL of the worker mid-job: stalled jobs are taken over, every follow-up exists exactly once', async () => {
    const w = startWorker();
    const customers = await Promise.all(Array.from({ length: 150 }, () => customerWithTransactionalContact().then((c) => c.customerId)));
    // Kill it while it is working through them.
    await eventually(async () => (await db.ds.query(`SELECT count(*)::int AS n FROM events WHERE type = 'FollowUpTaskRaised'`))[0].n >= 10, 60_000, 20);
    w.kill('SIGKILL');
    await exited(w);
    const active = await queue.getActiveCount();
    startWorker();
    await expectExactlyOneEach(customers);
    await expectQueueDrained();
    expect(active).toBeGreaterThanOrEqual(0); // informational: jobs held by the dead worker (recovered above)
  });

  it('Redis stopped for 5 s while touchpoints keep arriving: the relay waits and resumes, none lost', async () => {
    const arriving = keepArriving(50);
    await sleep(1500);
    await stopRedis();
    await sleep(5000);
    await startRedis();
    await sleep(1500);
    await arriving.stop();
    expect(arriving.ids.length).toBeGreaterThan(20);
    await expectExactlyOneEach(arriving.ids);
    await expectQueueDrained();
  });

  it('Redis stopped for 30 s while touchpoints keep arriving: none lost, none twice', async () => {
    const arriving = keepArriving(100);
    await sleep(1500);
    await stopRedis();
    await sleep(30_000);
    await startRedis();
    await sleep(1500);
    await arriving.stop();
    expect(arriving.ids.length).toBeGreaterThan(100);
    await expectExactlyOneEach(arriving.ids, 180_000);
    await expectQueueDrained();
  });

  it('the same touchpoint 50 times (store and queue): one event, one follow-up', async () => {
    const { customerId, touchpointId } = await customerWithTransactionalContact();
    const again = await Promise.all(Array.from({ length: 50 }, () => appendTouchpoint(customerId, touchpointId)));
    expect(again.every((r) => r.duplicate)).toBe(true);
    // Duplicates that slip past the job-id dedupe (e.g. a relay replay after the job was removed) change nothing either.
    await Promise.all(Array.from({ length: 50 }, () => queue.add('evaluate-event', { eventId: touchpointId, customerId, type: 'TouchpointRecorded', streamVersion: 2 }, { jobId: randomUUID() })));
    await expectExactlyOneEach([customerId]);
    await expectQueueDrained();
    const events = await db.ds.query(`SELECT count(*)::int AS n FROM events WHERE event_id = $1`, [touchpointId]);
    expect(events[0].n).toBe(1);
  });

  it('SIGTERM under load: the worker finishes its jobs in hand and exits; a new worker completes the rest', async () => {
    const [w] = [...workers];
    const customers = await Promise.all(Array.from({ length: 200 }, () => customerWithTransactionalContact().then((c) => c.customerId)));
    await eventually(async () => (await db.ds.query(`SELECT count(*)::int AS n FROM follow_ups WHERE customer_id = ANY($1::uuid[])`, [customers]))[0].n >= 5, 60_000, 20);
    w.kill('SIGTERM');
    const code = await exited(w, 60_000);
    // Nest closes everything, then re-raises the signal: exit by SIGTERM after a clean shutdown.
    expect([0, 'SIGTERM']).toContain(code);
    // A graceful close leaves no job locked by the dead process.
    expect(await queue.getActiveCount()).toBe(0);
    startWorker();
    await expectExactlyOneEach(customers);
    await expectQueueDrained();
  });
});
