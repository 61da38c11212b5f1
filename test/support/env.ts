import type { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { QueueConnection } from '../../libs/queues/src/index.js';
import { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '../../libs/shared/src/config.js';
import { openDatabase } from '../../libs/shared/src/database/data-source.js';
import { dropRedisPrefix } from '../../bench/support.js';

/**
 * Base URL of the Postgres server the tests use; each test file gets its own database. With no
 * DATABASE_URL, jest's global setup (test/support/global-setup.ts) started an embedded one.
 */
export const PG_BASE = process.env.TEST_DATABASE_BASE_URL ?? process.env.DATABASE_URL?.replace(/\/[^/]*$/, '') ?? 'postgres://postgres:postgres@127.0.0.1:5432';
/** The Redis the queues use, when there is one; without it (or with QUEUE_BACKEND=postgres) they run on PostgreSQL. */
export const REDIS_URL = process.env.REDIS_URL || undefined;
export const QUEUE_BACKEND: 'redis' | 'postgres' = process.env.QUEUE_BACKEND === 'postgres' || !REDIS_URL ? 'postgres' : 'redis';

/**
 * The `queues-postgres` Jest project runs the queue tests' files a second time on BullMQ's
 * PostgreSQL backend. A test or block in those files that does no queue work (login throttles,
 * event-loop probes, cookie flags) runs once, in the `integration` project: `itOnce`/`describeOnce`
 * skip it in the second run, which would only repeat it.
 */
export const QUEUES_RERUN = process.env.CLOSENESS_QUEUES_RERUN === '1';
export const itOnce: typeof it = QUEUES_RERUN ? it.skip : it;
export const describeOnce: typeof describe = QUEUES_RERUN ? describe.skip : describe;

/** The queue settings for a child process (npm start, the API, a worker) a test spawns. */
export function queueEnv(): Record<string, string> {
  return { ...(REDIS_URL ? { REDIS_URL } : {}), QUEUE_BACKEND };
}

/** Deletes a queue prefix's Redis keys, when the queues are on Redis (on PostgreSQL they went with the test's database). */
export async function dropQueuePrefix(prefix: string): Promise<void> {
  if (REDIS_URL && QUEUE_BACKEND === 'redis') await dropRedisPrefix(REDIS_URL, prefix).catch(() => undefined);
}

/** A fresh, migrated database for one test file; dropped by `drop()`. */
export async function freshDatabase(prefix = 'closeness_test'): Promise<{ url: string; ds: DataSource; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const url = `${PG_BASE}/${name}`;
  const ds = await openDatabase(url, 10, 'closeness-test');
  return {
    url,
    ds,
    drop: async () => {
      await ds.destroy().catch(() => undefined);
      const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    },
  };
}

// Queue prefixes handed out by testConfig in this test file (each file has its own module registry).
const prefixes = new Set<string>();

/**
 * A valid configuration for a test: its own database, the shared Redis under a queue prefix of
 * its own (never the default `closeness`, which a real deployment on the same Redis may use), a
 * quiet logger.
 */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  if (overrides.QUEUE_PREFIX === undefined) prefixes.add(prefix);
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    ...(REDIS_URL ? { REDIS_URL } : {}),
    QUEUE_BACKEND,
    PORT: '0',
    LOG_LEVEL: 'silent',
    LOG_PRETTY: 'false',
    ADMIN_EMAIL: 'admin@closeness.test',
    ADMIN_PASSWORD: 'admin-password-1',
    QUEUE_PREFIX: prefix,
    ...overrides,
  });
}

/** Deletes the Redis keys under every queue prefix testConfig gave this file (call once its apps are closed). */
export async function dropTestPrefixes(): Promise<void> {
  // On PostgreSQL the queues live in the test's own database, which the test drops.
  if (REDIS_URL && QUEUE_BACKEND === 'redis') for (const p of prefixes) await dropRedisPrefix(REDIS_URL, p).catch(() => undefined);
  prefixes.clear();
}

/** A producer queue on the stack's own backend and prefix (Redis, or PostgreSQL), for a test to add or count jobs. */
export async function testQueue<T = any>(config: AppConfig, name: string): Promise<{ queue: Queue<T>; close: () => Promise<void> }> {
  const connection = await QueueConnection.open(config, 'test-producer');
  const queue = connection.queue<T>(name);
  queue.on('error', () => undefined);
  return { queue, close: async () => (await queue.close().catch(() => undefined), await connection.close()) };
}
