import {
  comesAfter,
  DependencyUnavailableError,
  projectionCheckpoint,
  START,
  type Checkpoint,
  type Projection,
  type Queryable,
  type StoredEvent,
} from '../../../../libs/event-store/src/index.js';
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

/**
 * From where in the log each event type is sent (outbound_relay_sources): the types of `types`
 * the relay has not sent before start at `from`, the relay's checkpoint now. Called in the
 * runner's transaction, which holds the projection, so two workers never record a type twice.
 */
export async function relaySources(tx: Queryable, types: readonly string[], from: Checkpoint): Promise<Map<string, Checkpoint>> {
  await tx.query(
    `INSERT INTO outbound_relay_sources (source_type, after_transaction_id, after_position) SELECT unnest($1::text[]), $2::xid8, $3 ON CONFLICT (source_type) DO NOTHING`,
    [types, from.transactionId, from.globalPosition],
  );
  const rows = await tx.query(`SELECT source_type, after_transaction_id::text AS tx, after_position FROM outbound_relay_sources`);
  return new Map(rows.map((r: any) => [r.source_type, { transactionId: r.tx, globalPosition: Number(r.after_position) }]));
}

/** Whether the relay sends this event at all: its type is one it sends from a point before it. */
export const isSentFrom = (sources: ReadonlyMap<string, Checkpoint>, event: StoredEvent) => {
  const from = sources.get(event.type);
  return from !== undefined && comesAfter(event, from);
};

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
    // Recorded no later than the first event of a new type that a subscriber could hear: the
    // events before it were passed over by a relay that did not send that type.
    const sources = await relaySources(tx, this.types, (await projectionCheckpoint(tx, this.name)) ?? START);
    const opts = this.jobOptions();
    const jobs: { name: 'deliver-webhook'; data: DeliverJob; opts: Record<string, unknown> }[] = [];
    for (const { event, payload } of payloads) {
      // A type added to the relay is sent from when the relay first ran with it: a rebuild replays
      // the log, but it does not send what happened before the type was sent at all.
      if (!isSentFrom(sources, event)) continue;
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

  /**
   * Rebuild = re-enqueue; already delivered webhook ids are skipped by the delivery worker. A type
   * this rebuild is the first run with starts at the checkpoint the relay had got to (the runner
   * moves it back to the start only after this), so the replay does not send its history.
   */
  async reset(tx: Queryable): Promise<void> {
    await relaySources(tx, this.types, (await projectionCheckpoint(tx, this.name)) ?? START);
  }
}
