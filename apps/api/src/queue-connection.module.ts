import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { QueueConnection } from '../../../libs/queues/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../libs/shared/src/index.js';

/** The API's connection to the queue store (Redis or PostgreSQL): readiness and the heartbeat read through it. */
export const QUEUE_CONNECTION = Symbol('QUEUE_CONNECTION');

@Global()
@Module({
  providers: [
    {
      provide: QUEUE_CONNECTION,
      inject: [APP_CONFIG],
      // ioredis reconnects by itself and readiness reports an outage.
      useFactory: (config: AppConfig) => QueueConnection.open(config, 'api'),
    },
  ],
  exports: [QUEUE_CONNECTION],
})
export class QueueConnectionModule implements OnApplicationShutdown {
  constructor(@Inject(QUEUE_CONNECTION) private readonly connection: QueueConnection) {}

  async onApplicationShutdown() {
    await this.connection.redis?.quit().catch(() => undefined);
    await this.connection.close();
  }
}
