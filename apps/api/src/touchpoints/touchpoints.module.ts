import { Module } from '@nestjs/common';
import { RecordTouchpointsHandler } from './record-touchpoints/record-touchpoints.handler.js';
import { TouchpointIngestor } from './touchpoint-ingestor.js';
import { TouchpointsController } from './touchpoints.controller.js';

/** POST /touchpoints and /touchpoints/batch; exports the ingestor for webhooks and dead letters. */
@Module({
  controllers: [TouchpointsController],
  providers: [TouchpointIngestor, RecordTouchpointsHandler],
  exports: [TouchpointIngestor],
})
export class TouchpointsModule {}
