import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { HEARTBEAT, HeartbeatStore, QueueConnection } from '../../../../libs/queues/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../libs/shared/src/index.js';

/**
 * Proves the worker completes jobs, not just that the queue store answers: every interval this
 * process enqueues a `beat` job and a BullMQ worker records its completion time beside the queues
 * (HeartbeatStore). The API's
 * /health/ready is down when the last completed beat is older than HEARTBEAT_STALE_SECONDS.
 * A local timer (not a stored job scheduler) produces the beats, so they resume by themselves
 * after Redis comes back empty.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private connection: QueueConnection | undefined;
  private blocking: QueueConnection | undefined;
  private queue: Queue | undefined;
  private worker: Worker | undefined;
  private timer: NodeJS.Timeout | undefined;
  private adding = false;
  readonly workerId = `${hostname()}:${process.pid}`;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: PinoLogger,
    @Inject(DataSource) private readonly ds: DataSource,
  ) {
    logger.setContext('heartbeat');
  }

  async onApplicationBootstrap() {
    // ioredis reconnects by itself; readiness reports an outage. BullMQ never closes connections it
    // was given: both are ours to close on shutdown.
    this.connection = await QueueConnection.open(this.config, 'worker-heartbeat');
    this.queue = this.connection.queue(HEARTBEAT.queue);
    this.queue.on('error', () => undefined);
    const store = new HeartbeatStore(this.connection, this.config.QUEUE_PREFIX, this.ds);
    this.blocking = await QueueConnection.open(this.config, 'worker-heartbeat-blocking');
    this.worker = this.blocking.worker(
      HEARTBEAT.queue,
      async () => {
        const now = Date.now();
        await store.record(this.workerId, now);
        return now;
      },
      { concurrency: 1 },
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
    const { worker, queue, connection, blocking } = this;
    this.worker = this.queue = this.connection = this.blocking = undefined;
    try {
      // Bounded: with Redis away a close can wait forever, and the connections below must still go.
      await Promise.race([
        Promise.allSettled([worker?.close(), queue?.close()]),
        new Promise((resolve) => setTimeout(resolve, 5000).unref()),
      ]);
    } finally {
      // Ours, not BullMQ's (it never closes a connection it was handed): always closed.
      await connection?.close();
      await blocking?.close();
    }
  }
}
