import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { apiSchema } from '../../../../../libs/shared/src/index.js';

export const RecordPulseBody = apiSchema(
  'RecordPulse',
  z.strictObject({
    score: z.number().int().min(1).max(5).describe('The account manager’s judgement of the relationship: 1 at risk, 2 worried, 3 steady, 4 good, 5 excellent.'),
    note: z.string().trim().min(1).max(2000).optional().describe('Why, in a sentence; shown on the timeline, not in the drivers.'),
  }),
);
export type RecordPulseDto = z.output<typeof RecordPulseBody>;

export class PulseRecordedDto {
  @ApiProperty({ format: 'uuid' }) pulseId: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() position: number;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ minimum: 1, maximum: 5 }) score: number;
  @ApiProperty({ nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}
