import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { OUTBOUND_EVENT_TYPES } from '../../../../libs/relationship/src/index.js';

export class CreateSubscriptionDto {
  @ApiProperty({
    example: 'https://hooks.example.com/closeness',
    maxLength: 2048,
    description: 'http or https. Private, loopback and link-local targets (also names resolving to them) are refused unless OUTBOUND_ALLOW_PRIVATE=true.',
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiProperty({ enum: OUTBOUND_EVENT_TYPES, isArray: true, example: ['follow_up.raised'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(OUTBOUND_EVENT_TYPES.length)
  @IsIn(OUTBOUND_EVENT_TYPES, { each: true })
  events: string[];
}

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

export class DeliveriesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
