import type { Projection, Queryable, StoredEvent } from '../../event-store/src/index.js';
import { computeHealth, foldIncrementally, type CustomerFold, type HealthConfig, type HealthView } from '../../relationship/src/index.js';
import { customerIdOf, uuidOrNull } from './evaluate.js';
import type { StreamCache } from './stream-cache.js';
import { CUSTOMER_EVENT_TYPES, groupByStream } from './timeline.js';

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
    renewal_date: c?.renewalDate && !Number.isNaN(Date.parse(c.renewalDate)) ? c.renewalDate.slice(0, 10) : null,
    annual_value: typeof c?.annualValue === 'number' && Number.isFinite(c.annualValue) ? c.annualValue : null,
    score: view.score,
    band: view.band,
    trend30d: view.trend30d,
    churn_probability: view.churnRisk.probability,
    churn_level: view.churnRisk.level,
    drivers: view.drivers,
    churn_drivers: view.churnRisk.drivers,
    last_relational_contact_at: view.lastRelationalContactAt,
    events_considered: view.eventsConsidered,
    evaluated_at: view.at,
    stream_version: streamVersion,
  };
}

/**
 * `customer_health`: the portfolio row (details, health, band, trend, churn risk, drivers) of
 * each customer, evaluated at the latest recordedAt of its stream: a time from the log, never
 * the wall clock, so a rebuild writes the same rows.
 */
export class CustomerHealthProjection implements Projection {
  readonly name = 'customer-health';
  readonly types = CUSTOMER_EVENT_TYPES;
  readonly batchSize = 5000;

  constructor(
    private readonly cache: StreamCache,
    private readonly config?: HealthConfig,
  ) {}

  async apply(events: StoredEvent[], tx: Queryable): Promise<void> {
    const groups = groupByStream(events);
    if (groups.size === 0) return;
    const streams = await this.cache.load(tx, new Map([...groups].map(([s, g]) => [s, g.upTo])));
    const rows: HealthRow[] = [];
    for (const [streamId] of groups) {
      const stream = streams.get(streamId) ?? [];
      if (stream.length === 0) continue;
      // The timeline projection usually folded this very prefix in the same batch: reuse it.
      let fold = this.cache.fold(streamId, stream.length);
      if (!fold) {
        fold = foldIncrementally(stream, this.cache.scores(streamId));
        this.cache.rememberFold(streamId, stream.length, fold);
      }
      this.cache.releaseFold(streamId);
      const view = computeHealth(fold.input, new Date(fold.lastRecordedAt!), this.config);
      rows.push(healthRow(customerIdOf(streamId)!, fold, view, stream.length));
    }
    for (let i = 0; i < rows.length; i += 2000) {
      await tx.query(
        `INSERT INTO customer_health AS h (customer_id, external_id, name, segment, account_manager_id, renewal_date, annual_value, score, band,
           trend30d, churn_probability, churn_level, drivers, churn_drivers, last_relational_contact_at, events_considered, evaluated_at, stream_version)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(customer_id uuid, external_id text, name text, segment text, account_manager_id uuid,
           renewal_date date, annual_value numeric, score int, band text, trend30d int, churn_probability double precision, churn_level text,
           drivers jsonb, churn_drivers jsonb, last_relational_contact_at timestamptz, events_considered int, evaluated_at timestamptz, stream_version int)
         ON CONFLICT (customer_id) DO UPDATE SET external_id = EXCLUDED.external_id, name = EXCLUDED.name, segment = EXCLUDED.segment,
           account_manager_id = EXCLUDED.account_manager_id, renewal_date = EXCLUDED.renewal_date, annual_value = EXCLUDED.annual_value,
           score = EXCLUDED.score, band = EXCLUDED.band, trend30d = EXCLUDED.trend30d, churn_probability = EXCLUDED.churn_probability,
           churn_level = EXCLUDED.churn_level, drivers = EXCLUDED.drivers, churn_drivers = EXCLUDED.churn_drivers,
           last_relational_contact_at = EXCLUDED.last_relational_contact_at, events_considered = EXCLUDED.events_considered,
           evaluated_at = EXCLUDED.evaluated_at, stream_version = EXCLUDED.stream_version`,
        [JSON.stringify(rows.slice(i, i + 2000))],
      );
    }
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query('TRUNCATE customer_health');
  }
}

/** Pure: what a follow-up event does to the summary row of its task (null: not a follow-up event). */
export function followUpChange(e: { type: string; data: any }): Record<string, unknown> | null {
  const d = e.data ?? {};
  if (!uuidOrNull(d.taskId) || !uuidOrNull(d.customerId)) return null;
  const base = { task_id: d.taskId, customer_id: d.customerId };
  switch (e.type) {
    case 'FollowUpTaskRaised':
      return { ...base, kind: 'raised', assignee_id: uuidOrNull(d.assigneeId), rule: d.rule ?? null, priority: d.priority ?? null, status: 'open', due_at: d.dueAt ?? null, raised_at: d.raisedAt ?? null };
    case 'FollowUpTaskCompleted':
      return { ...base, kind: 'closed', status: 'done', closed_at: d.completedAt ?? null };
    case 'FollowUpTaskDismissed':
      return { ...base, kind: 'closed', status: 'dismissed', closed_at: d.dismissedAt ?? null };
    case 'FollowUpTaskSnoozed':
      return { ...base, kind: 'snoozed', status: 'snoozed', snoozed_until: d.until ?? null };
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
  readonly types = ['FollowUpTaskRaised', 'FollowUpTaskCompleted', 'FollowUpTaskDismissed', 'FollowUpTaskSnoozed', 'FollowUpTaskSnoozeEnded', 'FollowUpTaskEscalated'];

  async apply(events: StoredEvent[], tx: Queryable): Promise<void> {
    // In log order, one statement per event keeps the transitions simple; follow-up events are few.
    for (const e of events) {
      const c = followUpChange(e);
      if (!c) continue;
      if (c.kind === 'raised') {
        await tx.query(
          `INSERT INTO customer_follow_up_summary (task_id, customer_id, assignee_id, rule, priority, status, due_at, raised_at)
           VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) ON CONFLICT (task_id) DO NOTHING`,
          [c.task_id, c.customer_id, c.assignee_id, c.rule, c.priority, c.due_at, c.raised_at],
        );
      } else if (c.kind === 'closed') {
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
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query('TRUNCATE customer_follow_up_summary');
  }
}
