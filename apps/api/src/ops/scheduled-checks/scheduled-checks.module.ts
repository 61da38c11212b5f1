import { Module } from '@nestjs/common';
import { ScheduledChecksController } from './scheduled-checks.controller.js';

@Module({ controllers: [ScheduledChecksController] })
export class OpsScheduledChecksModule {}
