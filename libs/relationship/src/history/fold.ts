import type { HealthInput } from '../health/index.js';
import { scoreTouchpoint, type ScoringConfig } from '../scoring/index.js';
import type { OutcomeType } from '../events.js';
import type { RelationalScore, ScoredTouchpoint, Touchpoint } from '../touchpoint.js';

/** One stored event as the fold needs it (a StoredEvent fits). */
export interface FoldEvent {
  id: string;
  type: string;
  data: any;
  recordedAt: Date | string;
  metadata?: Record<string, unknown> | null;
}

export interface CustomerDetails {
  id: string;
  externalId: string;
  name: string;
  segment: string | null;
  accountManagerId: string | null;
  renewalDate: string | null;
  annualValue: number | null;
}

export interface FoldOptions {
  scoring?: ScoringConfig;
  /** Only events recorded at or before this moment count (knowledge time, for `asOf`). */
  recordedUpTo?: Date;
  /** How far back a touchpoint's scoring history reaches (days); the reply target is always included. */
  historyDays?: number;
  /**
   * Scores from an earlier fold of a prefix of the same events, reused for every touchpoint not
   * in `rescore` (see `affectedTouchpoints`); `rescore: null` rescores all. A projection speed-up:
   * the result is identical to a full fold when `rescore` comes from `affectedTouchpoints`.
   */
  reuse?: { scored: ReadonlyMap<string, RelationalScore>; rescore: ReadonlySet<string> | null };
}

export interface CustomerFold {
  customer: CustomerDetails | null;
  input: HealthInput;
  /** touchpoint event id → its relational score, with every reply and fact known so far applied. */
  scored: Map<string, RelationalScore>;
  /** The latest recordedAt among the folded events (null when none): the projection's evaluation time. */
  lastRecordedAt: string | null;
  /** How many events were folded. */
  eventCount: number;
}

export const DEFAULT_HISTORY_DAYS = 30;
const DAY_MS = 86_400_000;

const iso = (d: Date | string) => (typeof d === 'string' ? new Date(d).toISOString() : d.toISOString());
const parse = (d: string) => Date.parse(d);

// Projections fold the same cached (immutable) event objects batch after batch: remember each
// one's parsed times by object, checked against the raw value so a different value is re-parsed.
const recordedCache = new WeakMap<object, { src: unknown; iso: string; ms: number }>();
const occurredCache = new WeakMap<object, { src: unknown; ms: number }>();

function recordedOf(e: FoldEvent): { iso: string; ms: number } {
  const hit = recordedCache.get(e);
  if (hit && hit.src === e.recordedAt) return hit;
  const s = iso(e.recordedAt);
  const entry = { src: e.recordedAt, iso: s, ms: parse(s) };
  recordedCache.set(e, entry);
  return entry;
}

/** Date.parse of a touchpoint's occurredAt, remembered per data object. */
function occurredMs(d: any): number {
  if (d === null || typeof d !== 'object') return parse(d?.occurredAt);
  const hit = occurredCache.get(d);
  if (hit && hit.src === d.occurredAt) return hit.ms;
  const v = parse(d.occurredAt);
  occurredCache.set(d, { src: d.occurredAt, ms: v });
  return v;
}
const ms = (d: string) => parse(d);

interface TpEntry {
  eventId: string;
  tp: Touchpoint;
  recordedAt: string;
  at: number;
}

/**
 * The one fold over a customer's stream that projections, `health?asOf=` and the follow-up
 * worker all use, so their numbers agree. Events are taken in the given (stream) order.
 * Each touchpoint is scored against the customer's earlier touchpoints (by occurredAt), the
 * later touchpoints that reply to it, and any "went unanswered" fact about it.
 */
export function foldCustomer(events: readonly FoldEvent[], opts: FoldOptions = {}): CustomerFold {
  const upTo = opts.recordedUpTo?.getTime();
  let customer = null as CustomerDetails | null;
  const tps: TpEntry[] = [];
  const seenTp = new Set<string>();
  const outcomes: HealthInput['outcomes'] = [];
  const facts: HealthInput['facts'] = [];
  const unanswered = new Map<string, number>();
  let lastRecorded = -Infinity;
  let eventCount = 0;

  for (const e of events) {
    const { iso: recordedAt, ms: rec } = recordedOf(e);
    if (upTo !== undefined && rec > upTo) continue;
    eventCount++;
    if (rec > lastRecorded) lastRecorded = rec;
    const d = e.data ?? {};
    switch (e.type) {
      case 'CustomerRegistered':
        customer = {
          id: d.customerId,
          externalId: d.externalId,
          name: d.name,
          segment: d.segment ?? null,
          accountManagerId: d.accountManagerId ?? null,
          renewalDate: d.renewalDate ?? null,
          annualValue: d.annualValue ?? null,
        };
        break;
      case 'CustomerDetailsChanged':
        if (customer) customer = { ...customer, ...pickDefined(d.changes ?? {}) };
        break;
      case 'AccountManagerAssigned':
        if (customer) customer = { ...customer, accountManagerId: d.accountManagerId ?? null };
        break;
      case 'TouchpointRecorded': {
        // Projections never throw on odd data: a touchpoint without a parsable time is skipped.
        const at = occurredMs(d);
        if (!d?.id || Number.isNaN(at) || seenTp.has(e.id)) break;
        seenTp.add(e.id);
        tps.push({ eventId: e.id, tp: d as Touchpoint, recordedAt, at });
        break;
      }
      case 'OutcomeRecorded':
        outcomes.push({ eventId: e.id, outcome: d.outcome as OutcomeType, occurredAt: d.occurredAt });
        break;
      case 'InboundMessageWentUnanswered':
        facts.push({ eventId: e.id, type: 'InboundMessageWentUnanswered', occurredAt: d.observedAt ?? recordedAt, data: d });
        if (d.touchpointId) unanswered.set(d.touchpointId, Math.max(unanswered.get(d.touchpointId) ?? 0, Number(d.hoursUnanswered) || 0));
        break;
      case 'RelationshipWentQuiet':
        facts.push({ eventId: e.id, type: 'RelationshipWentQuiet', occurredAt: d.observedAt ?? recordedAt, data: d });
        break;
      default:
        break;
    }
  }

  const scored = scoreAll(tps, customer?.name, unanswered, opts);
  const touchpoints: ScoredTouchpoint[] = tps.map((t) => ({ eventId: t.eventId, touchpoint: t.tp, relational: scored.get(t.eventId)!, recordedAt: t.recordedAt }));
  return {
    customer,
    input: {
      customer: { name: customer?.name ?? '', annualValue: customer?.annualValue ?? null, renewalDate: customer?.renewalDate ?? null },
      touchpoints,
      outcomes,
      facts,
    },
    scored,
    lastRecordedAt: Number.isFinite(lastRecorded) ? new Date(lastRecorded).toISOString() : null,
    eventCount,
  };
}

/** Touchpoints in business order: occurredAt, then recordedAt, then id (a total, stable order). */
export function businessOrder(a: { at: number; recordedAt: string; tp: Touchpoint }, b: { at: number; recordedAt: string; tp: Touchpoint }): number {
  return a.at - b.at || (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0) || (a.tp.id < b.tp.id ? -1 : a.tp.id > b.tp.id ? 1 : 0);
}

function scoreAll(tps: TpEntry[], customerName: string | undefined, unanswered: Map<string, number>, opts: FoldOptions): Map<string, RelationalScore> {
  const sorted = [...tps].sort(businessOrder);
  const byTpId = new Map<string, TpEntry>();
  const replies = new Map<string, Touchpoint[]>();
  for (const t of sorted) {
    byTpId.set(t.tp.id, t);
    if (t.tp.replyToId) {
      const list = replies.get(t.tp.replyToId) ?? [];
      list.push(t.tp);
      replies.set(t.tp.replyToId, list);
    }
  }
  const windowMs = (opts.historyDays ?? DEFAULT_HISTORY_DAYS) * DAY_MS;
  const scored = new Map<string, RelationalScore>();
  // Sliding window over the sorted list: history = earlier touchpoints within the window, plus the reply target.
  let start = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i];
    while (start < i && sorted[start].at < t.at - windowMs) start++;
    const previous = opts.reuse && opts.reuse.rescore && !opts.reuse.rescore.has(t.eventId) ? opts.reuse.scored.get(t.eventId) : undefined;
    if (previous) {
      scored.set(t.eventId, previous);
      continue;
    }
    const history: Touchpoint[] = [];
    for (let j = start; j < i; j++) if (sorted[j].at < t.at) history.push(sorted[j].tp);
    const target = t.tp.replyToId ? byTpId.get(t.tp.replyToId) : undefined;
    if (target && target !== t && !history.includes(target.tp) && target.at <= t.at) history.unshift(target.tp);
    const hours = unanswered.get(t.tp.id);
    scored.set(
      t.eventId,
      scoreTouchpoint(
        t.tp,
        {
          customerName: customerName || undefined,
          history,
          answeredBy: replies.get(t.tp.id),
          unansweredHours: hours,
        },
        opts.scoring,
      ),
    );
  }
  return scored;
}

function pickDefined(changes: Record<string, unknown>): Partial<CustomerDetails> {
  const out: Record<string, unknown> = {};
  for (const k of ['externalId', 'name', 'segment', 'accountManagerId', 'renewalDate', 'annualValue']) {
    if (changes[k] !== undefined) out[k] = changes[k];
  }
  return out as Partial<CustomerDetails>;
}

/**
 * Which touchpoints' scores may change when `newEvents` join a fold (the timeline projection
 * rewrites only those rows): the new touchpoints themselves, the ones they reply to, the ones
 * replying to them, the later ones whose history window now holds them, the subjects of new
 * "unanswered" facts, and all of them when the customer's name changed (personal address).
 * Returns null for "all".
 */
export function affectedTouchpoints(
  fold: { input: { touchpoints: readonly { eventId: string; touchpoint: Touchpoint }[] } },
  newEvents: readonly FoldEvent[],
  historyDays = DEFAULT_HISTORY_DAYS,
): Set<string> | null {
  const windowMs = historyDays * DAY_MS;
  const out = new Set<string>();
  const tpIdToEvent = new Map<string, { eventId: string; touchpoint: Touchpoint }>();
  for (const s of fold.input.touchpoints) tpIdToEvent.set(s.touchpoint.id, s);
  const newTps: Touchpoint[] = [];
  for (const e of newEvents) {
    if (e.type === 'CustomerDetailsChanged' && e.data?.changes?.name !== undefined) return null;
    if (e.type === 'CustomerRegistered' && fold.input.touchpoints.length > 0) return null;
    if (e.type === 'TouchpointRecorded' && e.data?.id) {
      out.add(e.id);
      newTps.push(e.data as Touchpoint);
    }
    if (e.type === 'InboundMessageWentUnanswered' && e.data?.touchpointId) {
      const s = tpIdToEvent.get(e.data.touchpointId);
      if (s) out.add(s.eventId);
    }
  }
  if (newTps.length === 0) return out;
  const newIds = new Set(newTps.map((t) => t.id));
  const ranges = newTps.map((t) => ms(t.occurredAt)).filter((n) => !Number.isNaN(n));
  const minAt = Math.min(...ranges);
  for (const s of fold.input.touchpoints) {
    const tp = s.touchpoint;
    if (tp.replyToId && newIds.has(tp.replyToId)) out.add(s.eventId);
    const at = occurredMs(tp);
    if (at >= minAt && ranges.some((r) => at >= r && at <= r + windowMs)) out.add(s.eventId);
  }
  for (const t of newTps) {
    if (t.replyToId) {
      const s = tpIdToEvent.get(t.replyToId);
      if (s) out.add(s.eventId);
    }
  }
  return out;
}

/** The touchpoints of a stream without scoring them (what `affectedTouchpoints` needs). */
export function touchpointsOf(events: readonly FoldEvent[]): { input: { touchpoints: { eventId: string; touchpoint: Touchpoint }[] } } {
  const touchpoints: { eventId: string; touchpoint: Touchpoint }[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type !== 'TouchpointRecorded' || !e.data?.id || Number.isNaN(occurredMs(e.data)) || seen.has(e.id)) continue;
    seen.add(e.id);
    touchpoints.push({ eventId: e.id, touchpoint: e.data as Touchpoint });
  }
  return { input: { touchpoints } };
}

/**
 * Folds `events`, reusing the scores of an earlier fold of their first `previous.version`
 * events for every touchpoint the later events cannot change. Same result as `foldCustomer`.
 */
export function foldIncrementally(
  events: readonly FoldEvent[],
  previous: { scored: ReadonlyMap<string, RelationalScore>; version: number } | undefined,
  opts: FoldOptions = {},
): CustomerFold {
  if (previous && previous.version <= events.length) {
    const rescore = affectedTouchpoints(touchpointsOf(events), events.slice(previous.version), opts.historyDays);
    if (rescore) return foldCustomer(events, { ...opts, reuse: { scored: previous.scored, rescore } });
  }
  return foldCustomer(events, opts);
}
