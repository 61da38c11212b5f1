import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '../../../../../libs/event-store/src/index.js';
import { decide, followUpStream, foldTask, type FollowUpTask, type TaskCommand } from '../../../../../libs/relationship/src/index.js';
import { ProblemException, assertCustomerInScope, type AuthUser } from '../../../../../libs/shared/src/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => ProblemException.notFound('No follow-up with that id.');

/**
 * Complete, dismiss, snooze: load the task's stream, check the caller may see its customer,
 * decide, append with the version loaded and free the customer+rule slot when it closes — one
 * transaction, run again when a concurrent change moved the task meanwhile.
 */
@Injectable()
export class ChangeFollowUpHandler {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async execute(taskId: string, cmd: TaskCommand, user: AuthUser, correlationId: string): Promise<FollowUpTask> {
    if (!UUID.test(taskId)) throw notFound();
    return this.store.transaction(async (tx) => {
      const events = await this.store.readStream(followUpStream(taskId), {}, tx);
      const task = foldTask(events);
      if (!task) throw notFound();
      await assertCustomerInScope(tx, user, task.customerId).catch(() => {
        throw notFound();
      });
      // The state checked above is the state decided on: the append expects the version read.
      const handled = await this.store.handle(
        followUpStream(taskId),
        { initialState: () => task, decide: (c: TaskCommand, state, { now, nextId }) => decide(c, state, { now, eventId: nextId() }) },
        cmd,
        { correlationId, actorId: user.id, tx, expectedVersion: events[events.length - 1].streamVersion },
      );
      if (handled.events.length === 0) return task;
      const next = foldTask([...events, ...handled.events])!;
      if (next.status === 'done' || next.status === 'dismissed') await tx.query(`DELETE FROM open_follow_ups WHERE task_id = $1`, [taskId]);
      return next;
    });
  }
}
