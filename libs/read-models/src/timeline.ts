import { createHash } from 'node:crypto';
import type { StoredEvent } from '../../event-store/src/index.js';
import { businessTimeIso, type CustomerFold, type CustomerFoldState, type RelationalScore } from '../../relationship/src/index.js';
import { customerIdOf } from './stream-ids.js';
import type { CachedEvent } from './stream-cache.js';

/** Every customer-stream event type (checked against the union by the compiler); all of them belong on the timeline. */
export { CUSTOMER_EVENT_TYPES } from '../../relationship/src/index.js';

export interface TimelineRow {
  event_id: string;
  customer_id: string;
  position: number;
  stream_version: number;
  type: string;
  occurred_at: string;
  recorded_at: string;
  relational: RelationalScore | null;
}

/**
 * A relational score's id in `relational_scores`: the md5 of its JSON, as a uuid. The fold's
 * scores are interned (one object per distinct score), so the memo holds one entry per distinct
 * score, not one per touchpoint.
 */
const scoreIds = new WeakMap<RelationalScore, string>();
export function relationalScoreId(score: RelationalScore): string {
  let id = scoreIds.get(score);
  if (id === undefined) {
    const h = createHash('md5').update(JSON.stringify(score)).digest('hex');
    id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    scoreIds.set(score, id);
  }
  return id;
}

/** Business time of an event: when it happened, not when it was recorded. */
export function occurredAtOf(e: { type: string; data: any; metadata?: Record<string, unknown> | null; recordedAt: Date | string }): string {
  // A time the column cannot hold (year 0000, an extended year) counts as none: the recorded time stands in.
  for (const c of [e.data?.occurredAt, e.data?.observedAt, e.metadata?.occurredAt]) {
    const iso = businessTimeIso(c);
    if (iso !== null) return iso;
  }
  return new Date(e.recordedAt).toISOString();
}

export function timelineRow(customerId: string, e: CachedEvent, relational: RelationalScore | null): TimelineRow {
  return {
    event_id: e.id,
    customer_id: customerId,
    position: e.globalPosition,
    stream_version: e.streamVersion,
    type: e.type,
    occurred_at: occurredAtOf(e),
    recorded_at: e.recordedAt.toISOString(),
    relational,
  };
}

/**
 * Pure part of the timeline: folds a customer's new events into its fold state and returns the
 * rows to insert (the new events of the batch: `fresh`) and the earlier touchpoints whose score
 * the new events changed (a reply, an "unanswered" fact, a late arrival inside the history
 * window, a name change), with the fold for the health row. `newEvents` continue the stream
 * where `state` stands; events of other types in between are folded but get no row.
 */
export function timelineChanges(
  customerId: string,
  state: CustomerFoldState,
  newEvents: readonly CachedEvent[],
  fresh: ReadonlySet<string> = new Set(newEvents.map((e) => e.id)),
): { inserts: TimelineRow[]; updates: { event_id: string; relational: RelationalScore }[]; fold: CustomerFold } {
  const rescored = state.extend(newEvents);
  const fold = state.fold();
  const inserts: TimelineRow[] = [];
  for (const e of newEvents) if (fresh.has(e.id)) inserts.push(timelineRow(customerId, e, e.type === 'TouchpointRecorded' ? (fold.scored.get(e.id) ?? null) : null));
  const updates: { event_id: string; relational: RelationalScore }[] = [];
  for (const id of rescored) {
    if (fresh.has(id)) continue;
    const relational = fold.scored.get(id);
    if (relational) updates.push({ event_id: id, relational });
  }
  return { inserts, updates, fold };
}

/** Groups a batch by customer stream, with the highest version each stream reached. */
export function groupByStream(events: StoredEvent[]): Map<string, { upTo: number; ids: Set<string> }> {
  const out = new Map<string, { upTo: number; ids: Set<string> }>();
  for (const e of events) {
    if (!customerIdOf(e.streamId)) continue;
    const g = out.get(e.streamId) ?? { upTo: 0, ids: new Set<string>() };
    g.upTo = Math.max(g.upTo, e.streamVersion);
    g.ids.add(e.id);
    out.set(e.streamId, g);
  }
  return out;
}
