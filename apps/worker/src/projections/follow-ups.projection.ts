import type { Projection, Queryable, StoredEvent } from '../../../../libs/event-store/src/index.js';
import { businessTimeIso, evolve, TASK_EVENT_TYPES, type FollowUpTask } from '../../../../libs/relationship/src/index.js';

/** Every event of a task's stream (checked against the union by the compiler). */
export const FOLLOW_UP_EVENT_TYPES = TASK_EVENT_TYPES;

const COLUMNS = ['id', 'customer_id', 'rule', 'reason', 'suggested_action', 'priority', 'due_at', 'status', 'triggered_by', 'assignee_id', 'created_at', 'closed_at', 'note', 'snoozed_until', 'escalated_at', 'escalated_to', 'completed_automatically', 'reasons'];

/**
 * The `follow_ups` read model: one row per task, folded with the task decider's own `evolve`
 * so the list and the command responses agree. One batch = one load + one set-based upsert.
 */
export class FollowUpsProjection implements Projection {
  readonly name = 'follow-ups';
  readonly types = FOLLOW_UP_EVENT_TYPES;
  /** Follow-up events are a small share of the log: a batch may span many rows to find them. */
  readonly batchSize = 10_000;
  /** What a rebuild replays into a shadow copy of. */
  readonly tables = ['follow_ups'];

  async apply(events: StoredEvent[], tx: Queryable): Promise<void> {
    const ids = [...new Set(events.map((e) => e.data?.taskId).filter((id): id is string => typeof id === 'string'))];
    if (ids.length === 0) return;
    const rows = await tx.query(`SELECT * FROM follow_ups WHERE id = ANY($1::uuid[])`, [ids]);
    const tasks = new Map<string, FollowUpTask & { auto: boolean }>();
    for (const r of rows) tasks.set(r.id, fromRow(r));
    for (const e of events) {
      const id = e.data?.taskId;
      if (typeof id !== 'string') continue;
      const prev = tasks.get(id) ?? null;
      const next = evolve(prev, e);
      if (!next) continue; // an event for a task whose raise is unknown: ignored, never thrown
      tasks.set(id, { ...next, auto: e.type === 'FollowUpTaskCompleted' ? e.data?.automatic === true : (prev?.auto ?? false) });
    }
    if (tasks.size === 0) return;
    const list = [...tasks.values()];
    const col = <T>(f: (t: FollowUpTask & { auto: boolean }) => T) => list.map(f);
    await tx.query(
      `INSERT INTO follow_ups (${COLUMNS.join(', ')}, updated_at)
       SELECT t.c1, t.c2, t.c3, t.c4, t.c5, t.c6, t.c7, t.c8, t.c9::uuid[], t.c10, t.c11, t.c12, t.c13, t.c14, t.c15, t.c16, t.c17, t.c18::jsonb, now() FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[],
                                     $9::text[], $10::uuid[], $11::timestamptz[], $12::timestamptz[], $13::text[], $14::timestamptz[],
                                     $15::timestamptz[], $16::uuid[], $17::boolean[], $18::text[]) AS t(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18)
       ON CONFLICT (id) DO UPDATE SET ${COLUMNS.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()`,
      [
        col((t) => t.id), col((t) => t.customerId), col((t) => t.rule), col((t) => t.reason), col((t) => t.suggestedAction),
        // Times go through businessTimeIso: a value no timestamptz column takes (year 0000) must not fail the batch.
        col((t) => t.priority), col((t) => businessTimeIso(t.dueAt) ?? businessTimeIso(t.createdAt)), col((t) => t.status),
        // uuid[] travels as a Postgres array literal inside a text[] element, cast back below.
        col((t) => `{${t.triggeredBy.filter((x) => /^[0-9a-f-]{36}$/i.test(x)).join(',')}}`),
        col((t) => t.assigneeId), col((t) => businessTimeIso(t.createdAt) ?? businessTimeIso(t.dueAt)), col((t) => businessTimeIso(t.closedAt)), col((t) => t.note),
        col((t) => businessTimeIso(t.snoozedUntil)), col((t) => businessTimeIso(t.escalatedAt)), col((t) => t.escalatedTo), col((t) => t.auto),
        col((t) => JSON.stringify(t.reasons ?? [])),
      ],
    );
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM follow_ups`);
  }
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function fromRow(r: any): FollowUpTask & { auto: boolean } {
  return {
    id: r.id, customerId: r.customer_id, rule: r.rule, reason: r.reason, suggestedAction: r.suggested_action, priority: r.priority,
    dueAt: iso(r.due_at)!, status: r.status, triggeredBy: r.triggered_by ?? [], assigneeId: r.assignee_id, createdAt: iso(r.created_at)!,
    closedAt: iso(r.closed_at), note: r.note, snoozedUntil: iso(r.snoozed_until), escalatedAt: iso(r.escalated_at), escalatedTo: r.escalated_to,
    auto: r.completed_automatically, reasons: Array.isArray(r.reasons) ? r.reasons : [],
  };
}
