import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, DatabaseModule, pinoOptions, type AppConfig } from '../../../libs/shared/src/index.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { HeartbeatModule } from './heartbeat/heartbeat.module.js';
import { SilenceModule } from './jobs/silence/silence.module.js';
import { FollowUpsJobsModule } from './jobs/follow-ups/follow-ups-jobs.module.js';
import { RelayModule } from './relay/relay.module.js';
import { OutboundModule } from './outbound/outbound.module.js';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({ pinoHttp: pinoOptions(config, 'worker') }),
        CqrsModule.forRoot(),
        DatabaseModule,
        HeartbeatModule,
        ...(config.WORKER_ROLES.includes('projections') ? [ProjectionsModule, RelayModule, OutboundModule] : []),
        ...(config.WORKER_ROLES.includes('jobs') ? [FollowUpsJobsModule, SilenceModule] : []),
      ],
    };
  }
}
