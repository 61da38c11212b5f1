import { DependencyUnavailableError, type Projection, type Queryable, type StoredEvent } from '../../../../libs/event-store/src/index.js';
import type { FailFastQueue, JobData } from '../../../../libs/queues/src/index.js';
import { QUEUES } from '../../../../libs/queues/src/index.js';
import { OUTBOUND_SOURCE_TYPES, toWebhookPayload } from '../../../../libs/relationship/src/index.js';
import { deterministicId } from '../../../../libs/shared/src/index.js';

export type DeliverJob = JobData<typeof QUEUES.deliveries, 'deliver-webhook'>;

/**
 * The `webhook-id` of the delivery of one event to one subscription: the same on every attempt,
 * every replay and every worker, so BullMQ de-duplicates the job and receivers de-duplicate the call.
 * Also the BullMQ job id (no colons, not numeric).
 */
export const webhookIdFor = (subscriptionId: string, eventId: string) => `msg_${deterministicId('outbound-webhook', subscriptionId, eventId)}`;

interface LiveSubscription {
  id: string;
  events: string[];
  created_at: Date;
}

/**
 * The outbound relay: the event log is the outbox. Rides the commit-safe projection runner,
 * so each committed event is seen once in commit order; enqueues one delivery job per
 * (subscription, event) and throws when Redis refuses them, which rolls the checkpoint back
 * (the batch is retried; deterministic job ids make the retry harmless).
 */
export class OutboundRelayProjection implements Projection {
  readonly name = 'outbound-relay';
  readonly types = Object.keys(OUTBOUND_SOURCE_TYPES);
  readonly batchSize = 500;

  constructor(
    private readonly queue: FailFastQueue<DeliverJob>,
    private readonly jobOptions: () => { attempts: number },
  ) {}

  async apply(events: StoredEvent[], tx: Queryable): Promise<void> {
    const payloads = events.map((e) => ({ event: e, payload: toWebhookPayload(e) })).filter((p) => p.payload !== null);
    if (payloads.length === 0) return;
    const subs: LiveSubscription[] = await tx.query(`SELECT id, events, created_at FROM webhook_subscriptions WHERE deleted_at IS NULL`);
    if (subs.length === 0) return;
    const opts = this.jobOptions();
    const jobs: { name: 'deliver-webhook'; data: DeliverJob; opts: Record<string, unknown> }[] = [];
    for (const { event, payload } of payloads) {
      for (const sub of subs) {
        if (!sub.events.includes(payload!.type)) continue;
        // A subscription hears what happens after it was made: a rebuild must not send it the past.
        if (new Date(sub.created_at).getTime() > event.recordedAt.getTime()) continue;
        const webhookId = webhookIdFor(sub.id, event.id);
        jobs.push({
          name: 'deliver-webhook',
          data: { subscriptionId: sub.id, eventId: event.id, streamId: event.streamId, streamVersion: event.streamVersion, webhookId },
          opts: { jobId: webhookId, attempts: opts.attempts, backoff: { type: 'outbound' } },
        });
      }
    }
    if (jobs.length === 0) return;
    try {
      await (await this.queue.get()).addBulk(jobs);
    } catch (err) {
      // Redis, not the events: retried whole, never parked.
      throw new DependencyUnavailableError(err);
    }
  }

  /** Rebuild = re-enqueue; already delivered webhook ids are skipped by the delivery worker. */
  async reset(_tx: Queryable): Promise<void> {}
}
