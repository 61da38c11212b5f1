import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { queryMoment } from '../../../../../libs/shared/src/index.js';
import { DriverDto, HealthNoteDto } from '../list-customers/customer-item.dto.js';

export const HealthQuery = z.strictObject({
  asOf: queryMoment('Knowledge time: the events recorded up to it, evaluated at it, recomputed from the log.').optional(),
});
export type HealthQueryDto = z.output<typeof HealthQuery>;

export const HealthHistoryQuery = z.strictObject({
  from: queryMoment('Default: `to` minus 365 days (day) or 3 years (week).').optional(),
  to: queryMoment('Default: now.').optional(),
  step: z.enum(['day', 'week']).optional().meta({ description: 'Default day. At most 1,100 days (day) or 520 weeks (week) per request.' }),
});
export type HealthHistoryQueryDto = z.output<typeof HealthHistoryQuery>;

export class ChurnRiskDto {
  @ApiProperty({ minimum: 0, maximum: 1 }) probability: number;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) level: string;
  @ApiProperty({ type: [DriverDto] }) drivers: DriverDto[];
}

export class HealthDto {
  @ApiProperty({ format: 'date-time', description: 'The moment the health was evaluated at.' }) asOf: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) score: number;
  @ApiProperty({ enum: ['green', 'yellow', 'red'] }) band: string;
  @ApiProperty() trend30d: number;
  @ApiProperty({ type: ChurnRiskDto }) churnRisk: ChurnRiskDto;
  @ApiProperty({ type: [DriverDto] }) drivers: DriverDto[];
  @ApiProperty({ type: [HealthNoteDto], description: 'What the drivers leave out, and why health and churn risk disagree when they do.' }) notes: HealthNoteDto[];
  @ApiProperty() eventsConsidered: number;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Knowledge time: when the first touchpoint, outcome or fact of this customer was recorded (whatever asOf is); null when none is. After asOf, nothing had been recorded by then.',
  })
  firstRecordedAt: string | null;
}

export class HealthPointDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() score: number;
  @ApiProperty({ enum: ['green', 'yellow', 'red'] }) band: string;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Churn probability at that point.' }) churnRisk: number;
}

export class HealthHistoryDto {
  @ApiProperty({ type: [HealthPointDto] }) points: HealthPointDto[];
}
