import type { Projection, Queryable, StoredEvent } from '../../event-store/src/index.js';
import { businessTimeIso, type CustomerFold, type HealthView } from '../../relationship/src/index.js';
import { uuidOrNull } from './stream-ids.js';

export interface HealthRow {
  customer_id: string;
  external_id: string | null;
  name: string;
  segment: string | null;
  account_manager_id: string | null;
  renewal_date: string | null;
  annual_value: number | null;
  score: number;
  band: string;
  trend30d: number;
  churn_probability: number;
  churn_level: string;
  drivers: unknown;
  notes: unknown;
  churn_drivers: unknown;
  last_relational_contact_at: string | null;
  events_considered: number;
  evaluated_at: string;
  stream_version: number;
}

/** Pure: the portfolio row of one customer from its fold and health view. */
export function healthRow(customerId: string, fold: CustomerFold, view: HealthView, streamVersion: number): HealthRow {
  const c = fold.customer;
  return {
    customer_id: customerId,
    external_id: c?.externalId ?? null,
    name: c?.name ?? '',
    segment: c?.segment ?? null,
    account_manager_id: uuidOrNull(c?.accountManagerId),
    // The date as written (no time-zone shift), when it is one the date column holds.
    renewal_date: typeof c?.renewalDate === 'string' && businessTimeIso(`${c.renewalDate.slice(0, 10)}T00:00:00Z`) !== null ? c.renewalDate.slice(0, 10) : null,
    annual_value: typeof c?.annualValue === 'number' && Number.isFinite(c.annualValue) ? c.annualValue : null,
    score: view.score,
    band: view.band,
    trend30d: view.trend30d,
    churn_probability: view.churnRisk.probability,
    churn_level: view.churnRisk.level,
    drivers: view.drivers,
    notes: view.notes,
    churn_drivers: view.churnRisk.drivers,
    last_relational_contact_at: view.lastRelationalContactAt,
    events_considered: view.eventsConsidered,
    evaluated_at: view.at,
    stream_version: streamVersion,
  };
}

/** Pure: what a follow-up event does to the summary row of its task (null: not a follow-up event). */
export function followUpChange(e: { type: string; data: any }): Record<string, unknown> | null {
  const d = e.data ?? {};
  if (!uuidOrNull(d.taskId) || !uuidOrNull(d.customerId)) return null;
  const base = { task_id: d.taskId, customer_id: d.customerId };
  switch (e.type) {
    case 'FollowUpTaskRaised':
      return { ...base, kind: 'raised', assignee_id: uuidOrNull(d.assigneeId), rule: d.rule ?? null, priority: d.priority ?? null, status: 'open', due_at: businessTimeIso(d.dueAt), raised_at: businessTimeIso(d.raisedAt) };
    case 'FollowUpTaskCompleted':
      return { ...base, kind: 'closed', status: 'done', closed_at: businessTimeIso(d.completedAt) };
    case 'FollowUpTaskDismissed':
      return { ...base, kind: 'closed', status: 'dismissed', closed_at: businessTimeIso(d.dismissedAt) };
    case 'FollowUpTaskSnoozed':
      return { ...base, kind: 'snoozed', status: 'snoozed', snoozed_until: businessTimeIso(d.until) };
    case 'FollowUpTaskSnoozeEnded':
      return { ...base, kind: 'woke', status: 'open' };
    case 'FollowUpTaskEscalated':
      return { ...base, kind: 'escalated', priority: d.priority ?? null };
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
  readonly types = ['FollowUpTaskRaised', 'FollowUpTaskCompleted', 'FollowUpTaskDismissed', 'FollowUpTaskSnoozed', 'FollowUpTaskSnoozeEnded', 'FollowUpTaskEscalated'];

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
        await tx.query(`UPDATE customer_follow_up_summary SET status = $2, closed_at = $3 WHERE task_id = $1 AND closed_at IS NULL`, [c.task_id, c.status, c.closed_at]);
      } else if (c.kind === 'snoozed') {
        await tx.query(`UPDATE customer_follow_up_summary SET status = 'snoozed', snoozed_until = $2 WHERE task_id = $1 AND closed_at IS NULL`, [c.task_id, c.snoozed_until]);
      } else if (c.kind === 'woke') {
        // The sweep ended the snooze: the task counts as open again.
        await tx.query(`UPDATE customer_follow_up_summary SET status = 'open', snoozed_until = NULL WHERE task_id = $1 AND closed_at IS NULL`, [c.task_id]);
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
