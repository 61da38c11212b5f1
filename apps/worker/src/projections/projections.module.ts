import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BucketLeases, EventStore, ProjectionRunner, type Projection } from '../../../../libs/event-store/src/index.js';
import { READ_MODELS_LEASE_RUNNER, rebuildOnModelChange, SCORED_PROJECTION, STORED_MODELS } from '../../../../libs/read-models/src/index.js';
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
        // The partitioned read models share their buckets with the other worker processes running them.
        const leases = new BucketLeases(ds, READ_MODELS_LEASE_RUNNER, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, {
          leaseSeconds: config.PROJECTION_LEASE_SECONDS,
          heartbeatMs: config.PROJECTION_LEASE_HEARTBEAT_MS,
          onError: (err) => logger.error({ err }, 'bucket lease heartbeat failed; keeping the buckets until their leases run out'),
        });
        return new ProjectionRunner(ds, store, projections, { listenUrl: config.DATABASE_URL, logger, onParked: countParked, leases });
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
    // A new relational scoring model rescores every stored touchpoint, a new health model rewrites
    // the stored drivers: a rebuild, asked for here.
    if (this.runner.projections.some((p) => p.name === SCORED_PROJECTION)) {
      for (const model of STORED_MODELS) {
        const check = await rebuildOnModelChange(this.ds, model);
        if (check.action === 'rebuild_requested') this.logger.info({ projection: SCORED_PROJECTION, model: model.row, deployed: check.deployed, stored: check.stored }, model.rebuildReason);
      }
    }
    await this.runner.start();
  }

  async onApplicationShutdown() {
    await this.runner.stop();
  }
}
