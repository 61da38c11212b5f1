import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { DEFAULT_JOB_OPTIONS, QUEUES, QueueConnection, timedProcessor } from '../../../../libs/queues/src/index.js';
import { APP_CONFIG, metrics, type AppConfig } from '../../../../libs/shared/src/index.js';
import { recordDeadLetter } from '../jobs/job-dead-letters.js';
import { ProcessorRegistry } from '../jobs/processor-registry.js';
import { DeliveryService, RetryDeliveryError } from './delivery.service.js';

/**
 * The BullMQ worker of the deliveries queue. The retry delay of a failed attempt comes from
 * the delivery decision (backoff with jitter, or the receiver's Retry-After) through the
 * custom `outbound` backoff strategy; final failures are copied to job_dead_letters.
 */
@Injectable()
export class OutboundWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private connection?: QueueConnection;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(DeliveryService) private readonly deliveries: DeliveryService,
    @Inject(PinoLogger) private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('outbound-worker');
  }

  registry(): ProcessorRegistry<typeof QUEUES.deliveries> {
    return new ProcessorRegistry(QUEUES.deliveries).register('deliver-webhook', (data, job) => this.deliveries.deliver(data, job));
  }

  /** BullMQ asks this for the delay before the next attempt; the decision already chose it. */
  backoff(attemptsMade: number, _type?: string, err?: Error): number {
    if (err instanceof RetryDeliveryError) return err.delayMs;
    // A crash between attempts (e.g. the database was down while logging): plain exponential backoff.
    return Math.min(3_600_000, this.config.OUTBOUND_BACKOFF_MS * 2 ** Math.max(0, attemptsMade - 1));
  }

  async onApplicationBootstrap(): Promise<void> {
    const dispatch = this.registry().dispatcher(); // throws at start-up on a missing or doubled processor
    const queue = QUEUES.deliveries;
    this.connection = await QueueConnection.open(this.config, 'outbound-worker');
    this.worker = this.connection.worker(
      queue,
      timedProcessor(queue, (job: Job) => dispatch(job)),
      {
        concurrency: this.config.WORKER_CONCURRENCY,
        // An attempt takes at most the HTTP timeout plus a log write; the lock must outlast it.
        lockDuration: Math.max(this.config.WORKER_LOCK_SECONDS * 1000, this.config.OUTBOUND_TIMEOUT_MS * 2),
        stalledInterval: Math.max(1000, (this.config.WORKER_LOCK_SECONDS * 1000) / 2),
        maxStalledCount: 2,
        removeOnComplete: DEFAULT_JOB_OPTIONS.removeOnComplete as { age: number; count: number },
        removeOnFail: DEFAULT_JOB_OPTIONS.removeOnFail as { age: number; count: number },
        settings: { backoffStrategy: (attemptsMade, type, err) => this.backoff(attemptsMade, type, err) },
      },
    );
    this.worker.on('error', (err) => this.logger.error({ err }, 'outbound worker error'));
    this.worker.on('failed', (job, err) => void this.onFailed(job, err));
  }

  private async onFailed(job: Job | undefined, err: Error): Promise<void> {
    if (!job) return;
    const unrecoverable = err instanceof UnrecoverableError || err?.name === 'UnrecoverableError';
    const final = unrecoverable || job.attemptsMade >= (job.opts.attempts ?? 1);
    metrics.jobFailures.inc({ queue: QUEUES.deliveries, final: String(final) });
    // Ids only: the payload (customer facts) stays out of the logs.
    this.logger.warn({ jobId: job.id, subscriptionId: job.data?.subscriptionId, attempt: job.attemptsMade, final, reason: err?.message }, 'webhook delivery failed');
    if (!final) return;
    await recordDeadLetter(this.ds, QUEUES.deliveries, job, err, unrecoverable).catch((e) =>
      this.logger.error({ err: e, jobId: job.id }, 'could not record the delivery dead letter'),
    );
  }

  /** Before the database closes: lets the attempts in hand finish. */
  async onModuleDestroy(): Promise<void> {
    await this.worker?.close().catch((err) => this.logger.error({ err }, 'closing the outbound worker failed'));
    await this.connection?.close();
  }
}
