import { businessTimeMs } from '../business-time.js';
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

const parse = (d: string) => Date.parse(d);

// No per-object memo of parsed times: the incremental fold takes each event once, and a memo
// entry per cached event (a WeakMap entry and its values) was heap the garbage collector marked
// again and again in a worker holding a million events.
function recordedMsOf(e: FoldEvent): number {
  const r = e.recordedAt;
  return r instanceof Date ? r.getTime() : parse(new Date(r).toISOString());
}

/** A touchpoint's occurredAt; NaN when it is no business time (unparsable, or a year like 0000 no typed column takes). */
const occurredMs = (d: any): number => businessTimeMs(d?.occurredAt);

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
  const acc = newAccumulator();
  for (const e of events) {
    if (upTo !== undefined && recordedMsOf(e) > upTo) continue;
    accumulate(acc, e);
  }
  const scored = scoreAll(acc.tps, acc.customer?.name, acc.unanswered, opts);
  const touchpoints: ScoredTouchpoint[] = acc.tps.map((t) => scoredTouchpoint(t, scored.get(t.eventId)!));
  return view(acc, touchpoints, scored);
}

const scoredTouchpoint = (t: TpEntry, relational: RelationalScore): ScoredTouchpoint => ({
  eventId: t.eventId,
  touchpoint: t.tp,
  relational,
  recordedAt: t.recordedAt,
  occurredMs: t.at,
});

/** What a fold gathers from the events before scoring (shared by `foldCustomer` and `CustomerFoldState`). */
interface Accumulator {
  customer: CustomerDetails | null;
  /** Touchpoints in stream order. */
  tps: TpEntry[];
  seenTp: Set<string>;
  outcomes: HealthInput['outcomes'];
  facts: HealthInput['facts'];
  pulses: NonNullable<HealthInput['pulses']>;
  /** touchpoint id → the longest "went unanswered" hours recorded for it. */
  unanswered: Map<string, number>;
  lastRecorded: number;
  eventCount: number;
}

const newAccumulator = (): Accumulator => ({ customer: null, tps: [], seenTp: new Set(), outcomes: [], facts: [], pulses: [], unanswered: new Map(), lastRecorded: -Infinity, eventCount: 0 });

/** Takes one event into the accumulator; returns the touchpoint entry it added, if any. */
function accumulate(acc: Accumulator, e: FoldEvent): TpEntry | undefined {
  const rec = recordedMsOf(e);
  const recordedAt = new Date(rec).toISOString();
  acc.eventCount++;
  if (rec > acc.lastRecorded) acc.lastRecorded = rec;
  const d = e.data ?? {};
  switch (e.type) {
    case 'CustomerRegistered':
      acc.customer = {
        id: d.customerId,
        externalId: d.externalId,
        name: d.name,
        segment: d.segment ?? null,
        accountManagerId: d.accountManagerId ?? null,
        renewalDate: d.renewalDate ?? null,
        annualValue: d.annualValue ?? null,
      };
      return undefined;
    case 'CustomerDetailsChanged':
      if (acc.customer) acc.customer = { ...acc.customer, ...pickDefined(d.changes ?? {}) };
      return undefined;
    case 'AccountManagerAssigned':
      if (acc.customer) acc.customer = { ...acc.customer, accountManagerId: d.accountManagerId ?? null };
      return undefined;
    case 'TouchpointRecorded': {
      // Projections never throw on odd data: a touchpoint without a parsable time is skipped.
      const at = occurredMs(d);
      if (!d?.id || Number.isNaN(at) || acc.seenTp.has(e.id)) return undefined;
      acc.seenTp.add(e.id);
      const entry = { eventId: e.id, tp: d as Touchpoint, recordedAt, at };
      acc.tps.push(entry);
      return entry;
    }
    case 'OutcomeRecorded':
      acc.outcomes.push({ eventId: e.id, outcome: d.outcome as OutcomeType, occurredAt: d.occurredAt });
      return undefined;
    case 'AccountManagerPulseRecorded':
      acc.pulses.push({ eventId: e.id, score: Number(d.score), occurredAt: d.occurredAt });
      return undefined;
    case 'InboundMessageWentUnanswered':
      acc.facts.push({ eventId: e.id, type: 'InboundMessageWentUnanswered', occurredAt: d.observedAt ?? recordedAt, data: d });
      if (d.touchpointId) acc.unanswered.set(d.touchpointId, Math.max(acc.unanswered.get(d.touchpointId) ?? 0, Number(d.hoursUnanswered) || 0));
      return undefined;
    case 'RelationshipWentQuiet':
      acc.facts.push({ eventId: e.id, type: 'RelationshipWentQuiet', occurredAt: d.observedAt ?? recordedAt, data: d });
      return undefined;
    default:
      return undefined;
  }
}

function view(acc: Accumulator, touchpoints: ScoredTouchpoint[], scored: Map<string, RelationalScore>): CustomerFold {
  const customer = acc.customer;
  return {
    customer,
    input: {
      customer: { name: customer?.name ?? '', annualValue: customer?.annualValue ?? null, renewalDate: customer?.renewalDate ?? null },
      touchpoints,
      outcomes: acc.outcomes,
      facts: acc.facts,
      pulses: acc.pulses,
    },
    scored,
    lastRecordedAt: Number.isFinite(acc.lastRecorded) ? new Date(acc.lastRecorded).toISOString() : null,
    eventCount: acc.eventCount,
  };
}

/** Touchpoints in business order: occurredAt, then recordedAt, then id (a total, stable order). */
export function businessOrder(a: { at: number; recordedAt: string; tp: Touchpoint }, b: { at: number; recordedAt: string; tp: Touchpoint }): number {
  return a.at - b.at || (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0) || (a.tp.id < b.tp.id ? -1 : a.tp.id > b.tp.id ? 1 : 0);
}

function scoreAll(tps: TpEntry[], customerName: string | undefined, unanswered: Map<string, number>, opts: FoldOptions): Map<string, RelationalScore> {
  const sorted = [...tps].sort(businessOrder);
  const { byTpId, replies } = indexes(sorted);
  const windowMs = (opts.historyDays ?? DEFAULT_HISTORY_DAYS) * DAY_MS;
  const scored = new Map<string, RelationalScore>();
  // Sliding window over the sorted list: history = earlier touchpoints within the window, plus the reply target.
  let start = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i];
    while (start < i && sorted[start].at < t.at - windowMs) start++;
    scored.set(t.eventId, scoreOne(sorted, i, start, byTpId, replies, unanswered, customerName, opts.scoring));
  }
  return scored;
}

/** Adds `t`, the latest so far in business order, to the indexes below. */
function index(t: TpEntry, byTpId: Map<string, TpEntry>, replies: Map<string, TpEntry[]>, shared?: Set<string>): void {
  if (shared && byTpId.has(t.tp.id)) shared.add(t.tp.id);
  byTpId.set(t.tp.id, t);
  if (t.tp.replyToId) {
    const list = replies.get(t.tp.replyToId);
    if (list) list.push(t);
    else replies.set(t.tp.replyToId, [t]);
  }
}

/**
 * byTpId: the last touchpoint (in business order) with each touchpoint id; replies: each id's
 * repliers in business order. Ids found on more than one touchpoint go into `shared`.
 */
function indexes(sorted: readonly TpEntry[], shared?: Set<string>): { byTpId: Map<string, TpEntry>; replies: Map<string, TpEntry[]> } {
  const byTpId = new Map<string, TpEntry>();
  const replies = new Map<string, TpEntry[]>();
  for (const t of sorted) index(t, byTpId, replies, shared);
  return { byTpId, replies };
}

/** Scores sorted[i] against sorted[start .. i) (its history window) and its reply context. */
function scoreOne(
  sorted: readonly TpEntry[],
  i: number,
  start: number,
  byTpId: ReadonlyMap<string, TpEntry>,
  replies: ReadonlyMap<string, TpEntry[]>,
  unanswered: ReadonlyMap<string, number>,
  customerName: string | undefined,
  scoring: ScoringConfig | undefined,
): RelationalScore {
  const t = sorted[i];
  const history: Touchpoint[] = [];
  for (let j = start; j < i; j++) if (sorted[j].at < t.at) history.push(sorted[j].tp);
  const target = t.tp.replyToId ? byTpId.get(t.tp.replyToId) : undefined;
  if (target && target !== t && !history.includes(target.tp) && target.at <= t.at) history.unshift(target.tp);
  return scoreTouchpoint(
    t.tp,
    {
      customerName: customerName || undefined,
      history,
      answeredBy: replies.get(t.tp.id)?.map((r) => r.tp),
      unansweredHours: unanswered.get(t.tp.id),
    },
    scoring,
  );
}

function pickDefined(changes: Record<string, unknown>): Partial<CustomerDetails> {
  const out: Record<string, unknown> = {};
  for (const k of ['externalId', 'name', 'segment', 'accountManagerId', 'renewalDate', 'annualValue']) {
    if (changes[k] !== undefined) out[k] = changes[k];
  }
  return out as Partial<CustomerDetails>;
}

/**
 * A customer's fold kept between batches and extended with each batch's new events, so a
 * projection does work in proportion to what arrived, not to the stream's length. Gives the
 * same fold as `foldCustomer` over the same events (default history window; checked by a
 * property test): new touchpoints are scored, and so are the earlier ones the new events can
 * change (see `extend`). Not for `recordedUpTo` folds.
 */
export class CustomerFoldState {
  /** Events folded so far (the stream's first `version` events). */
  version = 0;
  private readonly acc = newAccumulator();
  /** Touchpoints in business order. */
  private sorted: TpEntry[] = [];
  private byTpId = new Map<string, TpEntry>();
  private replies = new Map<string, TpEntry[]>();
  /** Touchpoint ids that more than one touchpoint carries (a duplicate delivery stored twice). */
  private readonly sharedIds = new Set<string>();
  private readonly scored = new Map<string, RelationalScore>();
  /** Parallel to acc.tps (stream order): what the health input gets. */
  private readonly scoredTps: ScoredTouchpoint[] = [];
  private readonly streamIndex = new Map<string, number>();
  private readonly windowMs: number;

  constructor(private readonly opts: Pick<FoldOptions, 'scoring' | 'historyDays'> = {}) {
    this.windowMs = (opts.historyDays ?? DEFAULT_HISTORY_DAYS) * DAY_MS;
  }

  /**
   * Folds the next events of the stream (they must continue it: versions `version + 1 …`).
   * Returns the event ids of the touchpoints whose score was (re)computed.
   * `known`: scores this fold would compute anyway, taken instead of scoring (a projection
   * restoring a customer from its own read model after a restart); only for a fresh state.
   */
  extend(events: readonly FoldEvent[], known?: ReadonlyMap<string, RelationalScore>): Set<string> {
    if (known && this.version > 0) throw new Error('known scores restore a fresh fold state only');
    const nameBefore = this.acc.customer?.name;
    const hadTouchpoints = this.acc.tps.length > 0;
    const added: TpEntry[] = [];
    const unansweredFor = new Set<string>();
    let rescoreAll = false;
    for (const e of events) {
      this.version++;
      const entry = accumulate(this.acc, e);
      if (entry) added.push(entry);
      if (e.type === 'InboundMessageWentUnanswered' && e.data?.touchpointId) unansweredFor.add(e.data.touchpointId);
      if (e.type === 'CustomerRegistered' && hadTouchpoints) rescoreAll = true;
    }
    // Personal address depends on the name: a new name rescores everything.
    if (this.acc.customer?.name !== nameBefore && this.acc.tps.length > added.length) rescoreAll = true;

    if (added.length > 0) {
      const inOrder = [...added].sort(businessOrder);
      const last = this.sorted[this.sorted.length - 1];
      if (last === undefined || businessOrder(last, inOrder[0]) <= 0) {
        // New contact is mostly the latest: append, and index only what was added (the work
        // grows with the batch, not with the customer's history).
        for (const t of inOrder) {
          this.sorted.push(t);
          index(t, this.byTpId, this.replies, this.sharedIds);
        }
      } else {
        // A late arrival: the engine's sort merges the nearly sorted list in about linear time.
        for (const t of added) this.sorted.push(t);
        this.sorted.sort(businessOrder);
        ({ byTpId: this.byTpId, replies: this.replies } = indexes(this.sorted, this.sharedIds));
      }
    }

    const rescore = new Set<TpEntry>();
    if (rescoreAll) {
      for (const t of this.sorted) rescore.add(t);
    } else {
      for (const t of added) {
        rescore.add(t);
        // The touchpoint it answers (its answers changed) …
        if (t.tp.replyToId) for (const r of this.sameId(t.tp.replyToId)) rescore.add(r);
        // … the ones answering it (their reply target changed) …
        for (const r of this.replies.get(t.tp.id) ?? []) rescore.add(r);
        // … every other touchpoint with its id (which one is "the" touchpoint with that id may have changed) …
        for (const r of this.sameId(t.tp.id)) rescore.add(r);
        // … and the later ones whose history window now holds it.
        for (let i = upperBoundAt(this.sorted, t.at); i < this.sorted.length && this.sorted[i].at <= t.at + this.windowMs; i++) rescore.add(this.sorted[i]);
      }
      for (const id of unansweredFor) for (const r of this.sameId(id)) rescore.add(r);
    }
    if (rescore.size === 0) return new Set();

    const position = rescore.size > 16 ? new Map(this.sorted.map((t, i) => [t, i])) : undefined;
    const name = this.acc.customer?.name;
    const out = new Set<string>();
    for (const t of rescore) {
      const i = position ? position.get(t)! : indexOfEntry(this.sorted, t);
      const start = lowerBoundAt(this.sorted, t.at - this.windowMs, i);
      const relational = known?.get(t.eventId) ?? scoreOne(this.sorted, i, start, this.byTpId, this.replies, this.acc.unanswered, name, this.opts.scoring);
      this.scored.set(t.eventId, relational);
      out.add(t.eventId);
    }
    // The health input, in stream order, with the new scores.
    for (let k = this.scoredTps.length; k < this.acc.tps.length; k++) {
      const t = this.acc.tps[k];
      this.streamIndex.set(t.eventId, k);
      this.scoredTps.push(scoredTouchpoint(t, this.scored.get(t.eventId)!));
    }
    for (const id of out) {
      const k = this.streamIndex.get(id)!;
      const t = this.acc.tps[k];
      this.scoredTps[k] = scoredTouchpoint(t, this.scored.get(id)!);
    }
    return out;
  }

  /** The fold of the events so far (shares this state's arrays: read it before the next `extend`). */
  fold(): CustomerFold {
    return view(this.acc, this.scoredTps, this.scored);
  }

  private sameId(tpId: string): TpEntry[] {
    const out: TpEntry[] = [];
    const only = this.byTpId.get(tpId);
    if (only === undefined) return out;
    if (!this.sharedIds.has(tpId)) {
      out.push(only);
      return out;
    }
    // Touchpoints with one id are rare (a duplicate delivery stored twice): a scan is fine.
    for (const s of this.acc.tps) if (s.tp.id === tpId) out.push(s);
    return out;
  }
}

/** Where `t` sits in `sorted` (business order): a binary search to its key, then identity among equal keys. */
function indexOfEntry(sorted: readonly TpEntry[], t: TpEntry): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (businessOrder(sorted[mid], t) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length; i++) if (sorted[i] === t) return i;
  return sorted.indexOf(t);
}

/** First index in [0, hi) whose time is at or after `at` (sorted ascending by time). */
function lowerBoundAt(sorted: readonly TpEntry[], at: number, hi: number): number {
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose time is after `at`. */
function upperBoundAt(sorted: readonly TpEntry[], at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
