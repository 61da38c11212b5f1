import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { QUEUES, QueueConnection, type JobName } from '../../../../../libs/queues/src/index.js';
import { APP_CONFIG, Clock, type AppConfig } from '../../../../../libs/shared/src/index.js';
import { ProcessorRegistry } from '../processor-registry.js';
import { SilenceService } from './silence.service.js';

export const SILENCE_SCHEDULER_ID = 'silence-check';

/**
 * The BullMQ job scheduler that runs the silence check on `SILENCE_CHECK_CRON`. Upserting the
 * same scheduler id on every start keeps exactly one schedule however many workers run.
 */
@Injectable()
export class SilenceScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private queue?: Queue;
  private worker?: Worker;
  private connections: QueueConnection[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SilenceService) private readonly silence: SilenceService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(PinoLogger) private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('silence');
  }

  /** The silence queue's one job (the typed job map in libs/queues). */
  registry(): ProcessorRegistry<typeof QUEUES.silence> {
    return new ProcessorRegistry(QUEUES.silence).register('silence-check', async (_data, job) => {
      // The job's id is the run's correlation id: every fact it records carries it.
      const result = await this.silence.runCheck(this.clock.now(), undefined, job.id);
      this.logger.info(result, 'silence check done');
      return result;
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const dispatch = this.registry().dispatcher(); // throws at start-up on a missing or doubled processor
    const queueConn = await QueueConnection.open(this.config, 'silence-queue');
    const workerConn = await QueueConnection.open(this.config, 'silence-worker');
    this.connections = [queueConn, workerConn];
    this.queue = queueConn.queue(QUEUES.silence);
    this.queue.on('error', (err) => this.logger.error({ err }, 'silence queue error'));
    this.worker = workerConn.worker(QUEUES.silence, dispatch, { concurrency: 1 });
    this.worker.on('error', (err) => this.logger.error({ err }, 'silence worker error'));
    this.worker.on('failed', (job, err) => this.logger.error({ err, jobId: job?.id }, 'silence check failed'));
    await this.queue.upsertJobScheduler(
      SILENCE_SCHEDULER_ID,
      { pattern: this.config.SILENCE_CHECK_CRON },
      { name: 'silence-check' satisfies JobName<typeof QUEUES.silence>, data: {}, opts: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: 100, removeOnFail: 500 } },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
    for (const c of this.connections) await c.close();
  }
}
