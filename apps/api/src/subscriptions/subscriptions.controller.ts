import { Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExtraModels, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { alreadyDecided, EventStore } from '../../../../libs/event-store/src/index.js';
import { APP_CONFIG, Clock, CorrelationId, CurrentUser, IdGenerator, ProblemException, Roles, ValidBody, ValidQuery, type AppConfig, type AuthUser } from '../../../../libs/shared/src/index.js';
import {
  CreateSubscriptionBody,
  CreatedSubscriptionDto,
  DeliveriesQuery,
  DeliveryListDto,
  FollowUpCompletedWebhookDto,
  FollowUpUpdatedWebhookDto,
  SubscriptionListDto,
  type CreateSubscriptionDto,
} from './subscription.dto.js';
import { checkWebhookTarget } from './webhook-target.js';

export const subscriptionStream = (id: string) => `subscription-${id}`;

const uuidOr404 = new ParseUUIDPipe({ exceptionFactory: () => ProblemException.notFound('No subscription with that id.') });

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

@ApiTags('webhooks')
@ApiExtraModels(FollowUpUpdatedWebhookDto, FollowUpCompletedWebhookDto)
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('subscriptions')
export class SubscriptionsController {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(IdGenerator) private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Subscribe a URL to outbound webhooks',
    description:
      'Deliveries are POSTed as `{type, timestamp, data}` and signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). ' +
      'Retried with exponential backoff and jitter on 5xx, 408, 429, timeouts and connection errors (Retry-After honoured on 429/503); redirects are not followed. ' +
      'The secret is returned once. ' +
      '`follow_up.updated` carries a `change` (reason_added, reason_revised, reason_withdrawn, escalated, snoozed, snooze_ended) and the task as the change leaves it, null where it does not say ' +
      '(schema `FollowUpUpdatedWebhookDto`); `follow_up.completed` is sent for completions and dismissals, told apart by `status` (schema `FollowUpCompletedWebhookDto`). ' +
      'Free text written by staff (completion notes, dismiss reasons) is never sent.',
  })
  @ApiResponse({ status: 201, type: CreatedSubscriptionDto })
  @ApiResponse({ status: 422, description: 'Invalid URL or events, or a private/loopback/link-local target.' })
  async create(@ValidBody(CreateSubscriptionBody) body: CreateSubscriptionDto, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<CreatedSubscriptionDto> {
    const problem = await checkWebhookTarget(body.url, this.config.OUTBOUND_ALLOW_PRIVATE);
    if (problem) throw ProblemException.validation([problem], 'The subscription URL cannot be used.');
    const id = this.ids.next();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const createdAt = await this.store.transaction(async (tx) => {
      // The database's clock, the same one that stamps events: the relay sends a subscription
      // only events recorded after it was made.
      const rows = await tx.query(`INSERT INTO webhook_subscriptions (id, url, events, secret, created_by, created_at) VALUES ($1, $2, $3, $4, $5, now()) RETURNING created_at`, [
        id, body.url, body.events, secret, user.id,
      ]);
      const at = new Date(rows[0].created_at).toISOString();
      // The audit trail; the secret stays out of the log.
      await this.store.handle(
        subscriptionStream(id),
        alreadyDecided,
        [{ id: this.ids.next(), type: 'WebhookSubscriptionCreated', data: { subscriptionId: id, url: body.url, events: body.events, createdBy: user.id, createdAt: at } }],
        { correlationId, actorId: user.id, tx, expectedVersion: 'no_stream' },
      );
      return at;
    });
    return { id, secret, url: body.url, events: body.events, createdAt };
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'The live subscriptions (without secrets)' })
  @ApiResponse({ status: 200, type: SubscriptionListDto })
  async list(): Promise<SubscriptionListDto> {
    const rows = await this.ds.query(`SELECT id, url, events, created_by, created_at FROM webhook_subscriptions WHERE deleted_at IS NULL ORDER BY created_at, id`);
    return { items: rows.map((r: any) => ({ id: r.id, url: r.url, events: r.events, createdBy: r.created_by, createdAt: iso(r.created_at)! })) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Remove a subscription', description: 'Pending deliveries to it are dropped; its delivery log stays readable.' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, description: 'No live subscription with that id.' })
  async remove(@Param('id', uuidOr404) id: string, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<void> {
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const rows = await tx.query(`UPDATE webhook_subscriptions SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id`, [id, now]);
      // UPDATE ... RETURNING comes back as [rows, count] from TypeORM.
      const updated = Array.isArray(rows[0]) ? rows[0] : rows;
      if (updated.length === 0) throw ProblemException.notFound('No subscription with that id.');
      await this.store.handle(
        subscriptionStream(id),
        alreadyDecided,
        [{ id: this.ids.next(), type: 'WebhookSubscriptionDeleted', data: { subscriptionId: id, deletedBy: user.id, deletedAt: now.toISOString() } }],
        { correlationId, actorId: user.id, tx },
      );
    });
  }

  @Get(':id/deliveries')
  @Roles('admin', 'ops')
  @ApiOperation({ summary: 'The delivery log of a subscription', description: 'One item per (subscription, event) with every attempt: status code, error, next retry, delivered at. Newest first.' })
  @ApiResponse({ status: 200, type: DeliveryListDto })
  @ApiResponse({ status: 404, description: 'No subscription with that id.' })
  async deliveries(@Param('id', uuidOr404) id: string, @ValidQuery(DeliveriesQuery) q: { limit?: number }): Promise<DeliveryListDto> {
    const exists = await this.ds.query(`SELECT 1 FROM webhook_subscriptions WHERE id = $1`, [id]);
    if (exists.length === 0) throw ProblemException.notFound('No subscription with that id.');
    const rows = await this.ds.query(
      `SELECT webhook_id, min(event_id::text) AS event_id, min(event_type) AS event_type, min(attempted_at) AS first_at,
              json_agg(json_build_object('attempt', attempt, 'outcome', outcome, 'statusCode', status_code, 'error', error,
                'durationMs', duration_ms, 'attemptedAt', attempted_at, 'nextRetryAt', next_retry_at, 'deliveredAt', delivered_at)
                ORDER BY attempt, id) AS attempts
       FROM webhook_deliveries_out WHERE subscription_id = $1
       GROUP BY webhook_id ORDER BY first_at DESC, webhook_id LIMIT $2`,
      [id, q.limit ?? 100],
    );
    return {
      items: rows.map((r: any) => {
        const attempts = (r.attempts as any[]).map((a) => ({
          attempt: a.attempt,
          outcome: a.outcome,
          statusCode: a.statusCode,
          error: a.error,
          durationMs: a.durationMs,
          attemptedAt: iso(a.attemptedAt)!,
          nextRetryAt: iso(a.nextRetryAt),
          deliveredAt: iso(a.deliveredAt),
        }));
        const last = attempts[attempts.length - 1];
        return {
          webhookId: r.webhook_id,
          eventId: r.event_id,
          type: r.event_type,
          status: last.outcome,
          attemptCount: attempts.length,
          lastStatusCode: last.statusCode,
          lastError: last.error,
          nextRetryAt: last.outcome === 'retrying' ? last.nextRetryAt : null,
          deliveredAt: last.deliveredAt,
          attempts: attempts.map(({ deliveredAt: _d, ...a }) => a),
        };
      }),
    };
  }
}
