import { Module } from '@nestjs/common';
import { HealthConfigController } from './health-config.controller.js';

/** GET/PUT /ops/health-config, POST /ops/health-config/preview, GET/PUT /ops/churn-model. */
@Module({ controllers: [HealthConfigController] })
export class HealthConfigModule {}
