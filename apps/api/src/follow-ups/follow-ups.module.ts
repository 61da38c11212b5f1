import { Module } from '@nestjs/common';
import { ChangeFollowUpController } from './change-follow-up/change-follow-up.controller.js';
import { ChangeFollowUpHandler } from './change-follow-up/change-follow-up.handler.js';
import { JobDeadLettersController } from './job-dead-letters/job-dead-letters.controller.js';
import { ListFollowUpsController } from './list-follow-ups/list-follow-ups.controller.js';

/** Follow-up tasks: the list (read model) and their lifecycle (events), plus the queue jobs' dead letters. */
@Module({
  controllers: [ListFollowUpsController, ChangeFollowUpController, JobDeadLettersController],
  providers: [ChangeFollowUpHandler],
})
export class FollowUpsModule {}
