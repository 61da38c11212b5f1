import { Module } from '@nestjs/common';
import { GetCustomerController } from './get-customer/get-customer.controller.js';
import { HealthReadService } from './health/health-read.service.js';
import { HealthController } from './health/health.controller.js';
import { ListCustomersController } from './list-customers/list-customers.controller.js';
import { TimelineController } from './timeline/timeline.controller.js';

/** The read side of customers: portfolio, detail, timeline, health (now, as of, history). */
@Module({ controllers: [ListCustomersController, GetCustomerController, TimelineController, HealthController], providers: [HealthReadService] })
export class CustomerQueriesModule {}
