import { Queue, Worker, createPostgresBackend, runMigrations, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq';
import pg from 'pg';
import type { RedisOptions } from 'ioredis';
import { openRedis, type RedisClient } from './redis.js';

/**
 * Where the queues live: Redis (the production choice, the most battle-tested BullMQ backend) or
 * BullMQ's PostgreSQL backend in the event store's own database (no second server to run).
 */
export type QueueBackendKind = 'redis' | 'postgres';

export interface QueueSettings {
  QUEUE_BACKEND: QueueBackendKind;
  REDIS_URL?: string;
  /** Redis Cluster start-up nodes; set, the queues use a cluster client instead of REDIS_URL. */
  REDIS_CLUSTER_NODES?: string[];
  DATABASE_URL: string;
  QUEUE_PREFIX: string;
}

/**
 * The schema that holds the queues on PostgreSQL: BullMQ's default, the only one it checks on a
 * pool it is handed. Its PostgreSQL backend ignores `prefix` (a Redis key-space notion): on
 * PostgreSQL one database holds one deployment's queues (each test stack has its own database).
 */
export const QUEUE_SCHEMA = 'bullmq';

/** Queries, plus one held LISTEN connection per worker: the queues of a process share one pool. */
const POOL_MAX = 16;

interface SharedPool {
  pool: pg.Pool;
  users: number;
  ready: Promise<void>;
}
const pools = new Map<string, SharedPool>();

function acquirePool(databaseUrl: string, schema: string): SharedPool {
  const key = `${schema}@${databaseUrl}`;
  let shared = pools.get(key);
  if (!shared) {
    // BullMQ does not set search_path on a pool it is handed: every connection gets it here.
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: POOL_MAX,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5000,
      options: `-c search_path="${schema.replace(/"/g, '""')}"`,
      application_name: 'closeness-queues',
    });
    pool.on('error', () => undefined); // an idle connection dropped (the server restarted): the next query reconnects
    pool.setMaxListeners(0); // each BullMQ backend on it listens for errors
    const ready = (async () => {
      // BullMQ's connections never migrate by themselves; idempotent and guarded by an advisory lock.
      const client = await pool.connect();
      try {
        await runMigrations(client, schema);
      } finally {
        client.release();
      }
    })();
    shared = { pool, users: 0, ready };
    ready.catch(() => pools.get(key) === shared && pools.delete(key)); // a failed start is tried afresh
    pools.set(key, shared);
  }
  shared.users++;
  return shared;
}

async function releasePool(databaseUrl: string, schema: string): Promise<void> {
  const key = `${schema}@${databaseUrl}`;
  const shared = pools.get(key);
  if (!shared || --shared.users > 0) return;
  pools.delete(key);
  await shared.pool.end().catch(() => undefined);
}

/**
 * One connection for BullMQ queues and workers on the configured backend. On Redis: an ioredis
 * client, a `Cluster` when REDIS_CLUSTER_NODES is set (BullMQ never closes a connection it is
 * handed, so `close()` does; a worker duplicates it for its blocking connection). On PostgreSQL: the
 * process's shared pool for this prefix's schema, migrated before the first queue uses it.
 * Close the queues and workers first, then the connection.
 */
export class QueueConnection {
  private closed = false;

  private constructor(
    readonly backend: QueueBackendKind,
    private readonly settings: QueueSettings,
    /** The ioredis client (one server or a cluster) on the Redis backend; undefined on PostgreSQL. */
    readonly redis: RedisClient | undefined,
    private readonly shared: SharedPool | undefined,
  ) {}

  static async open(settings: QueueSettings, name: string, redisOptions: RedisOptions = {}): Promise<QueueConnection> {
    if (settings.QUEUE_BACKEND === 'redis') {
      const redis = openRedis(settings, name, redisOptions);
      redis.on('error', () => undefined); // callers report through their queues and workers
      return new QueueConnection('redis', settings, redis, undefined);
    }
    const shared = acquirePool(settings.DATABASE_URL, QUEUE_SCHEMA);
    try {
      await shared.ready;
    } catch (err) {
      await releasePool(settings.DATABASE_URL, QUEUE_SCHEMA);
      throw err;
    }
    return new QueueConnection('postgres', settings, undefined, shared);
  }

  /** The PostgreSQL pool the queues use (undefined on Redis), e.g. for a readiness ping. */
  get pool(): pg.Pool | undefined {
    return this.shared?.pool;
  }

  queue<T = any>(name: string, opts: Omit<QueueOptions, 'connection'> = {}): Queue<T> {
    if (this.redis) return new Queue<T>(name, { ...opts, connection: this.redis, prefix: this.settings.QUEUE_PREFIX });
    return new (Queue as any)(name, { ...opts, connection: this.shared!.pool }, createPostgresBackend) as Queue<T>;
  }

  worker<T = any, R = any>(name: string, processor: Processor<T, R>, opts: Omit<WorkerOptions, 'connection'> = {}): Worker<T, R> {
    if (this.redis) return new Worker<T, R>(name, processor, { ...opts, connection: this.redis, prefix: this.settings.QUEUE_PREFIX });
    return new (Worker as any)(name, processor, { ...opts, connection: this.shared!.pool }, createPostgresBackend) as Worker<T, R>;
  }

  /** Answers whether the queue store is reachable within `timeoutMs`. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    const probe = this.redis ? this.redis.ping().then((r) => r === 'PONG') : this.shared!.pool.query('SELECT 1').then(() => true);
    return Promise.race([probe, new Promise<boolean>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref())]).catch(() => false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.redis) this.redis.disconnect();
    else await releasePool(this.settings.DATABASE_URL, QUEUE_SCHEMA);
  }
}
