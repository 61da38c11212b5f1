import { Command } from '@nestjs/cqrs';
import type { AuthUser } from '../../../../../libs/shared/src/index.js';
import type { OutcomeRecordedDto, RecordOutcomeDto } from './record-outcome.dto.js';

export class RecordOutcomeCommand extends Command<OutcomeRecordedDto> {
  constructor(
    readonly customerId: string,
    readonly body: RecordOutcomeDto,
    readonly user: AuthUser,
    readonly correlationId: string,
  ) {
    super();
  }
}
