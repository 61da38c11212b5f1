import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, DatabaseModule, httpLoggerParams, type AppConfig } from '../../../libs/shared/src/index.js';
import { AuthModule } from './auth/auth.module.js';
import { ReadinessController } from './health/readiness.controller.js';
import { MetricsModule } from './ops/metrics/metrics.module.js';
import { QueueBoardModule } from './ops/queues/queue-board.module.js';
import { QueueConnectionModule } from './queue-connection.module.js';
import { DeadLettersModule } from './ops/dead-letters/dead-letters.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { SourcesModule } from './sources/sources.module.js';
import { CustomerCommandsModule } from './customers/customer-commands.module.js';
import { CustomerQueriesModule } from './customers/customer-queries.module.js';
import { OpsProjectionsModule } from './ops/projections/projections.module.js';
import { OpsScheduledChecksModule } from './ops/scheduled-checks/scheduled-checks.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { TouchpointsModule } from './touchpoints/touchpoints.module.js';
import { WebModule } from './web/web.module.js';
import { UsersModule } from './users/users.module.js';
import { FollowUpsModule } from './follow-ups/follow-ups.module.js';
import { RulesModule } from './rules/rules.module.js';
import { HealthConfigModule } from './ops/health-config/health-config.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(httpLoggerParams(config)),
        CqrsModule.forRoot(),
        DatabaseModule,
        QueueConnectionModule,
        FollowUpsModule,
        RulesModule,
        HealthConfigModule,
        SubscriptionsModule,
        TerminusModule.forRoot({ logger: false }),
        WebModule,
        AuthModule,
        UsersModule,
        CustomerCommandsModule,
        TouchpointsModule,
        CustomerQueriesModule,
        OpsProjectionsModule,
        OpsScheduledChecksModule,
        ReportsModule,
        SourcesModule,
        WebhooksModule,
        DeadLettersModule,
        MetricsModule,
        QueueBoardModule,
      ],
      controllers: [ReadinessController],
    };
  }
}
