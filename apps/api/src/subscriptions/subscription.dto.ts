import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { OUTBOUND_EVENT_TYPES } from '../../../../libs/relationship/src/index.js';
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
