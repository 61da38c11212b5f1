import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TouchpointIngestor, type IngestOutcome } from '../touchpoint-ingestor.js';
import { RecordTouchpointsCommand } from './record-touchpoints.command.js';

@CommandHandler(RecordTouchpointsCommand)
export class RecordTouchpointsHandler implements ICommandHandler<RecordTouchpointsCommand, IngestOutcome[]> {
  constructor(private readonly ingestor: TouchpointIngestor) {}

  execute(command: RecordTouchpointsCommand): Promise<IngestOutcome[]> {
    return this.ingestor.ingest(command.touchpoints, command.context);
  }
}
