import { Command } from '@nestjs/cqrs';
import type { IngestContext, IngestOutcome } from '../touchpoint-ingestor.js';
import type { TouchpointDto } from '../touchpoint.dto.js';

/** Record one or many touchpoints, all or nothing. */
export class RecordTouchpointsCommand extends Command<IngestOutcome[]> {
  constructor(
    readonly touchpoints: TouchpointDto[],
    readonly context: IngestContext,
  ) {
    super();
  }
}
