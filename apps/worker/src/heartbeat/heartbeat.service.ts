import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { hostname } from 'node:os';
import { createRedis, HEARTBEAT } from '../../../../libs/queues/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../libs/shared/src/index.js';

/**
 * Proves the worker completes jobs, not just that Redis answers: every interval this process
 * enqueues a `beat` job and a BullMQ worker records its completion time in Redis. The API's
 * /health/ready is down when the last completed beat is older than HEARTBEAT_STALE_SECONDS.
 * A local timer (not a Redis-stored job scheduler) produces the beats, so they resume by
 * themselves after Redis comes back empty.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private redis: Redis | undefined;
  private blocking: Redis | undefined;
  private queue: Queue | undefined;
  private worker: Worker | undefined;
  private timer: NodeJS.Timeout | undefined;
  private adding = false;
  readonly workerId = `${hostname()}:${process.pid}`;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('heartbeat');
  }

  onApplicationBootstrap() {
    const prefix = this.config.QUEUE_PREFIX;
    this.redis = createRedis(this.config.REDIS_URL, 'worker-heartbeat');
    this.redis.on('error', () => undefined); // ioredis reconnects; readiness reports the outage
    this.queue = new Queue(HEARTBEAT.queue, { connection: this.redis, prefix });
    this.queue.on('error', () => undefined);
    const redis = this.redis;
    // BullMQ never closes connections it was given: both are ours to disconnect on shutdown.
    this.blocking = createRedis(this.config.REDIS_URL, 'worker-heartbeat-blocking');
    this.blocking.on('error', () => undefined);
    this.worker = new Worker(
      HEARTBEAT.queue,
      async () => {
        const now = Date.now();
        await redis.multi().set(HEARTBEAT.lastCompletedKey(prefix), String(now)).hset(`${prefix}:heartbeat:workers`, this.workerId, String(now)).exec();
        return now;
      },
      { connection: this.blocking, prefix, concurrency: 1 },
    );
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'heartbeat worker error'));
    this.beat();
    this.timer = setInterval(() => this.beat(), this.config.HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  private beat() {
    // While Redis is down the add waits; one pending add at a time, never a pile.
    if (this.adding || !this.queue) return;
    this.adding = true;
    this.queue
      .add('beat', { workerId: this.workerId }, { removeOnComplete: 10, removeOnFail: 10 })
      .catch((err) => this.logger.warn({ err: String(err) }, 'heartbeat not enqueued'))
      .finally(() => {
        this.adding = false;
      });
  }

  async onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const { worker, queue, redis, blocking } = this;
    this.worker = this.queue = this.redis = this.blocking = undefined;
    try {
      // Bounded: with Redis away a close can wait forever, and the connections below must still go.
      await Promise.race([
        Promise.allSettled([worker?.close(), queue?.close()]),
        new Promise((resolve) => setTimeout(resolve, 5000).unref()),
      ]);
    } finally {
      // Ours, not BullMQ's (it never closes a connection it was handed): always disconnected.
      redis?.disconnect();
      blocking?.disconnect();
    }
  }
}
