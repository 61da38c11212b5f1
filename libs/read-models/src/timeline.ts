import type { StoredEvent } from '../../event-store/src/index.js';
import { affectedTouchpoints, foldIncrementally, type CustomerFold, type RelationalScore } from '../../relationship/src/index.js';
import { customerIdOf } from './evaluate.js';
import type { CachedEvent } from './stream-cache.js';

/** Every customer-stream event type; all of them belong on the timeline. */
export const CUSTOMER_EVENT_TYPES = [
  'CustomerRegistered',
  'CustomerDetailsChanged',
  'AccountManagerAssigned',
  'TouchpointRecorded',
  'OutcomeRecorded',
  'InboundMessageWentUnanswered',
  'RelationshipWentQuiet',
  'HealthBandChanged',
] as const;

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

// Rows are built from cached (immutable) events: remember each one's business time by object.
const occurredCache = new WeakMap<object, string>();

/** Business time of an event: when it happened, not when it was recorded. */
export function occurredAtOf(e: { type: string; data: any; metadata?: Record<string, unknown> | null; recordedAt: Date | string }): string {
  const hit = occurredCache.get(e);
  if (hit !== undefined) return hit;
  let out: string | undefined;
  for (const c of [e.data?.occurredAt, e.data?.observedAt, e.metadata?.occurredAt]) {
    if (typeof c === 'string') {
      const t = Date.parse(c);
      if (!Number.isNaN(t)) {
        out = new Date(t).toISOString();
        break;
      }
    }
  }
  out ??= new Date(e.recordedAt).toISOString();
  occurredCache.set(e, out);
  return out;
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
 * Pure part of the timeline: for one customer, the rows to insert (the new events) and the
 * earlier touchpoints whose score the new events changed (a reply, an unanswered fact, a late
 * arrival inside the history window, a name change).
 */
export function timelineChanges(
  customerId: string,
  stream: CachedEvent[],
  newEvents: CachedEvent[],
  previous?: { scored: Map<string, RelationalScore>; version: number },
): { inserts: TimelineRow[]; updates: { event_id: string; relational: RelationalScore }[]; scored: Map<string, RelationalScore> } {
  const { fold: _fold, ...changes } = timelineChangesWithFold(customerId, stream, newEvents, previous);
  return changes;
}

/** `timelineChanges` plus the fold it made (the health projection reuses it for the same batch). */
export function timelineChangesWithFold(
  customerId: string,
  stream: CachedEvent[],
  newEvents: CachedEvent[],
  previous?: { scored: Map<string, RelationalScore>; version: number },
): { inserts: TimelineRow[]; updates: { event_id: string; relational: RelationalScore }[]; scored: Map<string, RelationalScore>; fold: CustomerFold } {
  const fold = foldIncrementally(stream, previous);
  const scored = fold.scored;
  // The fold's touchpoints are touchpointsOf(stream) (same filter, same order): no second pass.
  const affected = affectedTouchpoints(fold, newEvents);
  const newIds = new Set(newEvents.map((e) => e.id));
  const inserts = newEvents.map((e) => timelineRow(customerId, e, e.type === 'TouchpointRecorded' ? (scored.get(e.id) ?? null) : null));
  const updates: { event_id: string; relational: RelationalScore }[] = [];
  for (const id of affected ?? scored.keys()) {
    if (newIds.has(id)) continue;
    const s = scored.get(id);
    if (s) updates.push({ event_id: id, relational: s });
  }
  return { inserts, updates, scored, fold };
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
