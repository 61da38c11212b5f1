import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

/** `host:port`, or a redis URL with a host (credentials and TLS are read from it). */
function clusterNode(entry: string): boolean {
  const v = entry.trim();
  if (/^[\w.-]+:\d{1,5}$/.test(v)) return Number(v.split(':')[1]) <= 65535;
  try {
    const u = new URL(v);
    return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Every setting Closeness reads from the environment, with its default. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Unset: `npm start` (and `npm run migrate`, `projection:rebuild`) run an embedded PostgreSQL in `.closeness/pg` and set it for their processes. */
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  /** Unset: the queues run on BullMQ's PostgreSQL backend in the DATABASE_URL database. */
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  /**
   * Redis Cluster instead of REDIS_URL: start-up nodes as `host:port` or `redis://`/`rediss://`
   * URLs, comma-separated (the client finds the other nodes); user, password and TLS of the first
   * URL apply to every node. Needs a QUEUE_PREFIX with a hash tag (see loadConfig).
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .refine((v) => v.split(',').every(clusterNode), 'must be host:port or redis:// URLs, comma-separated')
    .transform((v) => v.split(',').map((n) => n.trim()))
    .optional(),
  /** Where BullMQ keeps the queues; unset: `redis` when REDIS_URL or REDIS_CLUSTER_NODES is set, else `postgres`. */
  QUEUE_BACKEND: z.enum(['redis', 'postgres']).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** Unset: Secure cookies when NODE_ENV=production (see loadConfig). */
  COOKIE_SECURE: bool.optional(),
  CORS_ORIGINS: z.string().optional(),
  /** Request bodies of the touchpoint routes and webhooks (a batch of 1,000, long transcripts). */
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 512kb or 5mb').default('5mb'),
  /** Every other JSON request body (login, customers, users, rules...): kilobytes. */
  JSON_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 64kb or 1mb').default('64kb'),
  /** Requests per client (signed-in user, else address) and minute; source tokens and authentic webhooks are not counted. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(3_000),
  /** Login throttling (apps/api/src/auth/README.md): free failures per account and address, then waits doubling from 1 s up to the maximum. */
  LOGIN_FREE_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_BACKOFF_MAX_SECONDS: z.coerce.number().int().positive().default(900),
  /** Failed logins per account (every address) and per address (every account) in 15 minutes, beyond which only addresses the account signed in from before may try. */
  LOGIN_FAILURES_PER_ACCOUNT_15_MIN: z.coerce.number().int().positive().default(100),
  LOGIN_FAILURES_PER_ADDRESS_15_MIN: z.coerce.number().int().positive().default(100),
  OUTBOUND_ALLOW_PRIVATE: bool.default(false),
  /** Outbound webhooks: per-attempt timeout, attempts in total, first retry delay (doubles, with jitter), Retry-After ceiling. */
  OUTBOUND_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  OUTBOUND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  OUTBOUND_BACKOFF_MS: z.coerce.number().int().positive().default(1000),
  OUTBOUND_RETRY_AFTER_MAX_SECONDS: z.coerce.number().int().positive().default(3600),
  PROJECTION_LAG_READY_SECONDS: z.coerce.number().positive().default(60),
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  HEARTBEAT_STALE_SECONDS: z.coerce.number().positive().default(30),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Where a worker's metrics listen: loopback unless a scraper elsewhere needs them (then set METRICS_TOKEN too). */
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * HTTP server limits (API and worker metrics): a whole request must arrive within
   * HTTP_REQUEST_TIMEOUT_MS and its headers within HTTP_HEADERS_TIMEOUT_MS (at most the former),
   * so slow senders cannot hold connections open; idle keep-alive connections close after
   * HTTP_KEEP_ALIVE_TIMEOUT_MS.
   */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  DB_POOL_SIZE: z.coerce.number().int().min(2).default(10),
  /**
   * Worker threads of an API process that compute `/customers/:id/health` and `/health/history`
   * off its event loop (0: in the event loop), each with its own kept folds and 2 database
   * connections; a customer always goes to the same thread.
   */
  HEALTH_READ_THREADS: z.coerce.number().int().min(0).max(16).default(1),
  /** Customer events the health threads keep with their folds, per thread (~1-2 KB each). */
  HEALTH_READ_CACHE_EVENTS: z.coerce.number().int().min(1000).default(200_000),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(8),
  /**
   * Follow-up evaluation transactions a jobs process runs at once (each takes up to 16 events).
   * Evaluation is CPU work on one event loop: a second transaction covers the first one's waits
   * on Postgres, more only make batches smaller and cost CPU and read-model lag (BENCHMARKS.md).
   */
  FOLLOW_UP_BATCHES: z.coerce.number().int().positive().default(2),
  /**
   * What a worker process runs: `projections` (read models, relays, outbound deliveries) and/or
   * `jobs` (follow-up evaluation, sweeps, silence checks). `npm start` runs one process of each,
   * so heavy follow-up batches never hold up the read models on one event loop.
   */
  WORKER_ROLES: z
    .string()
    .regex(/^(projections|jobs)(,(projections|jobs))*$/, 'must be projections, jobs or projections,jobs')
    .default('projections,jobs')
    .transform((s) => [...new Set(s.split(','))] as ('projections' | 'jobs')[]),
  /**
   * Customer events a worker process keeps in memory with each customer's fold (the heap per
   * event is in BENCHMARKS.md; the projections process and the follow-up jobs process each keep
   * their own). A customer not in memory is restored from the
   * log, which costs a read of its whole stream: keep the active customers' events in.
   */
  READ_MODEL_CACHE_EVENTS: z.coerce.number().int().min(1000).default(1_000_000),
  SILENCE_CHECK_CRON: z.string().default('*/15 * * * *'),
  /** Days without relational contact at which RelationshipWentQuiet is recorded (one fact per step). */
  SILENCE_QUIET_DAYS: z.string().regex(/^\d+(,\d+)*$/, 'must look like 30,60,90').default('30,60,90'),
  /** How often the follow-up sweep escalates overdue tasks and ends snoozes (seconds). */
  FOLLOW_UP_SWEEP_SECONDS: z.coerce.number().int().positive().default(60),
  /**
   * Bucket leases of the partitioned projections: a lease not renewed for PROJECTION_LEASE_SECONDS
   * is free, and the live processes look at their share every PROJECTION_LEASE_HEARTBEAT_MS, so a
   * dead process's buckets are taken over within their sum (at most 30 s, #24).
   */
  PROJECTION_LEASE_SECONDS: z.coerce.number().int().min(2).max(29).default(15),
  PROJECTION_LEASE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(3000),
  /** BullMQ job lock: a job of a dead worker is taken over after this long (stalled-job recovery). */
  WORKER_LOCK_SECONDS: z.coerce.number().int().min(2).default(30),
  /**
   * Redis key prefix of the queues. At most one `{tag}` (a Redis Cluster hash tag): every key of
   * every queue then hashes by the tag alone, so BullMQ's multi-key scripts stay in one slot.
   */
  QUEUE_PREFIX: z
    .string()
    .regex(/^(?:[\w-]+|[\w-]*\{[\w-]+\}[\w-]*)$/, 'must be letters, digits, - or _, with at most one {hash tag} (e.g. {closeness})')
    .default('closeness'),
});

export type AppConfig = Omit<z.infer<typeof configSchema>, 'COOKIE_SECURE' | 'DATABASE_URL' | 'QUEUE_BACKEND'> & {
  COOKIE_SECURE: boolean;
  DATABASE_URL: string;
  QUEUE_BACKEND: 'redis' | 'postgres';
};

export class ConfigError extends Error {}

/** Parses the environment once; a bad value throws one line naming the variable and the problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  if ((parsed.data.ADMIN_EMAIL === undefined) !== (parsed.data.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (parsed.data.HTTP_HEADERS_TIMEOUT_MS > parsed.data.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not be above HTTP_REQUEST_TIMEOUT_MS');
  }
  // Renewed at most every half lease: one late heartbeat must not let a live process's leases run out.
  if (parsed.data.PROJECTION_LEASE_HEARTBEAT_MS * 2 > parsed.data.PROJECTION_LEASE_SECONDS * 1000) {
    throw new ConfigError('Invalid configuration: PROJECTION_LEASE_HEARTBEAT_MS must be at most half of PROJECTION_LEASE_SECONDS');
  }
  if (parsed.data.PROJECTION_LEASE_SECONDS * 1000 + parsed.data.PROJECTION_LEASE_HEARTBEAT_MS > 30_000) {
    throw new ConfigError('Invalid configuration: PROJECTION_LEASE_SECONDS plus PROJECTION_LEASE_HEARTBEAT_MS must stay within 30 s (the takeover bound)');
  }
  if (parsed.data.DATABASE_URL === undefined) {
    throw new ConfigError('Invalid configuration: DATABASE_URL is not set (`npm start` runs an embedded PostgreSQL when it is unset; a process started on its own needs it)');
  }
  const { REDIS_URL, REDIS_CLUSTER_NODES, QUEUE_PREFIX } = parsed.data;
  if (REDIS_URL && REDIS_CLUSTER_NODES) throw new ConfigError('Invalid configuration: set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both');
  const queueBackend = parsed.data.QUEUE_BACKEND ?? (REDIS_URL || REDIS_CLUSTER_NODES ? 'redis' : 'postgres');
  if (queueBackend === 'redis' && !REDIS_URL && !REDIS_CLUSTER_NODES) throw new ConfigError('Invalid configuration: QUEUE_BACKEND=redis needs REDIS_URL or REDIS_CLUSTER_NODES');
  // BullMQ's scripts touch several keys of a queue at once: on a cluster they must share a slot, or
  // the first job fails with CROSSSLOT long after start-up.
  if (queueBackend === 'redis' && REDIS_CLUSTER_NODES && !/\{[\w-]+\}/.test(QUEUE_PREFIX)) {
    throw new ConfigError(`Invalid configuration: REDIS_CLUSTER_NODES needs a QUEUE_PREFIX with a {hash tag}, so each queue's keys share one slot: e.g. QUEUE_PREFIX={${QUEUE_PREFIX}}, not ${QUEUE_PREFIX}`);
  }
  // Production cookies are Secure unless said otherwise (e.g. plain http behind nothing: COOKIE_SECURE=false).
  return {
    ...parsed.data,
    DATABASE_URL: parsed.data.DATABASE_URL,
    QUEUE_BACKEND: queueBackend,
    COOKIE_SECURE: parsed.data.COOKIE_SECURE ?? parsed.data.NODE_ENV === 'production',
  };
}

/** Loads the configuration or stops the process with one clear line (no stack trace). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`closeness: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Sets the configured timeouts on an HTTP server before it listens (Node's defaults are 300 s for
 * a request and 60 s for headers, checked every 30 s). Checked four times per headers timeout.
 */
export function applyHttpTimeouts(
  server: { requestTimeout: number; headersTimeout: number; keepAliveTimeout: number; connectionsCheckingInterval?: number },
  config: Pick<AppConfig, 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'>,
): void {
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  server.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  server.connectionsCheckingInterval = Math.max(25, Math.min(30_000, Math.floor(config.HTTP_HEADERS_TIMEOUT_MS / 4)));
}
