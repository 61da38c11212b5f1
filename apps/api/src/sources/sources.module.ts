import { Module } from '@nestjs/common';
import { SourcesController } from './sources.controller.js';

/** Webhook sources: who may send, how they sign, their API token. */
@Module({ controllers: [SourcesController] })
export class SourcesModule {}
