import { Redis, type RedisOptions } from 'ioredis';

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

export const REDIS = Symbol('REDIS');
