import { Command } from '@nestjs/cqrs';
import type { AuthUser } from '../../../../../libs/shared/src/index.js';
import type { PulseRecordedDto, RecordPulseDto } from './record-pulse.dto.js';

export class RecordPulseCommand extends Command<PulseRecordedDto> {
  constructor(
    readonly customerId: string,
    readonly body: RecordPulseDto,
    readonly user: AuthUser,
    readonly correlationId: string,
  ) {
    super();
  }
}
