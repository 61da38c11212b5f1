import type { Projection, Queryable, StoredEvent } from '../../event-store/src/index.js';
import { businessTimeIso, TASK_EVENT_TYPES } from '../../relationship/src/index.js';
import { uuidOrNull } from './stream-ids.js';

/** Pure: what a follow-up event does to the summary row of its task (null: not a follow-up event). */
export function followUpChange(e: { type: string; data: any }): Record<string, unknown> | null {
  const d = e.data ?? {};
  if (!uuidOrNull(d.taskId) || !uuidOrNull(d.customerId)) return null;
  const base = { task_id: d.taskId, customer_id: d.customerId };
  switch (e.type) {
    case 'FollowUpTaskRaised':
      return { ...base, kind: 'raised', assignee_id: uuidOrNull(d.assigneeId), rule: d.rule ?? null, priority: d.priority ?? null, status: 'open', due_at: businessTimeIso(d.dueAt), raised_at: businessTimeIso(d.raisedAt) };
    case 'FollowUpTaskCompleted':
      // Automatic without a contact: merged, the customer left, or its silence was shorter. An
      // automatic close that names a touchpoint is a person's relational contact answering it.
      return { ...base, kind: 'closed', status: 'done', closed_at: businessTimeIso(d.completedAt), completed_by_person: !(d.automatic === true && !d.touchpointId) };
    case 'FollowUpTaskDismissed':
      return { ...base, kind: 'closed', status: 'dismissed', closed_at: businessTimeIso(d.dismissedAt) };
    case 'FollowUpTaskSnoozed':
      return { ...base, kind: 'snoozed', status: 'snoozed', snoozed_until: businessTimeIso(d.until) };
    case 'FollowUpTaskSnoozeEnded':
      return { ...base, kind: 'woke', status: 'open' };
    case 'FollowUpTaskEscalated':
      return { ...base, kind: 'escalated', priority: d.priority ?? null };
    case 'FollowUpReasonRevised':
      // A reason reworded: the task takes the highest priority and the earliest due date of its reasons.
      return { ...base, kind: 'reason', priority: d.priority ?? null, due_at: businessTimeIso(d.dueAt) };
    case 'FollowUpReasonAdded':
    case 'FollowUpReasonWithdrawn':
      // A reason joined or left: the task's priority and due date are its reasons', and the most urgent leads.
      return { ...base, kind: 'reason', priority: d.priority ?? null, due_at: businessTimeIso(d.dueAt), ...(typeof d.lead?.rule === 'string' ? { rule: d.lead.rule } : {}) };
    default:
      return null;
  }
}

/** `customer_follow_up_summary`: per task, its customer, assignee, status and times (portfolio counts, team report). */
export class FollowUpSummaryProjection implements Projection {
  readonly name = 'customer-follow-ups';
  /** A task's row comes from the task's stream alone: run per bucket. */
  readonly partitioned = true;
  /** Follow-up events are a small share of the log: a batch may span many rows to find them. */
  readonly batchSize = 10_000;
  /** Every event of a task's stream (checked against the event union by the compiler). */
  readonly types = TASK_EVENT_TYPES;
  /** What a rebuild replays into a shadow copy of. */
  readonly tables = ['customer_follow_up_summary'];

  async apply(events: StoredEvent[], tx: Queryable): Promise<void> {
    // In log order. Raises are most of these events (a few hundred a second under load): a run
    // of them goes in one statement; every other transition is one statement, after the raises
    // before it, so a task raised and closed in one batch ends closed.
    let raised: Record<string, unknown>[] = [];
    const insertRaised = async () => {
      if (raised.length === 0) return;
      const rows = raised;
      raised = [];
      await tx.query(
        `INSERT INTO customer_follow_up_summary (task_id, customer_id, assignee_id, rule, priority, status, due_at, raised_at)
         SELECT task_id, customer_id, assignee_id, rule, priority, 'open', due_at, raised_at
         FROM jsonb_to_recordset($1::jsonb) AS x(task_id uuid, customer_id uuid, assignee_id uuid, rule text, priority text, due_at timestamptz, raised_at timestamptz)
         ON CONFLICT (task_id) DO NOTHING`,
        [JSON.stringify(rows)],
      );
    };
    for (const e of events) {
      const c = followUpChange(e);
      if (!c) continue;
      if (c.kind === 'raised') {
        raised.push(c);
        continue;
      }
      await insertRaised();
      if (c.kind === 'closed') {
        await tx.query(`UPDATE customer_follow_up_summary SET status = $2, closed_at = $3, completed_by_person = $4 WHERE task_id = $1 AND closed_at IS NULL`, [
          c.task_id, c.status, c.closed_at, c.completed_by_person ?? null,
        ]);
      } else if (c.kind === 'snoozed') {
        await tx.query(`UPDATE customer_follow_up_summary SET status = 'snoozed', snoozed_until = $2 WHERE task_id = $1 AND closed_at IS NULL`, [c.task_id, c.snoozed_until]);
      } else if (c.kind === 'woke') {
        // The sweep ended the snooze: the task counts as open again.
        await tx.query(`UPDATE customer_follow_up_summary SET status = 'open', snoozed_until = NULL WHERE task_id = $1 AND closed_at IS NULL`, [c.task_id]);
      } else if (c.kind === 'reason') {
        await tx.query(`UPDATE customer_follow_up_summary SET priority = coalesce($2, priority), due_at = coalesce($3, due_at), rule = coalesce($4, rule) WHERE task_id = $1`, [c.task_id, c.priority, c.due_at, c.rule ?? null]);
      } else {
        await tx.query(`UPDATE customer_follow_up_summary SET priority = $2 WHERE task_id = $1`, [c.task_id, c.priority]);
      }
    }
    await insertRaised();
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query('TRUNCATE customer_follow_up_summary');
  }
}
