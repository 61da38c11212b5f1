import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { FollowUpTask } from '../../../../libs/relationship/src/index.js';

const STATUSES = ['open', 'done', 'dismissed', 'snoozed'] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export class FollowUpItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'transactional_streak', description: 'The rule that raised it (see GET /rules).' }) rule: string;
  @ApiProperty({ description: 'Why, in plain words.' }) reason: string;
  @ApiProperty({ description: 'What a person should do, naming the customer and the facts.' }) suggestedAction: string;
  @ApiProperty({ enum: PRIORITIES }) priority: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ type: [String], description: 'Ids of the events that triggered it.' }) triggeredBy: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'The account manager (or team lead / admin for unassigned customers).' }) assigneeId: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty({ nullable: true, description: 'Completion note or dismissal reason.' }) note: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) snoozedUntil: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'Set when the task went overdue and was escalated.' }) escalatedAt: string | null;
}

export class FollowUpListDto {
  @ApiProperty({ type: [FollowUpItemDto] }) items: FollowUpItemDto[];
}

export class ListFollowUpsQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class CompleteFollowUpDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The touchpoint in which the follow-up was done.' })
  @IsOptional()
  @IsUUID()
  touchpointId?: string;
}

export class DismissFollowUpDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class SnoozeFollowUpDto {
  @ApiProperty({ format: 'date-time', description: 'A future moment; the task opens again then.' })
  @IsISO8601({ strict: true })
  until: string;
}

export function toItem(t: FollowUpTask): FollowUpItemDto {
  return {
    id: t.id, customerId: t.customerId, rule: t.rule, reason: t.reason, suggestedAction: t.suggestedAction, priority: t.priority,
    dueAt: t.dueAt, status: t.status, triggeredBy: t.triggeredBy, createdAt: t.createdAt, assigneeId: t.assigneeId,
    closedAt: t.closedAt, note: t.note, snoozedUntil: t.snoozedUntil, escalatedAt: t.escalatedAt,
  };
}
