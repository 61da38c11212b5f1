import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { queryInt, text } from '../../../../../libs/shared/src/index.js';

export const TimelineQuery = z.strictObject({
  limit: queryInt(1, 500).optional().meta({ description: 'Default 50.' }),
  before: text(500).optional().meta({ description: 'The nextCursor of the previous page, or an ISO date-time: only events that occurred before it.' }),
});
export type TimelineQueryDto = z.output<typeof TimelineQuery>;

export class SignalDto {
  @ApiProperty({ example: 'automated' }) name: string;
  @ApiProperty({ description: 'Signed points: + towards closeness, − towards distance.' }) effect: number;
  @ApiProperty({ example: 'handled by a chatbot' }) detail: string;
}

export class RelationalDto {
  @ApiProperty({ minimum: 0, maximum: 100 }) score: number;
  @ApiProperty({ enum: ['relational', 'neutral', 'transactional'] }) class: string;
  @ApiProperty({ type: [SignalDto] }) signals: SignalDto[];
  @ApiPropertyOptional({ description: 'The scoring model version that computed the score (docs/relational-score.md).', example: 'f1.3c9a0d2b1e' }) model?: string;
}

export class TimelineItemDto {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ description: 'Global position in the log.' }) position: number;
  @ApiProperty({ example: 'TouchpointRecorded' }) type: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ type: Object }) data: unknown;
  @ApiPropertyOptional({ type: RelationalDto, description: 'Touchpoints only: relational score, class and signals.' }) relational?: RelationalDto;
}

export class TimelineDto {
  @ApiProperty({ type: [TimelineItemDto] }) items: TimelineItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
