import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from './redis.js';

export interface QueueSettings {
  REDIS_URL: string;
  QUEUE_PREFIX: string;
}

/** Attempts with exponential backoff and jitter; finished jobs are trimmed by age and count. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

/**
 * A producer connection that fails fast: no offline queue and one retry, so a caller inside a
 * database transaction gets an error at once instead of holding the transaction while Redis is down.
 */
export function createFailFastRedis(url: string, name: string): Redis {
  return createRedis(url, name, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 3000,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
}

/** A queue for producers (relay, scheduler) with the product's prefix and job defaults. */
export function createQueue<T = any>(name: string, settings: QueueSettings, connection: Redis, onError: (err: Error) => void): Queue<T> {
  const queue = new Queue<T>(name, {
    connection,
    prefix: settings.QUEUE_PREFIX,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
    // Fail fast instead of waiting for a ready connection when Redis is down at start.
    skipWaitingForReady: true,
  });
  queue.on('error', onError);
  return queue;
}
