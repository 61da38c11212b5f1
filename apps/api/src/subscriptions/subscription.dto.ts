import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { FOLLOW_UP_CHANGES, OUTBOUND_EVENT_TYPES, PRIORITIES } from '../../../../libs/relationship/src/index.js';
import { apiSchema, queryInt, text } from '../../../../libs/shared/src/index.js';

export const CreateSubscriptionBody = apiSchema(
  'CreateSubscription',
  z.strictObject({
    url: text(2048).meta({
      example: 'https://hooks.example.com/closeness',
      description: 'http or https. Private, loopback and link-local targets (also names resolving to them) are refused unless OUTBOUND_ALLOW_PRIVATE=true.',
    }),
    // Checked as a whole, so a bad entry is named as `events` (as the API always has).
    events: z
      .array(z.string().max(100))
      .min(1)
      .max(OUTBOUND_EVENT_TYPES.length)
      .check((ctx) => {
        if (ctx.value.some((e) => !(OUTBOUND_EVENT_TYPES as readonly string[]).includes(e))) {
          ctx.issues.push({ code: 'custom', message: `each event must be one of: ${OUTBOUND_EVENT_TYPES.join(', ')}`, input: ctx.value });
        } else if (new Set(ctx.value).size !== ctx.value.length) ctx.issues.push({ code: 'custom', message: 'must not name an event twice', input: ctx.value });
      })
      .meta({ example: ['follow_up.raised'], items: { type: 'string', enum: [...OUTBOUND_EVENT_TYPES] } }),
  }),
);
export type CreateSubscriptionDto = Omit<z.output<typeof CreateSubscriptionBody>, 'events'> & { events: (typeof OUTBOUND_EVENT_TYPES)[number][] };

export const DeliveriesQuery = z.strictObject({ limit: queryInt(1, 500).optional().meta({ description: 'Default 100.' }) });

export class CreatedSubscriptionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The Standard Webhooks signing secret. Shown once; it cannot be read again.' })
  secret: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: OUTBOUND_EVENT_TYPES, isArray: true }) events: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SubscriptionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: OUTBOUND_EVENT_TYPES, isArray: true }) events: string[];
  @ApiProperty({ format: 'uuid', nullable: true }) createdBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SubscriptionListDto {
  @ApiProperty({ type: [SubscriptionDto] }) items: SubscriptionDto[];
}

export class DeliveryAttemptDto {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty({ enum: ['delivered', 'retrying', 'failed', 'dropped'] }) outcome: string;
  @ApiProperty({ nullable: true, description: 'The receiver\'s HTTP status; null when no response came (timeout, connection error, refused target).' }) statusCode: number | null;
  @ApiProperty({ nullable: true }) error: string | null;
  @ApiProperty({ nullable: true }) durationMs: number | null;
  @ApiProperty({ format: 'date-time' }) attemptedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true }) nextRetryAt: string | null;
}

export class DeliveryDto {
  @ApiProperty({ description: 'The `webhook-id` header: the same on every attempt, so receivers can de-duplicate.' }) webhookId: string;
  @ApiProperty({ format: 'uuid', description: 'The event that caused the delivery.' }) eventId: string;
  @ApiProperty({ enum: OUTBOUND_EVENT_TYPES }) type: string;
  @ApiProperty({ enum: ['delivered', 'retrying', 'failed', 'dropped'], description: 'The outcome of the latest attempt.' }) status: string;
  @ApiProperty() attemptCount: number;
  @ApiProperty({ nullable: true }) lastStatusCode: number | null;
  @ApiProperty({ nullable: true }) lastError: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) nextRetryAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attempts: DeliveryAttemptDto[];
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryDto], description: 'Newest first.' }) items: DeliveryDto[];
}

// The payloads a subscriber receives (documented here: they are POSTed by us, not to us).

class WebhookReasonDto {
  @ApiProperty() rule: string;
  @ApiProperty() reason: string;
  @ApiProperty({ type: [String], format: 'uuid' }) triggeredBy: string[];
  @ApiProperty({ format: 'date-time' }) at: string;
}

class WebhookLeadDto {
  @ApiProperty() rule: string;
  @ApiProperty() reason: string;
}

export class FollowUpUpdatedWebhookDataDto {
  @ApiProperty({ format: 'uuid', description: 'The event this delivery is about (also in the delivery log).' }) eventId: string;
  @ApiProperty({ format: 'uuid' }) taskId: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({
    enum: FOLLOW_UP_CHANGES,
    description:
      'What happened: a reason joined (`reason_added`), a reason was reworded (`reason_revised`, e.g. a longer silence) or left the task (`reason_withdrawn`), ' +
      'the overdue task was escalated (`escalated`), snoozed (`snoozed`), or its snooze ended and it is open again (`snooze_ended`). New values may be added.',
  })
  change: string;
  @ApiProperty({ enum: PRIORITIES, nullable: true, description: 'The task after the change; null where the change does not say (snoozed, snooze_ended): keep what you have.' }) priority: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'Null for escalated, snoozed, snooze_ended (a snooze does not move the due date; see `until`).' }) dueAt: string | null;
  @ApiProperty({ nullable: true, description: 'Null for escalated, snoozed, snooze_ended.' }) suggestedAction: string | null;
  @ApiProperty({ type: WebhookReasonDto, nullable: true, description: 'reason_added: the reason that joined.' }) addedReason: WebhookReasonDto | null;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'reason_added: the other task of the customer it came from (merged).' }) mergedFrom: string | null;
  @ApiProperty({ type: WebhookReasonDto, nullable: true, description: 'reason_revised: the reason as it reads now; it replaces the task\'s reason of the same rule.' }) revisedReason: WebhookReasonDto | null;
  @ApiProperty({ nullable: true, description: 'reason_withdrawn: the rule whose reason left the task.' }) withdrawnRule: string | null;
  @ApiProperty({ type: WebhookLeadDto, nullable: true, description: 'The leading reason (the task\'s `rule` and `reason`) afterwards, where the change names it (reason_added, reason_withdrawn).' }) lead: WebhookLeadDto | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'snoozed: until when; snooze_ended: the `until` that passed.' }) until: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'snoozed: who snoozed it.' }) snoozedBy: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'escalated: the person it went to (the assignee\'s team lead, else an admin).' }) escalatedTo: string | null;
}

export class FollowUpUpdatedWebhookDto {
  @ApiProperty({ enum: ['follow_up.updated'] }) type: string;
  @ApiProperty({ format: 'date-time', description: 'When the change happened.' }) timestamp: string;
  @ApiProperty({ type: FollowUpUpdatedWebhookDataDto }) data: FollowUpUpdatedWebhookDataDto;
}

export class FollowUpCompletedWebhookDataDto {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ format: 'uuid' }) taskId: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ enum: ['done', 'dismissed'], description: 'done: completed (by a person, or automatically); dismissed: closed as not worth doing.' }) status: string;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'done: who completed it (null when closed automatically); null for a dismissal.' }) completedBy: string | null;
  @ApiProperty({ description: 'done: closed by the system (a relational contact followed, merged, the customer left); false for a dismissal.' }) automatic: boolean;
  @ApiProperty({ format: 'uuid', nullable: true }) touchpointId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'Closed because its reasons joined this other open task of the customer.' }) mergedInto: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'dismissed: who dismissed it. The completion note and the dismiss reason are staff\'s free text and are not sent.' }) dismissedBy: string | null;
}

export class FollowUpCompletedWebhookDto {
  @ApiProperty({ enum: ['follow_up.completed'] }) type: string;
  @ApiProperty({ format: 'date-time', description: 'When the task was closed.' }) timestamp: string;
  @ApiProperty({ type: FollowUpCompletedWebhookDataDto }) data: FollowUpCompletedWebhookDataDto;
}
