import { Cluster, Redis } from 'ioredis';
import { createRedisCluster, openRedis } from './redis.js';

describe('openRedis', () => {
  it('given REDIS_CLUSTER_NODES, when opened, then it is a Cluster over those start-up nodes with per-node options BullMQ workers accept', () => {
    const c = createRedisCluster(['10.0.0.1:7000', 'redis-2:7001'], 'test', { lazyConnect: true });
    try {
      expect(c).toBeInstanceOf(Cluster);
      expect((c as any).startupNodes).toEqual([{ host: '10.0.0.1', port: 7000 }, { host: 'redis-2', port: 7001 }]);
      // BullMQ refuses a worker whose cluster connection has maxRetriesPerRequest set on its nodes.
      expect(c.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, connectionName: 'closeness:test' });
      expect(c.options.enableReadyCheck).toBe(true);
      expect(c.status).toBe('wait');
    } finally {
      c.disconnect();
    }
  });

  it('given a URL among the nodes, then its user, password and TLS apply to every node, and fail-fast options reach the cluster and its nodes', () => {
    const retry = () => 100;
    const c = createRedisCluster(['h1:7000', 'rediss://ops:p%40ss@h2:7001'], 'producer', { lazyConnect: true, enableOfflineQueue: false, retryStrategy: retry, maxRetriesPerRequest: 1, commandTimeout: 3000 });
    try {
      expect(c.options).toMatchObject({ lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: retry });
      expect(c.options.redisOptions).toMatchObject({ username: 'ops', password: 'p@ss', tls: {}, maxRetriesPerRequest: 1, commandTimeout: 3000 });
      expect((c as any).startupNodes).toEqual([{ host: 'h1', port: 7000 }, { host: 'h2', port: 7001 }]);
    } finally {
      c.disconnect();
    }
  });

  it('given only REDIS_URL, then it is one Redis server; given neither, it says what is missing', () => {
    const r = openRedis({ REDIS_URL: 'redis://127.0.0.1:6399' }, 'test', { lazyConnect: true });
    try {
      expect(r).toBeInstanceOf(Redis);
      expect(r).not.toBeInstanceOf(Cluster);
    } finally {
      r.disconnect();
    }
    expect(() => openRedis({}, 'test')).toThrow(/needs REDIS_URL or REDIS_CLUSTER_NODES/);
  });
});
