import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn, IsISO8601 } from 'class-validator';
import type { OutcomeType } from '../../../../../libs/relationship/src/index.js';

export class RecordOutcomeDto {
  @ApiProperty({ enum: ['renewed', 'churned', 'expanded', 'downgraded'] })
  @IsIn(['renewed', 'churned', 'expanded', 'downgraded'])
  type: OutcomeType;

  @ApiProperty({ format: 'date-time', description: 'When it happened (not ahead of now by more than 5 minutes).' })
  @IsDefined()
  @IsISO8601({ strict: true })
  occurredAt: string;
}

export class OutcomeRecordedDto {
  @ApiProperty({ format: 'uuid' }) outcomeId: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() position: number;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ enum: ['renewed', 'churned', 'expanded', 'downgraded'] }) type: OutcomeType;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ description: 'The same outcome (customer, type, occurredAt) was recorded before; nothing new stored.' }) duplicate: boolean;
}
