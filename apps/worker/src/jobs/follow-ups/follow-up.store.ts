import type { CommandContext, EventStore, Queryable, StoredEvent } from '../../../../../libs/event-store/src/index.js';
import {
  DEFAULT_RULES,
  decide,
  evolve,
  followUpStream,
  foldTask,
  reasonRules,
  validateRules,
  type FollowUpMemory,
  type FollowUpRules,
  type FollowUpTask,
  type TaskCommand,
} from '../../../../../libs/relationship/src/index.js';
import { recordFollowUpClosed } from '../../../../../libs/shared/src/index.js';

/** Rules as stored by PUT /rules; the defaults until an admin changed them. */
export async function loadRules(db: Queryable): Promise<FollowUpRules> {
  const rows = await db.query(`SELECT rules FROM follow_up_rules WHERE id = 1`);
  if (rows.length === 0) return DEFAULT_RULES;
  const parsed = validateRules(rows[0].rules);
  return parsed.ok ? parsed.value : DEFAULT_RULES;
}

export async function loadTask(store: EventStore, taskId: string, tx: Queryable): Promise<{ task: FollowUpTask | null; version: number; events: StoredEvent[] }> {
  const events = await store.readStream(followUpStream(taskId), {}, tx);
  return { task: foldTask(events), version: events.length ? events[events.length - 1].streamVersion : 0, events };
}

/** Per customer: the one open task and what the closed ones left behind (`follow_up_customers`). */
export async function loadFollowUpCustomers(db: Queryable, customerIds: string[]): Promise<Map<string, { openTaskId: string | null; memory: FollowUpMemory }>> {
  const out = new Map<string, { openTaskId: string | null; memory: FollowUpMemory }>();
  if (customerIds.length === 0) return out;
  const rows = await db.query(`SELECT customer_id::text AS c, open_task_id::text AS t, last_closed_at, dismissed FROM follow_up_customers WHERE customer_id = ANY($1::uuid[])`, [customerIds]);
  for (const r of rows) {
    out.set(r.c.toLowerCase(), { openTaskId: r.t ?? null, memory: { lastClosedAt: r.last_closed_at ? new Date(r.last_closed_at).toISOString() : null, dismissed: r.dismissed ?? {} } });
  }
  return out;
}

/**
 * Decides and appends one task command inside `tx` (from `EventStore.transaction`), keeping
 * `follow_up_customers` in step (a closed task frees its customer's slot in the same
 * transaction). The task's stream folds to its state; the append expects the version folded.
 * Returns the new state.
 */
export async function runTaskCommand(
  store: EventStore,
  tx: Queryable,
  taskId: string,
  cmd: TaskCommand,
  ctx: { now: Date; eventId: string; by: Pick<CommandContext, 'correlationId' | 'causationId' | 'actorId'> },
): Promise<{ task: FollowUpTask | null; changed: boolean }> {
  const handled = await store.handle(
    followUpStream(taskId),
    {
      initialState: () => null as FollowUpTask | null,
      evolve,
      // The job's "now" (its ids derive from it), not the store's.
      decide: (command: TaskCommand, state) => decide(command, state, { now: ctx.now, eventId: ctx.eventId }),
    },
    cmd,
    { ...ctx.by, tx },
  );
  const changed = handled.events.length > 0;
  if (!changed) return { task: handled.state, changed: false };
  const next = handled.state;
  if (next && (next.status === 'done' || next.status === 'dismissed')) {
    await recordFollowUpClosed(tx, { customerId: next.customerId, taskId, closedAt: next.closedAt!, dismissedRules: next.status === 'dismissed' ? reasonRules(next) : [], merged: cmd.type === 'Complete' && !!cmd.mergedInto });
  }
  return { task: next, changed: true };
}

/**
 * Who gets the task: the customer's account manager while they are active; otherwise their
 * team lead; an unassigned customer goes to the first admin.
 */
export async function resolveAssignee(db: Queryable, customerId: string): Promise<string | null> {
  const rows = await db.query(
    `SELECT CASE WHEN am.id IS NOT NULL AND am.disabled_at IS NULL THEN am.id
                 WHEN tl.id IS NOT NULL AND tl.disabled_at IS NULL THEN tl.id END AS assignee
     FROM customers c
     LEFT JOIN users am ON am.id = c.account_manager_id
     LEFT JOIN users tl ON tl.id = am.team_lead_id
     WHERE c.id = $1`,
    [customerId],
  );
  if (rows[0]?.assignee) return rows[0].assignee;
  return firstAdmin(db);
}

export interface RegistryEntry {
  name: string;
  annualValue: number | null;
  /** 'YYYY-MM-DD', or null when none is on record. */
  renewalDate: string | null;
  /** The active account manager, else their active team lead; null: the first admin gets it. */
  assignee: string | null;
}

/** Name, value, renewal date and assignee (as `resolveAssignee`, short of the admin fallback) of many customers in one query. */
export async function loadRegistry(db: Queryable, customerIds: string[]): Promise<Map<string, RegistryEntry>> {
  const out = new Map<string, RegistryEntry>();
  if (customerIds.length === 0) return out;
  const rows = await db.query(
    `SELECT c.id::text AS id, c.name, c.annual_value, to_char(c.renewal_date, 'YYYY-MM-DD') AS renewal_date,
            CASE WHEN am.id IS NOT NULL AND am.disabled_at IS NULL THEN am.id
                 WHEN tl.id IS NOT NULL AND tl.disabled_at IS NULL THEN tl.id END AS assignee
     FROM customers c
     LEFT JOIN users am ON am.id = c.account_manager_id
     LEFT JOIN users tl ON tl.id = am.team_lead_id
     WHERE c.id = ANY($1::uuid[])`,
    [customerIds],
  );
  for (const r of rows) out.set(r.id, { name: r.name, annualValue: r.annual_value != null ? Number(r.annual_value) : null, renewalDate: r.renewal_date ?? null, assignee: r.assignee ?? null });
  return out;
}

/** Escalation goes one level up: the assignee's team lead, else an admin. */
export async function escalationTarget(db: Queryable, assigneeId: string | null): Promise<string | null> {
  if (assigneeId) {
    const rows = await db.query(
      `SELECT tl.id FROM users u JOIN users tl ON tl.id = u.team_lead_id WHERE u.id = $1 AND tl.disabled_at IS NULL`,
      [assigneeId],
    );
    if (rows[0]?.id) return rows[0].id;
  }
  return firstAdmin(db);
}

export async function firstAdmin(db: Queryable): Promise<string | null> {
  const rows = await db.query(`SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY created_at, id LIMIT 1`);
  return rows[0]?.id ?? null;
}
