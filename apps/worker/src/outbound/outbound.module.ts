import { Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRunner } from '../../../../libs/event-store/src/index.js';
import { FailFastQueue, QUEUES } from '../../../../libs/queues/src/index.js';
import { APP_CONFIG, countParked, type AppConfig } from '../../../../libs/shared/src/index.js';
import { DeliveryService } from './delivery.service.js';
import { projectionsOf } from '../projections/registry.js';
import { OutboundWorker } from './outbound.worker.js';

const OUTBOUND_RELAY = Symbol('OUTBOUND_RELAY');

interface Relay {
  runner: ProjectionRunner;
  queue: FailFastQueue;
}

/**
 * Outbound webhooks in the worker: the relay (its own projection runner, so a Redis outage or
 * a slow receiver never stalls the read models or the follow-up relay) and the delivery worker.
 */
@Module({
  providers: [
    DeliveryService,
    OutboundWorker,
    {
      provide: OUTBOUND_RELAY,
      inject: [DataSource, EventStore, APP_CONFIG, PinoLogger],
      useFactory: (ds: DataSource, store: EventStore, config: AppConfig, logger: PinoLogger): Relay => {
        logger.setContext('outbound-relay');
        // Failures surface as failed batches, logged (and backed off) by the runner.
        const queue = new FailFastQueue(QUEUES.deliveries, config, (err) => logger.debug({ err: err.message }, 'outbound relay queue error'));
        const runner = new ProjectionRunner(ds, store, projectionsOf('outbound', { deliveriesQueue: queue, config }), { listenUrl: config.DATABASE_URL, logger, pollMs: 250, onParked: countParked });
        return { runner, queue };
      },
    },
  ],
})
export class OutboundModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(OUTBOUND_RELAY) private readonly relay: Relay) {}

  async onApplicationBootstrap() {
    await this.relay.runner.start();
  }

  async onModuleDestroy() {
    await this.relay.runner.stop();
    await this.relay.queue.close();
  }
}
