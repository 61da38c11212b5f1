import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PinoLogger } from 'nestjs-pino';
import { EventStore, ProjectionRunner, type Projection } from '../../../../libs/event-store/src/index.js';
import { rebuildOnHealthModelChange, rescoreOnModelChange, SCORED_PROJECTION } from '../../../../libs/read-models/src/index.js';
import { APP_CONFIG, countParked, type AppConfig } from '../../../../libs/shared/src/index.js';
import { PROJECTIONS, projectionProviders } from './projections.js';

/** Runs every projection in the background, fed from the log in commit order. */
@Module({
  providers: [
    ...projectionProviders,
    {
      provide: ProjectionRunner,
      inject: [DataSource, EventStore, PROJECTIONS, APP_CONFIG, PinoLogger],
      useFactory: (ds: DataSource, store: EventStore, projections: Projection[], config: AppConfig, logger: PinoLogger) => {
        logger.setContext('projections');
        return new ProjectionRunner(ds, store, projections, { listenUrl: config.DATABASE_URL, logger, onParked: countParked });
      },
    },
  ],
  exports: [ProjectionRunner],
})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(PinoLogger) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap() {
    // A new relational scoring model rescores every stored touchpoint: a rebuild, asked for here.
    if (this.runner.projections.some((p) => p.name === SCORED_PROJECTION)) {
      const check = await rescoreOnModelChange(this.ds);
      if (check.action === 'rebuild_requested') this.logger.info({ projection: SCORED_PROJECTION, deployed: check.deployed, stored: check.stored }, 'scoring model changed: rebuilding the scored read models');
      // Likewise a new health model (drivers, their words, defaults): the stored drivers are rewritten.
      const health = await rebuildOnHealthModelChange(this.ds);
      if (health.action === 'rebuild_requested') this.logger.info({ projection: SCORED_PROJECTION, deployed: health.deployed, stored: health.stored }, 'health model changed: rebuilding the customer read models');
    }
    await this.runner.start();
  }

  async onApplicationShutdown() {
    await this.runner.stop();
  }
}
