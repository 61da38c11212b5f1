import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../../../libs/event-store/src/index.js';
import { decide, evolve, followUpStream, foldTask, type FollowUpTask, type TaskCommand } from '../../../../../libs/relationship/src/index.js';
import { Clock, IdGenerator, ProblemException, assertCustomerInScope, type AuthUser } from '../../../../../libs/shared/src/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => ProblemException.notFound('No follow-up with that id.');

/**
 * Complete, dismiss, snooze: load the task's stream, check the caller may see its customer,
 * decide, append with the expected version and free the customer+rule slot when it closes —
 * one transaction. A concurrent change answers 409 (ConcurrencyError).
 */
@Injectable()
export class ChangeFollowUpHandler {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(IdGenerator) private readonly ids: IdGenerator,
  ) {}

  async execute(taskId: string, cmd: TaskCommand, user: AuthUser, correlationId: string): Promise<FollowUpTask> {
    if (!UUID.test(taskId)) throw notFound();
    return this.ds.transaction(async (tx) => {
      const events = await this.store.readStream(followUpStream(taskId), {}, tx);
      const task = foldTask(events);
      if (!task) throw notFound();
      await assertCustomerInScope(tx, user, task.customerId).catch(() => {
        throw notFound();
      });
      const decided = decide(cmd, task, { now: this.clock.now(), eventId: this.ids.next() });
      if (decided.length === 0) return task;
      await this.store.append(
        followUpStream(taskId),
        decided.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: { actorId: user.id, correlationId, causationId: correlationId } })),
        events[events.length - 1].streamVersion,
        tx,
      );
      const next = decided.reduce<FollowUpTask | null>((s, e) => evolve(s, e), task)!;
      if (next.status === 'done' || next.status === 'dismissed') await tx.query(`DELETE FROM open_follow_ups WHERE task_id = $1`, [taskId]);
      return next;
    });
  }
}
