import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { DEFAULT_JOB_OPTIONS, QUEUES, QueueConnection, createQueue, timedProcessor } from '../../../../../libs/queues/src/index.js';
import { APP_CONFIG, metrics, type AppConfig } from '../../../../../libs/shared/src/index.js';
import { recordDeadLetter } from '../job-dead-letters.js';
import { ProcessorRegistry } from '../processor-registry.js';
import { EvaluationBatcher } from './evaluation-batcher.js';
import { FollowUpsService } from './follow-ups.service.js';

export const FOLLOW_UP_SWEEP_SCHEDULER = 'follow-up-sweep';

/** How many evaluations one batch (one transaction) takes at most. */
const BATCH_PER_SLOT = 16;

/**
 * The BullMQ worker of the follow-ups queue: rule evaluation per event and the scheduled sweep.
 * `maxRetriesPerRequest: null` lets it ride out Redis outages; `close()` on shutdown lets the
 * jobs in hand finish (a SIGKILL instead leaves them to the stalled-job check of a live worker).
 */
@Injectable()
export class FollowUpsWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private scheduler?: Queue;
  private connections: QueueConnection[] = [];
  private schedulerTimer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(FollowUpsService) private readonly service: FollowUpsService,
    @Inject(PinoLogger) private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('follow-ups-worker');
  }

  registry(): ProcessorRegistry<typeof QUEUES.followUps> {
    // Evaluations the worker holds at once share a transaction (see EvaluationBatcher): at most
    // parallelBatches() batches run in parallel, each of up to BATCH_PER_SLOT events. Each job
    // still succeeds, fails, retries and dead-letters on its own.
    // At most a quarter of a batch per customer: a burst of one customer cannot hold up another's.
    const batcher = new EvaluationBatcher(
      (jobs: Parameters<FollowUpsService['evaluateBatch']>[0]) => this.service.evaluateBatch(jobs),
      BATCH_PER_SLOT,
      this.parallelBatches(),
      (job) => job.customerId,
      BATCH_PER_SLOT / 4,
    );
    return new ProcessorRegistry(QUEUES.followUps)
      .register('evaluate-event', (data) => batcher.submit(data))
      .register('follow-up-sweep', () => this.service.sweep());
  }

  /** Parallel batches = database connections in use by evaluations; leave the pool room for the projections. */
  private parallelBatches(): number {
    return Math.max(1, Math.min(this.config.FOLLOW_UP_BATCHES, Math.floor(this.config.DB_POOL_SIZE / 2)));
  }

  async onApplicationBootstrap(): Promise<void> {
    const dispatch = this.registry().dispatcher(); // throws at start-up on a missing or doubled processor
    // The upgrade to one open follow-up per customer, before this process sweeps or evaluates: the
    // sweep would otherwise escalate the per-rule tasks of before that the merge closes a moment
    // later. Idempotent, and nothing to do once done; what fails is tried again at the next start.
    await this.service.mergeOpenTasks().then(
      (r) => {
        if (r.merged > 0) this.logger.info(r, 'merged open follow-ups into one per customer');
        if (r.failed > 0) this.logger.error(r, 'merging open follow-ups failed for some customers; the next start tries again');
      },
      (err) => this.logger.error({ err }, 'merging open follow-ups failed; the next start tries again'),
    );
    const queue = QUEUES.followUps;
    const workerConn = await QueueConnection.open(this.config, 'follow-ups-worker');
    const schedulerConn = await QueueConnection.open(this.config, 'follow-ups-scheduler');
    this.connections = [workerConn, schedulerConn];

    this.worker = workerConn.worker(
      queue,
      timedProcessor(queue, (job: Job) => dispatch(job)),
      {
        // Enough jobs in hand to fill every parallel batch.
        concurrency: this.parallelBatches() * BATCH_PER_SLOT,
        lockDuration: this.config.WORKER_LOCK_SECONDS * 1000,
        stalledInterval: Math.max(1000, (this.config.WORKER_LOCK_SECONDS * 1000) / 2),
        maxStalledCount: 2,
        removeOnComplete: DEFAULT_JOB_OPTIONS.removeOnComplete as { age: number; count: number },
        removeOnFail: DEFAULT_JOB_OPTIONS.removeOnFail as { age: number; count: number },
      },
    );
    this.worker.on('error', (err) => this.logger.error({ err }, 'follow-ups worker error'));
    this.worker.on('failed', (job, err) => void this.onFailed(job, err));

    this.scheduler = createQueue(queue, schedulerConn, (err) => this.logger.error({ err }, 'follow-ups scheduler queue error'));
    this.scheduleSweep(0);
  }

  /** Upserting the scheduler is idempotent across workers; retried in the background while Redis is away. */
  private scheduleSweep(attempt: number): void {
    if (this.closing || !this.scheduler) return;
    this.scheduler
      .upsertJobScheduler(
        FOLLOW_UP_SWEEP_SCHEDULER,
        { every: this.config.FOLLOW_UP_SWEEP_SECONDS * 1000 },
        { name: 'follow-up-sweep', data: { reason: 'scheduled' }, opts: { attempts: 3, backoff: { type: 'exponential', delay: 2000, jitter: 0.5 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } } },
      )
      .catch((err) => {
        this.logger.warn({ err, attempt }, 'could not upsert the follow-up sweep scheduler; retrying');
        this.schedulerTimer = setTimeout(() => this.scheduleSweep(attempt + 1), Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)));
        this.schedulerTimer.unref();
      });
  }

  private async onFailed(job: Job | undefined, err: Error): Promise<void> {
    if (!job) return;
    const unrecoverable = err instanceof UnrecoverableError || err?.name === 'UnrecoverableError';
    const final = unrecoverable || job.attemptsMade >= (job.opts.attempts ?? 1);
    metrics.jobFailures.inc({ queue: QUEUES.followUps, final: String(final) });
    this.logger.warn({ err, jobId: job.id, name: job.name, attempt: job.attemptsMade, final }, 'follow-ups job failed');
    if (!final) return;
    await recordDeadLetter(this.ds, QUEUES.followUps, job, err, unrecoverable).catch((e) =>
      this.logger.error({ err: e, jobId: job.id }, 'could not record the job dead letter'),
    );
  }

  /** Before the database closes (onModuleDestroy runs before the DataSource's shutdown hook). */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.schedulerTimer) clearTimeout(this.schedulerTimer);
    await this.worker?.close().catch((err) => this.logger.error({ err }, 'closing the follow-ups worker failed'));
    await this.scheduler?.close().catch(() => undefined);
    for (const c of this.connections) await c.close();
  }
}
