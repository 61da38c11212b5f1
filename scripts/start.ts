// `npm start`: validates configuration, creates and migrates the database once, then runs the
// API and the worker as processes (the worker as two: projections and jobs, so follow-up batches
// never hold up the read models on one event loop) under a supervisor that restarts a process
// that dies, with back-off, and keeps the others running. A signal stops all. With DATABASE_URL
// unset it first starts an embedded PostgreSQL (scripts/embedded-database.ts), stopped last.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '../libs/shared/src/config.js';
import { openDatabase } from '../libs/shared/src/database/data-source.js';
import { WORKER_NODE_FLAGS } from '../libs/shared/src/worker-flags.js';
import { embeddedDatabaseUnlessSet } from './embedded-database.js';
import { Supervisor } from './supervisor.js';

const embedded = await embeddedDatabaseUnlessSet();
const config = loadConfigOrExit();
process.stderr.write(
  config.QUEUE_BACKEND === 'postgres'
    ? 'closeness: queues on PostgreSQL (BullMQ\'s PostgreSQL backend, same database); set REDIS_URL to run them on Redis, the production choice\n'
    : config.REDIS_CLUSTER_NODES
      ? `closeness: queues on a Redis Cluster from ${config.REDIS_CLUSTER_NODES.map(redactNode).join(', ')} (prefix ${config.QUEUE_PREFIX})\n`
      : `closeness: queues on Redis at ${redact(config.REDIS_URL!)}\n`,
);
try {
  process.stderr.write('closeness: applying database migrations…\n');
  const ds = await openDatabase(config.DATABASE_URL, 1, 'closeness-migrate');
  await ds.destroy();
} catch (err) {
  process.stderr.write(`closeness: cannot prepare the database at ${redact(config.DATABASE_URL)}: ${(err as Error).message}\n`);
  await embedded?.stop();
  process.exit(1);
}

function redact(url: string) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** A cluster start-up node as given: `host:port` carries no secret, a URL may. */
function redactNode(node: string) {
  return node.includes('://') ? redact(node) : node;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const supervisor = new Supervisor();
supervisor.add({ name: 'api', entry: join(root, 'apps/api/src/main.js') });
// WORKER_ROLES set by the operator: one worker process with those roles, as asked.
if (process.env.WORKER_ROLES) {
  supervisor.add({ name: 'worker', entry: join(root, 'apps/worker/src/main.js'), nodeFlags: WORKER_NODE_FLAGS });
} else {
  const metricsPort = config.WORKER_METRICS_PORT ?? 9464;
  supervisor.add({ name: 'worker (projections)', entry: join(root, 'apps/worker/src/main.js'), env: { WORKER_ROLES: 'projections', WORKER_METRICS_PORT: String(metricsPort) }, nodeFlags: WORKER_NODE_FLAGS });
  // WORKER_PROCESSES=n: n projection processes; the partitioned read models share their 64 buckets among them.
  const projectionProcesses = Math.max(1, Number(process.env.WORKER_PROCESSES ?? 1) || 1);
  for (let i = 1; i < projectionProcesses; i++) {
    supervisor.add({ name: `worker (projections ${i + 1})`, entry: join(root, 'apps/worker/src/main.js'), env: { WORKER_ROLES: 'projections', WORKER_METRICS_PORT: String(metricsPort === 0 ? 0 : metricsPort + 1 + i) }, nodeFlags: WORKER_NODE_FLAGS });
  }
  supervisor.add({
    name: 'worker (jobs)',
    entry: join(root, 'apps/worker/src/main.js'),
    env: { WORKER_ROLES: 'jobs', WORKER_METRICS_PORT: String(metricsPort === 0 ? 0 : metricsPort + 1) },
    nodeFlags: WORKER_NODE_FLAGS,
  });
}
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void supervisor
    .stop()
    .then(() => embedded?.stop())
    .then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
