import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A single Redis or a Redis Cluster client: the product's Redis code uses what both answer. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: one server (REDIS_URL) or a cluster's start-up nodes (REDIS_CLUSTER_NODES). */
export interface RedisTarget {
  REDIS_URL?: string;
  REDIS_CLUSTER_NODES?: string[];
}

/**
 * BullMQ needs `maxRetriesPerRequest: null` on worker connections so that a Redis outage
 * blocks and resumes instead of throwing out of the worker loop.
 */
export function createRedis(url: string, name: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: `closeness:${name}`,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    ...extra,
  });
}

/**
 * A Redis Cluster client from `host:port` or `redis://` start-up nodes. The per-node options
 * (`redisOptions`) carry what the single-node client has in its own options: BullMQ checks
 * `maxRetriesPerRequest: null` there for workers (and refuses a worker without it). Reconnecting
 * is the cluster's `clusterRetryStrategy` (ioredis never retries a single lost node: it refreshes
 * the slots instead), and the ready check waits for `cluster_state:ok`, so commands queue until
 * every slot is served. Credentials and TLS of the first URL apply to every node, including
 * those found through `CLUSTER SLOTS`, which carry only host and port.
 */
export function createRedisCluster(nodes: string[], name: string, extra: RedisOptions = {}): Cluster {
  const { lazyConnect, retryStrategy, enableOfflineQueue, ...perNode } = extra;
  const first = nodes.find((n) => n.includes('://'));
  const auth = first ? new URL(first) : undefined;
  const startup = nodes.map((n) => {
    const u = new URL(n.includes('://') ? n : `redis://${n}`);
    return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port || 6379) };
  });
  const options: ClusterOptions = {
    enableReadyCheck: true,
    clusterRetryStrategy: retryStrategy ?? ((times) => Math.min(200 * times, 2000)),
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    redisOptions: {
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      connectionName: `closeness:${name}`,
      ...(auth?.username ? { username: decodeURIComponent(auth.username) } : {}),
      ...(auth?.password ? { password: decodeURIComponent(auth.password) } : {}),
      ...(auth?.protocol === 'rediss:' ? { tls: {} } : {}),
      ...perNode,
    },
  };
  return new Cluster(startup, options);
}

/** The configured Redis: a cluster client when REDIS_CLUSTER_NODES is set, else one server at REDIS_URL. */
export function openRedis(target: RedisTarget, name: string, extra: RedisOptions = {}): RedisClient {
  if (target.REDIS_CLUSTER_NODES?.length) return createRedisCluster(target.REDIS_CLUSTER_NODES, name, extra);
  if (!target.REDIS_URL) throw new Error('QUEUE_BACKEND=redis needs REDIS_URL or REDIS_CLUSTER_NODES');
  return createRedis(target.REDIS_URL, name, extra);
}

/**
 * Runs `each` on every master of a cluster (a key-space walk such as `SCAN` sees only the node it
 * is sent to), or once on a single server.
 */
export async function onEveryMaster<T>(client: RedisClient, each: (node: Redis) => Promise<T>): Promise<T[]> {
  if (client instanceof Cluster) return Promise.all(client.nodes('master').map(each));
  return [await each(client)];
}

export const REDIS = Symbol('REDIS');
