import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import type { FollowUpTask } from '../../../../libs/relationship/src/index.js';
import { apiSchema, laterMoment, queryInt, text, uuid } from '../../../../libs/shared/src/index.js';

const STATUSES = ['open', 'done', 'dismissed', 'snoozed'] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export class FollowUpReasonDto {
  @ApiProperty({ example: 'transactional_streak', description: 'The rule behind this reason (see GET /rules).' }) rule: string;
  @ApiProperty({ description: 'Why, in plain words.' }) reason: string;
  @ApiProperty({ type: [String], description: 'Ids of the events behind this reason.' }) triggeredBy: string[];
  @ApiProperty({ format: 'date-time', description: 'When the reason joined the task (its raise, or the moment a later rule fired).' }) at: string;
}

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
  @ApiProperty({ type: [FollowUpReasonDto], description: 'Every reason of this one reach-out, in the order they came: the raise first, then as they joined. The task\'s `rule` and `reason` name the leading (most urgent) one, which need not be first: a more urgent reason that joins takes the lead.' }) reasons: FollowUpReasonDto[];
}

export class FollowUpListDto {
  @ApiProperty({ type: [FollowUpItemDto] }) items: FollowUpItemDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page.' }) nextCursor: string | null;
  @ApiProperty({ description: 'How many tasks match the filters (in your reach), over all pages.' }) total: number;
  @ApiProperty({ description: 'Of those, how many are open and past their due time now (snoozed ones are not open).' }) overdue: number;
}

export const LIST_DEFAULT_LIMIT = 50;

export const ListFollowUpsQuery = z.strictObject({
  status: z.enum(STATUSES).optional().meta({ description: '`open` is open only: a snoozed task is `snoozed` until its time comes and the sweep opens it again.' }),
  customerId: uuid().optional().meta({ description: 'Only this customer\'s tasks. Outside your reach: an empty list.' }),
  assigneeId: uuid()
    .optional()
    .meta({ description: 'Only the tasks assigned to this user (a task without an assignee: its customer\'s account manager), as the team report counts them; a team lead passes one of their account managers. Like every filter it narrows your reach, never widens it: for someone outside it the list is empty.' }),
  limit: queryInt(1, 1000).optional().meta({ description: `Page size, default ${LIST_DEFAULT_LIMIT}.` }),
  cursor: text(500).optional().meta({ description: 'The nextCursor of the previous page (opaque).' }),
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
    closedAt: t.closedAt, note: t.note, snoozedUntil: t.snoozedUntil, escalatedAt: t.escalatedAt, reasons: reasonItems(t.reasons),
  };
}

/**
 * The public shape of a task's reasons: rule, reason, events and when it joined. Read tolerantly
 * (a read-model row is data from the log): anything odd becomes an empty field, never a 500;
 * a task with no stored reasons shows its leading one.
 */
export function reasonItems(reasons: unknown, lead?: { rule: string; reason: string; triggeredBy: string[]; at: string }): FollowUpReasonDto[] {
  const list = Array.isArray(reasons) ? reasons.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object') : [];
  if (list.length === 0) return lead ? [lead] : [];
  return list.map((r) => ({
    rule: typeof r.rule === 'string' ? r.rule : '',
    reason: typeof r.reason === 'string' ? r.reason : '',
    triggeredBy: Array.isArray(r.triggeredBy) ? r.triggeredBy.filter((x): x is string => typeof x === 'string') : [],
    at: typeof r.at === 'string' && !Number.isNaN(Date.parse(r.at)) ? new Date(r.at).toISOString() : (lead?.at ?? ''),
  }));
}
