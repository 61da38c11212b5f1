import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BucketLeases, bucketLeases, EventStore, PROJECTION_BUCKETS, ProjectionRunner, type Projection } from '../../libs/event-store/src/index.js';
import { CustomerReadModelsProjection, FollowUpSummaryProjection, READ_MODELS_LEASE_RUNNER, StreamCache } from '../../libs/read-models/src/index.js';
import { WORKER_NODE_FLAGS } from '../../libs/shared/src/worker-flags.js';
import { dropRedisPrefix, postgresCpuMs, startAtHead, processCpuMs, seconds, stopProcesses } from '../support.js';
import type { BenchDatabase, BenchSuite, Row } from '../types.js';
import { __seed as seed } from './projections.js';

const readModels = (store: EventStore): Projection[] => [new CustomerReadModelsProjection(new StreamCache(store)), new FollowUpSummaryProjection()];

interface Seen {
  took: number;
  fewest: number;
  fewestFolded: number;
  partialMs: number;
  polls: number;
  /** CPU ms during the rebuild: this process (its reader included), the spawned worker, Postgres. */
  cpu: { bench: number; worker?: number; postgres: number };
}

/**
 * A rebuild of the customer read models over a log the projections have applied already (what
 * `POST /ops/projections/customer-read-models/rebuild` or a changed health configuration starts),
 * with a reader reading the portfolio (`customer_health`: its rows, and the customer events their
 * health was computed from) every 20 ms meanwhile: how long it takes, and what a reader saw. Twice:
 * in this process alone (`runner.rebuild`, as the CLI runs it), then shared by bucket lease with a
 * worker process (`WORKER_ROLES=projections`, as `npm start` runs each of WORKER_PROCESSES).
 */
export const rebuildSuite: BenchSuite = {
  name: 'rebuild',
  async run(ctx) {
    const customers = Number(process.env.BENCH_PROJECTION_CUSTOMERS ?? ctx.size(10_000, 1_000));
    const perCustomer = 100;
    const events = customers * perCustomer;
    const queuePrefix = `bench-rebuild-${process.pid}`;
    const db = await ctx.freshDatabase('rebuild', 10);
    let worker: ChildProcess | undefined;
    let leases: BucketLeases | undefined;
    try {
      await seed(ctx, db.ds, customers, perCustomer);
      const store = new EventStore(db.ds);
      const runner = new ProjectionRunner(db.ds, store, readModels(store));
      ctx.log(`building the read models from ${events} events`);
      await runner.drain();
      const whole = await portfolio(db);

      ctx.log(`rebuilding customer-read-models (${customers} customers), one process`);
      const one = await rebuildWatched(db, whole, () => runner.rebuild('customer-read-models'));

      // Two processes: this one and a worker, each holding the leases of half the buckets. The
      // worker's relays start at the head, as a worker that has kept up would (the seeded log is
      // history to them); its read models are current (the rebuild above swapped them in).
      await startAtHead(db.ds, ['follow-up-relay', 'follow-ups', 'outbound-relay']);
      const heartbeatMs = 500;
      worker = spawn(process.execPath, [...WORKER_NODE_FLAGS, fileURLToPath(new URL('../../apps/worker/src/main.js', import.meta.url))], {
        env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: db.url, REDIS_URL: ctx.redisUrl, LOG_LEVEL: 'silent', QUEUE_PREFIX: queuePrefix, WORKER_ROLES: 'projections', WORKER_METRICS_PORT: '0', PROJECTION_LEASE_HEARTBEAT_MS: String(heartbeatMs) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const workerPid = worker.pid!;
      // The same leases as the worker's ProjectionsModule builds (apps/worker/src/projections).
      leases = new BucketLeases(db.ds, READ_MODELS_LEASE_RUNNER, `bench:${process.pid}`, { heartbeatMs });
      await leases.start();
      const shared = new ProjectionRunner(db.ds, store, readModels(store), { leases });
      await splitBetweenTwo(db, leases, worker);
      // Twice: the first rebuild meets a worker whose code is not yet optimised for the replay
      // (this process got that from the build above); the second, a warm one, as long-running
      // workers are. The speed-up is the warm one's.
      ctx.log('rebuilding customer-read-models, two processes (this one and a worker just started, 32 buckets each)');
      const cold = await rebuildWatched(db, whole, () => shared.rebuild('customer-read-models'), workerPid);
      ctx.log('rebuilding customer-read-models again, two processes (the worker warm)');
      const two = await rebuildWatched(db, whole, () => shared.rebuild('customer-read-models'), workerPid);

      const rate1 = Math.round(events / one.took);
      const rateCold = Math.round(events / cold.took);
      const rate2 = Math.round(events / two.took);
      const perK = (ms: number | undefined) => (ms === undefined ? '' : `${Math.round((ms / events) * 1000)}`);
      const cpuNote = (s: Seen) =>
        `CPU ms per 1,000 events: this process ${perK(s.cpu.bench)}${s.cpu.worker === undefined ? '' : `, the worker ${perK(s.cpu.worker)}`}, Postgres ${perK(s.cpu.postgres)}; ` +
        `${(((s.cpu.bench + (s.cpu.worker ?? 0) + s.cpu.postgres) / 1000 / s.took) * 100).toFixed(0)}% of one core on average over ${s.took.toFixed(1)} s`;
      const rows: Row[] = [
        {
          measure: `Rebuild of the customer read models over ${events.toLocaleString('en')} events already applied, one process (${one.took.toFixed(1)} s)`,
          figure: rate1,
          unit: 'events/s',
          baselineKey: 'pg_read_events_in_order_per_s',
          goal: { minRatio: 0.2 },
          note: `runner.rebuild, as \`npm run projection:rebuild\` runs it; the same log layout as the projections suite. ${cpuNote(one)}`,
        },
        {
          measure: `The same rebuild, two processes: this one and a worker just started, 32 bucket leases each (${cold.took.toFixed(1)} s)`,
          figure: rateCold,
          unit: 'events/s',
          baselineKey: 'pg_read_events_in_order_per_s',
          note: `The worker's first rebuild after its start. ${cpuNote(cold)}`,
        },
        {
          measure: `The same rebuild again, two processes, the worker warm (${two.took.toFixed(1)} s)`,
          figure: rate2,
          unit: 'events/s',
          baselineKey: 'pg_read_events_in_order_per_s',
          goal: { minRatio: 0.2 },
          note: `runner.rebuild with bucket leases here, and \`apps/worker\` (WORKER_ROLES=projections) in a child process sharing the shadow's buckets, as with WORKER_PROCESSES=2. The worker sees the rebuild request on its next poll (≤ 0.5 s). ${cpuNote(two)}`,
        },
        { measure: 'Rebuild speed-up from one process to two (the worker warm)', figure: Math.round((rate2 / rate1) * 100) / 100, unit: '×' },
        ...readerRows(one, whole, 'one process'),
        ...readerRows(cold, whole, 'two processes, the worker just started'),
        ...readerRows(two, whole, 'two processes, the worker warm'),
      ];
      for (const r of rows) ctx.log(`${r.measure}: ${r.figure} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
      return rows;
    } finally {
      await leases?.stop();
      if (worker) await stopProcesses([worker]);
      await dropRedisPrefix(ctx.redisUrl, queuePrefix).catch(() => undefined);
      await db.drop();
    }
  },
};

async function portfolio(db: BenchDatabase): Promise<{ rows: number; folded: number }> {
  return (await db.ds.query(`SELECT count(*)::int AS rows, coalesce(sum(stream_version), 0)::int AS folded FROM customer_health`))[0];
}

/** Runs `rebuild` with a reader counting the portfolio every 20 ms; the CPU of this process, the worker (given its pid) and Postgres meanwhile. */
async function rebuildWatched(db: BenchDatabase, whole: { rows: number; folded: number }, rebuild: () => Promise<unknown>, workerPid?: number): Promise<Seen> {
  let reading = true;
  let fewest = whole.rows;
  let fewestFolded = whole.folded;
  let partialMs = 0;
  let polls = 0;
  const reader = (async () => {
    while (reading) {
      const t = Date.now();
      const seen = await portfolio(db);
      polls++;
      fewest = Math.min(fewest, seen.rows);
      fewestFolded = Math.min(fewestFolded, seen.folded);
      await new Promise((r) => setTimeout(r, 20));
      if (seen.rows < whole.rows || seen.folded < whole.folded) partialMs += Date.now() - t;
    }
  })();
  const cpuBefore = process.cpuUsage();
  const workerBefore = workerPid === undefined ? 0 : processCpuMs(workerPid);
  const pgBefore = postgresCpuMs(db.url);
  const started = process.hrtime.bigint();
  try {
    await rebuild();
  } finally {
    reading = false;
  }
  const took = seconds(started);
  const own = process.cpuUsage(cpuBefore);
  const cpu = {
    bench: (own.user + own.system) / 1000,
    postgres: postgresCpuMs(db.url) - pgBefore,
    ...(workerPid === undefined ? {} : { worker: processCpuMs(workerPid) - workerBefore }),
  };
  await reader;
  return { took, fewest, fewestFolded, partialMs, polls, cpu };
}

/** Waits until this process and the worker hold half the bucket leases each (the worker has started and the share has settled). */
async function splitBetweenTwo(db: BenchDatabase, leases: BucketLeases, worker: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (worker.exitCode !== null || worker.signalCode !== null) throw new Error(`the worker exited (${worker.exitCode ?? worker.signalCode}) before taking its buckets`);
    const held = await bucketLeases(db.ds, READ_MODELS_LEASE_RUNNER);
    const owners = new Map<string, number>();
    for (const l of held) if (l.owner) owners.set(l.owner, (owners.get(l.owner) ?? 0) + 1);
    const half = PROJECTION_BUCKETS / 2;
    if (held.length === PROJECTION_BUCKETS && owners.size === 2 && [...owners.values()].every((n) => n === half) && leases.owned().length === half) return;
    if (Date.now() > deadline) throw new Error(`the buckets did not split between two processes: ${JSON.stringify([...owners])}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function readerRows(s: Seen, whole: { rows: number; folded: number }, processes: string): Row[] {
  return [
    {
      measure: `Fewest portfolio rows (customer_health) a reader saw during the rebuild, ${processes}, of ${whole.rows.toLocaleString('en')} (${s.polls} counts, one per 20 ms)`,
      figure: s.fewest,
      unit: 'rows',
      goal: { atLeast: whole.rows },
    },
    {
      measure: `Fewest customer events the portfolio's health reflected (sum of customer_health.stream_version) during the rebuild, ${processes}, of ${whole.folded.toLocaleString('en')}`,
      figure: s.fewestFolded,
      unit: 'events',
      goal: { atLeast: whole.folded },
    },
    { measure: `Time a reader saw a partial or empty portfolio during the rebuild, ${processes}`, figure: Math.round(s.partialMs / 100) / 10, unit: 's', goal: { atMost: 0 } },
  ];
}
