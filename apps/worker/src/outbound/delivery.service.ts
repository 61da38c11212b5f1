import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { comesAfter, EventStore, type StoredEvent } from '../../../../libs/event-store/src/index.js';
import { decideDelivery, toWebhookPayload, type DeliveryPolicy } from '../../../../libs/relationship/src/index.js';
import { APP_CONFIG, Clock, metrics, type AppConfig } from '../../../../libs/shared/src/index.js';
import { HttpSender } from './http-sender.js';
import { webhookIdFor, type DeliverJob } from './outbound-relay.projection.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A failed attempt worth retrying; carries the delay the delivery log already promised. */
export class RetryDeliveryError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryDeliveryError';
  }
}

export type DeliveryResult = 'delivered' | 'already_delivered' | 'dropped';

/**
 * One delivery attempt: sign, POST, log the attempt, decide. The decision (and its delay) is
 * made here, written to the delivery log, and handed to BullMQ's backoff through the error,
 * so `next_retry_at` in the log is the time BullMQ will actually retry.
 */
@Injectable()
export class DeliveryService {
  private readonly sender: HttpSender;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(EventStore) private readonly store: EventStore,
  ) {
    this.sender = new HttpSender({ timeoutMs: config.OUTBOUND_TIMEOUT_MS, allowPrivate: config.OUTBOUND_ALLOW_PRIVATE });
  }

  policy(maxAttempts = this.config.OUTBOUND_MAX_ATTEMPTS): DeliveryPolicy {
    return {
      maxAttempts,
      baseDelayMs: this.config.OUTBOUND_BACKOFF_MS,
      maxDelayMs: 3_600_000,
      maxRetryAfterMs: this.config.OUTBOUND_RETRY_AFTER_MAX_SECONDS * 1000,
      jitter: 0.5,
    };
  }

  async deliver(data: DeliverJob, job: Pick<Job, 'attemptsMade' | 'opts'>): Promise<DeliveryResult> {
    const attempt = job.attemptsMade + 1;
    // Only ids are taken from the job: the webhook id is derived, the payload is built from the
    // stored event, and the subscription decides whether it hears that event at all.
    const webhookId = webhookIdFor(String(data.subscriptionId), String(data.eventId));
    const target = { subscriptionId: String(data.subscriptionId), eventId: String(data.eventId), webhookId };
    const drop = async (error: string, eventType = 'unknown') => {
      await this.log(target, eventType, attempt, 'dropped', { error, attemptedAt: this.clock.now() });
      metrics.outboundDeliveries.inc({ outcome: 'dropped' });
      return 'dropped' as const;
    };
    if (!UUID.test(target.subscriptionId) || !UUID.test(target.eventId)) throw new UnrecoverableError('a delivery job names no subscription or event');
    const subs = await this.ds.query(`SELECT url, secret, events, created_at, deleted_at FROM webhook_subscriptions WHERE id = $1`, [target.subscriptionId]);
    const sub = subs[0];
    if (!sub || sub.deleted_at) return drop('subscription deleted');
    const event = await this.storedEvent(data);
    if (!event) return drop('no such event');
    const payload = toWebhookPayload(event);
    if (!payload) return drop('the event is not one a subscription can hear', event.type);
    // What the relay checks, checked again: a job added by hand gets nothing the relay would not send.
    if (!(sub.events as string[]).includes(payload.type) || new Date(sub.created_at).getTime() > event.recordedAt.getTime()) {
      return drop('the subscription does not hear this event', payload.type);
    }
    // Nor an event of a type from before the relay sent that type. No row yet: the relay's
    // transaction that records it and added this job has not committed, so the event is after it.
    const [from] = await this.ds.query(`SELECT after_transaction_id::text AS tx, after_position FROM outbound_relay_sources WHERE source_type = $1`, [event.type]);
    if (from && !comesAfter(event, { transactionId: from.tx, globalPosition: Number(from.after_position) })) {
      return drop('the relay does not send events of this type from before it sent that type', payload.type);
    }
    // A replay (projection rebuild, job re-added after BullMQ trimmed it) must not send twice.
    const done = await this.ds.query(`SELECT 1 FROM webhook_deliveries_out WHERE webhook_id = $1 AND outcome = 'delivered' LIMIT 1`, [webhookId]);
    if (done.length > 0) return 'already_delivered';

    const body = JSON.stringify(payload);
    const sentAt = this.clock.now();
    const signature = new Webhook(sub.secret).sign(webhookId, sentAt, body);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Closeness-Webhooks/1.0',
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': signature,
    };
    const result = await this.sender.send(sub.url, headers, body);
    const now = this.clock.now();
    const durationMs = Math.max(0, now.getTime() - sentAt.getTime());
    const statusCode = result.kind === 'response' ? result.status : null;
    const decision = decideDelivery(result, attempt, this.policy(job.opts.attempts ?? this.config.OUTBOUND_MAX_ATTEMPTS), now, Math.random());

    switch (decision.outcome) {
      case 'delivered':
        await this.log(target, payload.type, attempt, 'delivered', { statusCode, durationMs, attemptedAt: sentAt, deliveredAt: now });
        metrics.outboundDeliveries.inc({ outcome: 'delivered' });
        return 'delivered';
      case 'retry': {
        const error = decision.retryAfterHonoured ? `${decision.reason}; Retry-After honoured` : decision.reason;
        await this.log(target, payload.type, attempt, 'retrying', { statusCode, durationMs, error, attemptedAt: sentAt, nextRetryAt: new Date(now.getTime() + decision.delayMs) });
        metrics.outboundDeliveries.inc({ outcome: 'retry' });
        throw new RetryDeliveryError(error, decision.delayMs);
      }
      case 'failed':
        await this.log(target, payload.type, attempt, 'failed', { statusCode, durationMs, error: decision.reason, attemptedAt: sentAt });
        metrics.outboundDeliveries.inc({ outcome: 'failed' });
        // Permanent: no retry can help (4xx, redirect, refused target). Otherwise the attempts are used up.
        throw decision.permanent ? new UnrecoverableError(decision.reason) : new Error(decision.reason);
    }
  }

  /** The event the job names, read from its stream at its version (null when the job names none that is stored). */
  private async storedEvent(data: DeliverJob): Promise<StoredEvent | null> {
    const version = Number(data.streamVersion);
    if (typeof data.streamId !== 'string' || !Number.isInteger(version) || version < 1) return null;
    const [event] = await this.store.readStream(data.streamId, { from: version, limit: 1 });
    return event && event.id === data.eventId ? event : null;
  }

  private async log(
    data: { subscriptionId: string; eventId: string; webhookId: string },
    eventType: string,
    attempt: number,
    outcome: 'delivered' | 'retrying' | 'failed' | 'dropped',
    f: { statusCode?: number | null; durationMs?: number; error?: string; attemptedAt: Date; nextRetryAt?: Date; deliveredAt?: Date },
  ): Promise<void> {
    await this.ds.query(
      `INSERT INTO webhook_deliveries_out (subscription_id, webhook_id, event_id, event_type, attempt, outcome, status_code, error, duration_ms, attempted_at, next_retry_at, delivered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        data.subscriptionId, data.webhookId, data.eventId, eventType, attempt, outcome, f.statusCode ?? null, f.error?.slice(0, 2000) ?? null,
        f.durationMs ?? null, f.attemptedAt, f.nextRetryAt ?? null, f.deliveredAt ?? null,
      ],
    );
  }
}
