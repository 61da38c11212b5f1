import { Module } from '@nestjs/common';
import { WebController } from './web.controller.js';

/** The account managers' web UI, served by the API process itself. */
@Module({ controllers: [WebController] })
export class WebModule {}
