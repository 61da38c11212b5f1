import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ProblemException, type ProblemFieldError } from '../../../../../libs/shared/src/index.js';

export class TimelineQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page, or an ISO datetime: only events that occurred before it.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  before?: string;
}

/**
 * The timeline's query, checked by hand with the rules of TimelineQuery (and the strict pipe:
 * unknown fields are refused): the class-transformer/class-validator round showed on this hot read.
 */
export function parseTimelineQuery(query: Record<string, unknown>): TimelineQuery {
  const errors: ProblemFieldError[] = [];
  const out: TimelineQuery = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    if (key === 'limit') {
      const n = typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isInteger(n)) errors.push({ path: 'limit', message: 'limit must be an integer number' });
      else if (n < 1) errors.push({ path: 'limit', message: 'limit must not be less than 1' });
      else if (n > 500) errors.push({ path: 'limit', message: 'limit must not be greater than 500' });
      else out.limit = n;
    } else if (key === 'before') {
      if (typeof value !== 'string') errors.push({ path: 'before', message: 'before must be a string' });
      else if (value.length > 500) errors.push({ path: 'before', message: 'before must be shorter than or equal to 500 characters' });
      else if (value !== '') out.before = value;
    } else {
      errors.push({ path: key, message: 'unknown field; it should not exist' });
    }
  }
  if (errors.length > 0) throw ProblemException.validation(errors);
  return out;
}

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
