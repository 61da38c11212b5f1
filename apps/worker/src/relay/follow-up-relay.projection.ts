import { DependencyUnavailableError, type Projection, type Queryable, type StoredEvent } from '../../../../libs/event-store/src/index.js';
import type { FailFastQueue, JobData } from '../../../../libs/queues/src/index.js';
import { QUEUES } from '../../../../libs/queues/src/index.js';
import { eventTypesOf, type CustomerEvent } from '../../../../libs/relationship/src/index.js';

type EvaluateJob = JobData<typeof QUEUES.followUps, 'evaluate-event'>;

/** The event types that can make a follow-up rule fire (or close a task). */
export const RELAY_TYPES = eventTypesOf<CustomerEvent>()('TouchpointRecorded', 'InboundMessageWentUnanswered', 'RelationshipWentQuiet', 'OutcomeRecorded');

const CUSTOMER_PREFIX = 'customer-';

/**
 * The outbox relay: the event log is the outbox. Rides the commit-safe projection runner, so
 * `apply` sees each committed event once, in commit order; it enqueues one job per event with
 * the event id as job id (BullMQ ignores a job id it already holds) and throws when Redis does
 * not accept them, which rolls the checkpoint back: nothing is lost, the batch is retried.
 */
export class FollowUpRelayProjection implements Projection {
  readonly name = 'follow-up-relay';
  readonly types = RELAY_TYPES;
  readonly batchSize = 500;

  constructor(private readonly queue: FailFastQueue<EvaluateJob>) {}

  async apply(events: StoredEvent[], _tx: Queryable): Promise<void> {
    const jobs = events
      .filter((e) => e.streamId.startsWith(CUSTOMER_PREFIX))
      .map((e) => ({
        name: 'evaluate-event' as const,
        data: { eventId: e.id, customerId: e.streamId.slice(CUSTOMER_PREFIX.length), type: e.type, streamVersion: e.streamVersion },
        opts: { jobId: e.id },
      }));
    if (jobs.length === 0) return;
    try {
      await (await this.queue.get()).addBulk(jobs);
    } catch (err) {
      // Redis, not the events: retried whole, never parked.
      throw new DependencyUnavailableError(err);
    }
  }

  /** Rebuild = re-enqueue everything; the jobs are idempotent, so nothing is raised twice. */
  async reset(_tx: Queryable): Promise<void> {}
}
