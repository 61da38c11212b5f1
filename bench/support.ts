import { readdirSync, readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { onEveryMaster, openRedis, type RedisTarget } from '../libs/queues/src/redis.js';
import { openDatabase } from '../libs/shared/src/database/data-source.js';
import type { BenchDatabase } from './types.js';

export const PG_BASE = (process.env.BENCH_DATABASE_BASE_URL ?? process.env.DATABASE_URL?.replace(/\/[^/]*$/, '') ?? 'postgres://postgres:postgres@127.0.0.1:5432').replace(/\/$/, '');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const created = new Set<string>();

async function dropDatabase(name: string) {
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A fresh, migrated database for one suite (closeness_bench_<label>_<hex>). */
export async function freshBenchDatabase(label: string, poolSize = 20): Promise<BenchDatabase> {
  const name = `closeness_bench_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const url = `${PG_BASE}/${name}`;
  created.add(name);
  const ds = await openDatabase(url, poolSize, 'closeness-bench');
  return {
    url,
    ds,
    async drop() {
      await ds.destroy().catch(() => undefined);
      await dropDatabase(name).catch(() => undefined);
      created.delete(name);
    },
  };
}

/** Drops the databases a failed suite left behind. */
export async function dropLeftovers(): Promise<void> {
  for (const name of [...created]) {
    await dropDatabase(name).catch(() => undefined);
    created.delete(name);
  }
}

/** Runs `callers` loops of `fn` for `seconds`; returns the number of completed calls and the elapsed seconds. */
export async function forDuration(seconds: number, callers: number, fn: (caller: number, i: number) => Promise<unknown>): Promise<{ calls: number; elapsed: number }> {
  const started = process.hrtime.bigint();
  const end = Date.now() + seconds * 1000;
  let calls = 0;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = 0; Date.now() < end; i++) {
        await fn(caller, i);
        calls++;
      }
    }),
  );
  return { calls, elapsed: Number(process.hrtime.bigint() - started) / 1e9 };
}

export const seconds = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e9;

/** SIGTERM to each child still running, SIGKILL to any not gone 20 s later; resolves when all have exited. */
export function stopProcesses(children: ChildProcess[]): Promise<unknown> {
  return Promise.all(
    children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map(
        (c) =>
          new Promise((resolve) => {
            c.once('exit', resolve);
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 20_000).unref();
          }),
      ),
  );
}

/**
 * Deletes every Redis key under a bench run's (or a test's) queue prefix: its jobs, kept
 * completed jobs, schedulers. On a cluster `SCAN` walks one node, so it runs on every master, and
 * the keys go one per command (a multi-key UNLINK must stay within one slot).
 */
export async function dropRedisPrefix(target: string | RedisTarget, prefix: string): Promise<void> {
  const redis = openRedis(typeof target === 'string' ? { REDIS_URL: target } : target, 'drop-prefix', { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // the caller gets the failed command
  try {
    await redis.connect();
    await onEveryMaster(redis, async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await node.pipeline(keys.map((k) => ['unlink', k])).exec();
      } while (cursor !== '0');
    });
  } finally {
    redis.disconnect();
  }
}

/** A TCP port free on 127.0.0.1 right now (for a child process to listen on). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

/**
 * CPU time (ms, user + system) so far of the Postgres backends connected to this database, read
 * from /proc (0 where Postgres runs elsewhere): which side of a figure grew, the process or the database.
 */
export function postgresCpuMs(dbUrl: string): number {
  const name = new URL(dbUrl).pathname.slice(1);
  let ms = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!cmd.startsWith('postgres:') || !cmd.includes(` ${name} `)) continue;
      ms += processCpuMs(Number(pid));
    } catch {
      // the backend ended meanwhile
    }
  }
  return ms;
}

/** CPU time (ms, user + system) so far of one process, from /proc/<pid>/stat (clock ticks of 10 ms); throws when it is gone. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/**
 * Puts the named projections' checkpoints at the head of the log, running: for a seeded log that
 * is history to them (a relay must not replay a million events into the measurement).
 */
export async function startAtHead(db: { query(sql: string, params?: unknown[]): Promise<unknown> }, names: readonly string[]): Promise<void> {
  await db.query(
    `INSERT INTO projection_checkpoints (name, transaction_id, global_position, status)
     SELECT n, h.transaction_id, h.global_position, 'running'
     FROM unnest($1::text[]) AS n, (SELECT transaction_id, global_position FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1) h
     ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position, status = 'running'`,
    [names],
  );
}
