import { Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRunner } from '../../../../libs/event-store/src/index.js';
import { FailFastQueue, QUEUES } from '../../../../libs/queues/src/index.js';
import { APP_CONFIG, countParked, type AppConfig } from '../../../../libs/shared/src/index.js';
import { projectionsOf } from '../projections/registry.js';

const RELAY_RUNNER = Symbol('RELAY_RUNNER');

/**
 * The follow-up pipeline's own projection runner: the relay (log → BullMQ) and the `follow_ups`
 * read model. Kept apart from the customer read models so that their heavy batches (scoring,
 * health) do not delay follow-ups, and a Redis outage backs off only the relay (the runner
 * backs off each failing projection on its own).
 */
@Module({
  providers: [
    {
      provide: RELAY_RUNNER,
      inject: [DataSource, EventStore, APP_CONFIG, PinoLogger],
      useFactory: (ds: DataSource, store: EventStore, config: AppConfig, logger: PinoLogger) => {
        logger.setContext('relay');
        // Failures surface as failed batches, logged (and backed off) by the runner.
        const queue = new FailFastQueue(QUEUES.followUps, config, (err) => logger.debug({ err: err.message }, 'relay queue error'));
        const runner = new ProjectionRunner(ds, store, projectionsOf('follow-ups', { followUpsQueue: queue }), { listenUrl: config.DATABASE_URL, logger, pollMs: 100, onParked: countParked });
        return { runner, queue };
      },
    },
  ],
})
export class RelayModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(RELAY_RUNNER) private readonly relay: { runner: ProjectionRunner; queue: FailFastQueue }) {}

  async onApplicationBootstrap() {
    await this.relay.runner.start();
  }

  async onModuleDestroy() {
    await this.relay.runner.stop();
    await this.relay.queue.close();
  }
}
