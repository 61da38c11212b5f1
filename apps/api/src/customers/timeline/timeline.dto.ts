import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

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

export class SignalDto {
  @ApiProperty({ example: 'automated' }) name: string;
  @ApiProperty({ description: 'Signed points: + towards closeness, − towards distance.' }) effect: number;
  @ApiProperty({ example: 'handled by a chatbot' }) detail: string;
}

export class RelationalDto {
  @ApiProperty({ minimum: 0, maximum: 100 }) score: number;
  @ApiProperty({ enum: ['relational', 'neutral', 'transactional'] }) class: string;
  @ApiProperty({ type: [SignalDto] }) signals: SignalDto[];
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
