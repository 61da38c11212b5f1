import { Module } from '@nestjs/common';
import { WebhooksModule } from '../../webhooks/webhooks.module.js';
import { DeadLettersController } from './dead-letters.controller.js';

/** GET /ops/dead-letters and POST /ops/dead-letters/:id/retry. */
@Module({ imports: [WebhooksModule], controllers: [DeadLettersController] })
export class DeadLettersModule {}
