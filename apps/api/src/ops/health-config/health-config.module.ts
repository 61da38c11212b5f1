import { Module } from '@nestjs/common';
import { HealthReadService } from '../../customers/health/health-read.service.js';
import { HealthConfigController } from './health-config.controller.js';

/** GET/PUT /ops/health-config, POST /ops/health-config/preview, GET/PUT /ops/churn-model. */
@Module({ controllers: [HealthConfigController], providers: [HealthReadService] })
export class HealthConfigModule {}
