import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { decideDelivery, type DeliveryPolicy } from '../../../../libs/relationship/src/index.js';
import { APP_CONFIG, Clock, metrics, type AppConfig } from '../../../../libs/shared/src/index.js';
import { HttpSender } from './http-sender.js';
import type { DeliverJob } from './outbound-relay.projection.js';

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
    const subs = await this.ds.query(`SELECT url, secret, deleted_at FROM webhook_subscriptions WHERE id = $1`, [data.subscriptionId]);
    const sub = subs[0];
    if (!sub || sub.deleted_at) {
      await this.log(data, attempt, 'dropped', { error: 'subscription deleted', attemptedAt: this.clock.now() });
      metrics.outboundDeliveries.inc({ outcome: 'dropped' });
      return 'dropped';
    }
    // A replay (projection rebuild, job re-added after BullMQ trimmed it) must not send twice.
    const done = await this.ds.query(`SELECT 1 FROM webhook_deliveries_out WHERE webhook_id = $1 AND outcome = 'delivered' LIMIT 1`, [data.webhookId]);
    if (done.length > 0) return 'already_delivered';

    const body = JSON.stringify(data.payload);
    const sentAt = this.clock.now();
    const signature = new Webhook(sub.secret).sign(data.webhookId, sentAt, body);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Closeness-Webhooks/1.0',
      'webhook-id': data.webhookId,
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
        await this.log(data, attempt, 'delivered', { statusCode, durationMs, attemptedAt: sentAt, deliveredAt: now });
        metrics.outboundDeliveries.inc({ outcome: 'delivered' });
        return 'delivered';
      case 'retry': {
        const error = decision.retryAfterHonoured ? `${decision.reason}; Retry-After honoured` : decision.reason;
        await this.log(data, attempt, 'retrying', { statusCode, durationMs, error, attemptedAt: sentAt, nextRetryAt: new Date(now.getTime() + decision.delayMs) });
        metrics.outboundDeliveries.inc({ outcome: 'retry' });
        throw new RetryDeliveryError(error, decision.delayMs);
      }
      case 'failed':
        await this.log(data, attempt, 'failed', { statusCode, durationMs, error: decision.reason, attemptedAt: sentAt });
        metrics.outboundDeliveries.inc({ outcome: 'failed' });
        // Permanent: no retry can help (4xx, redirect, refused target). Otherwise the attempts are used up.
        throw decision.permanent ? new UnrecoverableError(decision.reason) : new Error(decision.reason);
    }
  }

  private async log(
    data: DeliverJob,
    attempt: number,
    outcome: 'delivered' | 'retrying' | 'failed' | 'dropped',
    f: { statusCode?: number | null; durationMs?: number; error?: string; attemptedAt: Date; nextRetryAt?: Date; deliveredAt?: Date },
  ): Promise<void> {
    await this.ds.query(
      `INSERT INTO webhook_deliveries_out (subscription_id, webhook_id, event_id, event_type, attempt, outcome, status_code, error, duration_ms, attempted_at, next_retry_at, delivered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        data.subscriptionId, data.webhookId, data.eventId, data.payload.type, attempt, outcome, f.statusCode ?? null, f.error?.slice(0, 2000) ?? null,
        f.durationMs ?? null, f.attemptedAt, f.nextRetryAt ?? null, f.deliveredAt ?? null,
      ],
    );
  }
}
