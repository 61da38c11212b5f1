import { Module } from '@nestjs/common';
import { SilenceScheduler } from './silence.scheduler.js';
import { SilenceService } from './silence.service.js';

/** Scheduled silence check: records facts that only the passage of time makes true. */
@Module({ providers: [SilenceService, SilenceScheduler], exports: [SilenceService] })
export class SilenceModule {}
