import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from './redis.js';
import { metrics } from '../../shared/src/metrics.js';

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

/** A queue for producers (scheduler, tests) with the product's prefix and job defaults. */
export function createQueue<T = any>(name: string, settings: QueueSettings, connection: Redis, onError: (err: Error) => void): Queue<T> {
  const queue = new Queue<T>(name, { connection, prefix: settings.QUEUE_PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  queue.on('error', onError);
  return queue;
}

/**
 * A producer queue that FAILS FAST while Redis is away, for callers that hold a database
 * transaction (the relay): no offline queue, one retry per command, short timeouts.
 * BullMQ sends commands as soon as a Queue is constructed, so the Queue is built only once the
 * connection is ready; a failed start is thrown away and tried again on the next call.
 */
export class FailFastQueue<T = any> {
  private current?: { queue: Queue<T>; redis: Redis };
  private starting?: Promise<Queue<T>>;

  constructor(
    private readonly name: string,
    private readonly settings: QueueSettings,
    private readonly onError: (err: Error) => void,
    private readonly connectTimeoutMs = 2000,
  ) {}

  async get(): Promise<Queue<T>> {
    if (this.current) return this.current.queue;
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<Queue<T>> {
    const redis = createRedis(this.settings.REDIS_URL, `${this.name}-producer`, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: this.connectTimeoutMs,
      commandTimeout: 3000,
      retryStrategy: (times) => Math.min(100 * times, 1000),
    });
    redis.on('error', () => undefined); // reported through the failing caller
    try {
      await Promise.race([
        redis.connect(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('Redis not reachable')), this.connectTimeoutMs).unref()),
      ]);
    } catch (err) {
      redis.disconnect();
      throw err;
    }
    // From now on commands fail at once while disconnected instead of queueing in memory.
    redis.options.enableOfflineQueue = false;
    const queue = createQueue<T>(this.name, this.settings, redis, this.onError);
    try {
      await queue.waitUntilReady();
    } catch (err) {
      await queue.close().catch(() => undefined);
      redis.disconnect();
      throw err;
    }
    this.current = { queue, redis };
    return queue;
  }

  async close(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (!c) return;
    await c.queue.close().catch(() => undefined);
    c.redis.disconnect();
  }
}

/** Wraps a processor so each job's duration lands in `closeness_job_duration_seconds` by outcome. */
export function timedProcessor<J, R>(queue: string, run: (job: J) => Promise<R>): (job: J) => Promise<R> {
  return async (job) => {
    const end = metrics.jobDuration.startTimer({ queue });
    try {
      const result = await run(job);
      end({ outcome: 'completed' });
      return result;
    } catch (err) {
      end({ outcome: 'failed' });
      throw err;
    }
  };
}
