import { Module } from '@nestjs/common';
import { FollowUpsService } from './follow-ups.service.js';
import { FollowUpsWorker } from './follow-ups.worker.js';

/** The follow-ups queue's processors and its scheduled sweep. */
@Module({ providers: [FollowUpsService, FollowUpsWorker], exports: [FollowUpsService] })
export class FollowUpsJobsModule {}
