import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import type { FollowUpTask } from '../../../../libs/relationship/src/index.js';
import { apiSchema, laterMoment, queryInt, text, uuid } from '../../../../libs/shared/src/index.js';

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

export const ListFollowUpsQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  customerId: uuid().optional(),
  limit: queryInt(1, 1000).optional().meta({ description: 'Default 200.' }),
});
export type ListFollowUpsQueryDto = z.output<typeof ListFollowUpsQuery>;

export const CompleteFollowUpBody = apiSchema(
  'CompleteFollowUp',
  z.strictObject({
    note: text(2000).optional(),
    touchpointId: uuid().meta({ description: 'The touchpoint in which the follow-up was done.' }).optional(),
  }),
);
export type CompleteFollowUpDto = z.output<typeof CompleteFollowUpBody>;

export const DismissFollowUpBody = apiSchema('DismissFollowUp', z.strictObject({ reason: text(2000, 1) }));
export type DismissFollowUpDto = z.output<typeof DismissFollowUpBody>;

export const SnoozeFollowUpBody = apiSchema('SnoozeFollowUp', z.strictObject({ until: laterMoment('A future moment, at most 366 days ahead; the task opens again then.') }));
export type SnoozeFollowUpDto = z.output<typeof SnoozeFollowUpBody>;

export function toItem(t: FollowUpTask): FollowUpItemDto {
  return {
    id: t.id, customerId: t.customerId, rule: t.rule, reason: t.reason, suggestedAction: t.suggestedAction, priority: t.priority,
    dueAt: t.dueAt, status: t.status, triggeredBy: t.triggeredBy, createdAt: t.createdAt, assigneeId: t.assigneeId,
    closedAt: t.closedAt, note: t.note, snoozedUntil: t.snoozedUntil, escalatedAt: t.escalatedAt,
  };
}
