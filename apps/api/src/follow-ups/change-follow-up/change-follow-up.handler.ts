import { Inject, Injectable } from '@nestjs/common';
import { EventStore, type Queryable } from '../../../../../libs/event-store/src/index.js';
import { customerStream, decide, followUpStream, foldTask, reasonRules, type FollowUpTask, type TaskCommand } from '../../../../../libs/relationship/src/index.js';
import { ProblemException, assertCustomerInScope, recordFollowUpClosed, type AuthUser } from '../../../../../libs/shared/src/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => ProblemException.notFound('No follow-up with that id.');

/**
 * Complete, dismiss, snooze: load the task's stream, check the caller may see its customer,
 * decide, append with the version loaded and keep the customer's follow-up slot in step when
 * it closes — one transaction, run again when a concurrent change moved the task meanwhile.
 * The customer's lock (the one the follow-up worker takes) keeps a reason from joining a task
 * while it is being closed.
 */
@Injectable()
export class ChangeFollowUpHandler {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async execute(taskId: string, cmd: TaskCommand, user: AuthUser, correlationId: string): Promise<FollowUpTask> {
    if (!UUID.test(taskId)) throw notFound();
    return this.store.transaction(async (tx) => {
      const first = foldTask(await this.store.readStream(followUpStream(taskId), {}, tx));
      if (!first) throw notFound();
      await assertCustomerInScope(tx, user, first.customerId).catch(() => {
        throw notFound();
      });
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [first.customerId]);
      const events = await this.store.readStream(followUpStream(taskId), {}, tx);
      const task = foldTask(events)!;
      if (cmd.type === 'Complete' && cmd.touchpointId !== undefined) await this.assertCustomersTouchpoint(tx, task.customerId, cmd.touchpointId);
      // The state checked above is the state decided on: the append expects the version read.
      const handled = await this.store.handle(
        followUpStream(taskId),
        { initialState: () => task, decide: (c: TaskCommand, state, { now, nextId }) => decide(c, state, { now, eventId: nextId() }) },
        cmd,
        { correlationId, actorId: user.id, tx, expectedVersion: events[events.length - 1].streamVersion },
      );
      if (handled.events.length === 0) return task;
      const next = foldTask([...events, ...handled.events])!;
      if (next.status === 'done' || next.status === 'dismissed') {
        await recordFollowUpClosed(tx, { customerId: next.customerId, taskId, closedAt: next.closedAt!, dismissedRules: next.status === 'dismissed' ? reasonRules(next) : [] });
      }
      return next;
    });
  }

  /**
   * The touchpoint a follow-up was done in must be one of the task's customer's (#19.9): another
   * team's id would be stored and sent out in the outbound webhook as if it belonged here.
   */
  private async assertCustomersTouchpoint(tx: Queryable, customerId: string, touchpointId: string): Promise<void> {
    const [e] = await this.store.readEvents([touchpointId], tx);
    if (!e || e.type !== 'TouchpointRecorded' || e.streamId !== customerStream(customerId)) {
      throw ProblemException.validation([{ path: 'touchpointId', message: "must be a touchpoint of this follow-up's customer" }], 'The touchpoint is not one of this customer\'s.');
    }
  }
}
