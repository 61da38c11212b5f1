import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../bench/support.js';
import { dropQueuePrefix, freshDatabase, queueEnv } from './support/env.js';
import { eventually } from './support/eventually.js';

/*
 * The API process as production runs it (compiled main.js), stopped with SIGTERM while a
 * request is in flight: no new connection is taken, the request in flight is answered and its
 * touchpoint stored, and the process exits 0. (Nest's own signal hook closed the database pool
 * first and the HTTP server last, so requests kept arriving at an API without a pool.)
 */

const ROOT = process.cwd();
const OUT = join(ROOT, 'dist', `api-shutdown-${process.pid}`);
const MAIN = join(OUT, 'apps/api/src/main.js');
const QUEUE_PREFIX = `shutdown${randomBytes(3).toString('hex')}`;

let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: ChildProcess | undefined;

beforeAll(async () => {
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', OUT], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).catch(() => undefined);
  if (!existsSync(MAIN)) throw new Error(`API build missing at ${MAIN}`);
  db = await freshDatabase('closeness_shutdown');
}, 180_000);

afterAll(async () => {
  if (api && api.exitCode === null) api.kill('SIGKILL');
  await db?.drop();
  await dropQueuePrefix(QUEUE_PREFIX);
  rmSync(OUT, { recursive: true, force: true });
});

it('given a request in flight, when the API gets SIGTERM, then it refuses new connections, answers that request, stores its touchpoint and exits 0', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  api = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      ...queueEnv(),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      QUEUE_PREFIX,
      ADMIN_EMAIL: 'shutdown-admin@closeness.test',
      ADMIN_PASSWORD: 'shutdown-admin-password',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => api!.once('exit', (code) => resolve(code)));
  await eventually(async () => (await fetch(`${base}/health/live`).catch(() => undefined))?.ok, 60_000, 200);

  const token = randomBytes(32).toString('base64url');
  const adminId = randomUUID();
  await db.ds.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, 'shutdown@closeness.test', 'Shutdown', 'admin', 'x')`, [adminId]);
  await db.ds.query(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [createHash('sha256').update(token).digest('hex'), adminId]);

  // Hold every append: the request below waits on this lock, in flight, while the signal comes.
  const blocker = new pg.Client({ connectionString: db.url });
  await blocker.connect();
  await blocker.query('BEGIN');
  await blocker.query('LOCK TABLE events IN EXCLUSIVE MODE');
  const touchpointId = randomUUID();
  const inFlight = fetch(`${base}/api/v1/touchpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: touchpointId, customerExternalId: 'shutdown-1', channel: 'phone', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', occurredAt: new Date().toISOString(), summary: 'Called to check in.' }),
  });
  await eventually(async () => {
    const rows = await db.ds.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    return rows.length > 0;
  });

  api.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  expect(api.exitCode).toBeNull(); // still draining
  await expect(fetch(`${base}/health/live`)).rejects.toThrow(); // no new connections

  await blocker.query('COMMIT');
  await blocker.end();
  const res = await inFlight;
  expect(res.status).toBe(201);
  expect(await exited).toBe(0);
  const [stored] = await db.ds.query(`SELECT count(*)::int AS n FROM events WHERE type = 'TouchpointRecorded'`);
  expect(stored.n).toBe(1);
}, 120_000);
