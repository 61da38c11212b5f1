import type { DefaultJobOptions, Queue } from 'bullmq';
import { metrics } from '../../shared/src/metrics.js';
import { QueueConnection, type QueueSettings } from './connection.js';

export type { QueueSettings } from './connection.js';

/** Attempts with exponential backoff and jitter; finished jobs are trimmed by age and count. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

/** A queue for producers (scheduler, tests) with the product's prefix and job defaults. */
export function createQueue<T = any>(name: string, connection: QueueConnection, onError: (err: Error) => void): Queue<T> {
  const queue = connection.queue<T>(name, { defaultJobOptions: DEFAULT_JOB_OPTIONS });
  queue.on('error', onError);
  return queue;
}

/**
 * A producer queue that FAILS FAST while its store is away, for callers that hold a database
 * transaction (the relay). On Redis: no offline queue, one retry per command, short timeouts;
 * BullMQ sends commands as soon as a Queue is constructed, so the Queue is built only once the
 * connection is ready. On PostgreSQL a query fails by itself when the server is away. A failed
 * start is thrown away and tried again on the next call.
 */
export class FailFastQueue<T = any> {
  private current?: { queue: Queue<T>; connection: QueueConnection };
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
    const timeout = <X>(p: Promise<X>, what: string) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} not reachable`)), this.connectTimeoutMs).unref())]);
    const connection = await timeout(
      QueueConnection.open(this.settings, `${this.name}-producer`, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        connectTimeout: this.connectTimeoutMs,
        commandTimeout: 3000,
        retryStrategy: (times) => Math.min(100 * times, 1000),
      }),
      'queue store',
    );
    const redis = connection.redis;
    if (redis) {
      try {
        await timeout(redis.connect(), 'Redis');
      } catch (err) {
        await connection.close();
        throw err;
      }
      // From now on commands fail at once while disconnected instead of queueing in memory.
      redis.options.enableOfflineQueue = false;
    }
    const queue = createQueue<T>(this.name, connection, this.onError);
    try {
      await queue.waitUntilReady();
    } catch (err) {
      await queue.close().catch(() => undefined);
      await connection.close();
      throw err;
    }
    this.current = { queue, connection };
    return queue;
  }

  async close(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (!c) return;
    await c.queue.close().catch(() => undefined);
    await c.connection.close();
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
