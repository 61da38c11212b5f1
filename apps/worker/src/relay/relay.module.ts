import { Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRunner } from '../../../../libs/event-store/src/index.js';
import { FailFastQueue, QUEUES } from '../../../../libs/queues/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../libs/shared/src/index.js';
import { FollowUpRelayProjection } from './follow-up-relay.projection.js';

const RELAY_RUNNER = Symbol('RELAY_RUNNER');

/**
 * Runs the relay in its own projection runner: a Redis outage then only stalls (and backs off)
 * the relay, never the read models, and the relay's latency does not wait behind their batches.
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
        const runner = new ProjectionRunner(ds, store, [new FollowUpRelayProjection(queue)], { listenUrl: config.DATABASE_URL, logger, pollMs: 250 });
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
