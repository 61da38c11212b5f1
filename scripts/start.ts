// `npm start`: validates configuration, creates and migrates the database once, then runs the
// API and the worker as processes (the worker as two: projections and jobs, so follow-up batches
// never hold up the read models on one event loop); a signal stops all, and one dying stops the rest.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '../libs/shared/src/config.js';
import { openDatabase } from '../libs/shared/src/database/data-source.js';
import { WORKER_NODE_FLAGS } from '../libs/shared/src/worker-flags.js';

const config = loadConfigOrExit();
try {
  const ds = await openDatabase(config.DATABASE_URL, 1, 'closeness-migrate');
  await ds.destroy();
} catch (err) {
  process.stderr.write(`closeness: cannot prepare the database at ${redact(config.DATABASE_URL)}: ${(err as Error).message}\n`);
  process.exit(1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, entry: string, env: Record<string, string> = {}, nodeFlags: readonly string[] = []) {
  const child = spawn(process.execPath, [...nodeFlags, join(root, entry)], { stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`closeness: ${name} exited (${signal ?? code}); stopping\n`);
      stop(code ?? 1);
    }
  });
  children.push(child);
}

function stop(code = 0) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  const timer = setTimeout(() => process.exit(code), 15_000);
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => {
    clearTimeout(timer);
    process.exit(code);
  });
}

function redact(url: string) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

run('api', 'apps/api/src/main.js');
// WORKER_ROLES set by the operator: one worker process with those roles, as asked.
if (process.env.WORKER_ROLES) {
  run('worker', 'apps/worker/src/main.js', {}, WORKER_NODE_FLAGS);
} else {
  const metricsPort = config.WORKER_METRICS_PORT ?? 9464;
  run('worker (projections)', 'apps/worker/src/main.js', { WORKER_ROLES: 'projections', WORKER_METRICS_PORT: String(metricsPort) }, WORKER_NODE_FLAGS);
  run('worker (jobs)', 'apps/worker/src/main.js', { WORKER_ROLES: 'jobs', WORKER_METRICS_PORT: String(metricsPort === 0 ? 0 : metricsPort + 1) }, WORKER_NODE_FLAGS);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
