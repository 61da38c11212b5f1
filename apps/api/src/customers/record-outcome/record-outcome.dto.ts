import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import type { OutcomeType } from '../../../../../libs/relationship/src/index.js';
import { apiSchema, happenedAt } from '../../../../../libs/shared/src/index.js';

export const RecordOutcomeBody = apiSchema(
  'RecordOutcome',
  z.strictObject({
    type: z.enum(['renewed', 'churned', 'expanded', 'downgraded']),
    occurredAt: happenedAt('When it happened: from 1970-01-01, not ahead of now by more than 5 minutes.'),
  }),
);
export type RecordOutcomeDto = z.output<typeof RecordOutcomeBody>;

export class OutcomeRecordedDto {
  @ApiProperty({ format: 'uuid' }) outcomeId: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() position: number;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ enum: ['renewed', 'churned', 'expanded', 'downgraded'] }) type: OutcomeType;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ description: 'The same outcome (customer, type, occurredAt) was recorded before; nothing new stored.' }) duplicate: boolean;
}
