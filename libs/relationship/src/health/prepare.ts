import { occurredMsOf, type ScoredTouchpoint } from '../touchpoint.js';
import type { OutcomeType } from '../events.js';
import type { HealthConfig } from './config.js';
import type { HealthInput } from './types.js';

export const DAY_MS = 86_400_000;

export type SurveyVerdict = 'negative' | 'positive' | null;

/** Bits of `Prepared.flags[i]`. */
export const RELATIONAL = 1;
export const TRANSACTIONAL = 2;
/** Relational or neutral: contact that is more than a transaction (frequency baseline). */
export const ENGAGED = 4;
/** An unresolved support ticket or return (or a touchpoint tagged `complaint`). */
export const COMPLAINT = 8;
/**
 * The customer came back: their own inbound contact that the scoring flagged as a repeat, or that
 * follows their previous own contact on the same topic within repeatDays (a reply to us is dialogue,
 * not coming back). The company's replies, newsletters and notifications never are.
 */
export const REPEAT = 16;
export const SURVEY_NEGATIVE = 32;
export const SURVEY_POSITIVE = 64;

export interface PreparedOutcome {
  id: string;
  t: number;
  outcome: OutcomeType;
}

export interface PreparedPulse {
  id: string;
  t: number;
  score: number;
}

export interface PreparedFact {
  id: string;
  /** When the check observed it: a fact counts from then on (facts are sorted by it, `factTimes`). */
  seen: number;
  /** The time it is dated by (its age, its window): `seen`, but for an unanswered message when its SLA ran out, if the message is known. */
  t: number;
  type: 'InboundMessageWentUnanswered' | 'RelationshipWentQuiet';
  touchpointId: string | null;
}

/**
 * The input sorted once by business time, one column per property (touchpoint i is `ids[i]`,
 * `times[i]`, `scores[i]`, `flags[i]` …) with prefix sums, so each evaluation is a sweep, not a
 * sort.
 */
export interface Prepared {
  n: number;
  /** The touchpoints themselves, in business order (for the words of a driver: channels, topics). */
  source: readonly ScoredTouchpoint[];
  ids: readonly string[];
  times: readonly number[];
  scores: readonly number[];
  flags: readonly number[];
  /** Business time at which a later touchpoint resolved this complaint; Infinity while open. */
  closedAt: readonly number[];
  /** "detractor NPS (3)" for touchpoints with a survey verdict, else ''. */
  surveyLabels: readonly string[];
  /** lastRel[i] = index of the last relational touchpoint among 0..i, or -1. */
  lastRel: readonly number[];
  /** engagedPrefix[i] / transPrefix[i] = count among 0..i-1 (n + 1 entries). */
  engagedPrefix: readonly number[];
  transPrefix: readonly number[];
  firstEngaged: number;
  outcomes: PreparedOutcome[];
  outcomeTimes: Float64Array;
  facts: PreparedFact[];
  factTimes: Float64Array;
  pulses: PreparedPulse[];
  pulseTimes: Float64Array;
  tpIds: Set<string>;
  renewalT: number | null;
}

const byTimeThenId = <T extends { t: number; id: string }>(a: T, b: T) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const NO_VERDICT: { readonly verdict: SurveyVerdict; readonly label: string } = Object.freeze({ verdict: null, label: '' });

function surveyVerdict(tp: ScoredTouchpoint, c: HealthConfig): { readonly verdict: SurveyVerdict; readonly label: string } {
  const s = tp.touchpoint?.survey;
  if (!s || typeof s.score !== 'number' || !Number.isFinite(s.score)) return NO_VERDICT;
  const v = c.surveys;
  switch (s.kind) {
    case 'nps':
      if (s.score <= v.npsDetractorMax) return { verdict: 'negative', label: `detractor NPS (${s.score})` };
      if (s.score >= v.npsPromoterMin) return { verdict: 'positive', label: `promoter NPS (${s.score})` };
      return NO_VERDICT;
    case 'csat':
      if (s.score <= v.csatLowMax) return { verdict: 'negative', label: `low CSAT (${s.score})` };
      if (s.score >= v.csatHighMin) return { verdict: 'positive', label: `high CSAT (${s.score})` };
      return NO_VERDICT;
    case 'ces':
      // Customer effort: a high score means the customer had to work hard.
      if (s.score >= v.cesHighMin) return { verdict: 'negative', label: `high-effort CES (${s.score})` };
      if (s.score <= v.cesLowMax) return { verdict: 'positive', label: `low-effort CES (${s.score})` };
      return NO_VERDICT;
    default:
      return NO_VERDICT;
  }
}

const normTopic = (topic: unknown) => (typeof topic === 'string' ? topic.trim().toLowerCase() : '');

function upperBoundIn(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of items with time <= t (sorted ascending). */
export const countAtOrBefore = upperBoundIn;

// Projections evaluate the same score objects batch after batch (scores are interned: one object
// per distinct score): keep what is derived from them alone, by object, re-derived when the raw
// value is not the one seen.
const repeatCache = new WeakMap<object, { src: unknown; n: number; repeat: boolean }>();

// Tolerant of the scoring module's naming (`repeat_contact` today): any signal naming a repeat, not its absence.
const signalsRepeat = (signals: unknown): boolean =>
  (Array.isArray(signals) ? signals : []).some(
    (s) => typeof s?.name === 'string' && /repeat/i.test(s.name) && !/(^|_)(no|not|non)_?repeat/i.test(s.name) && !(s.effect > 0),
  );

/** Inbound and started by the customer: the customer's own contact, the only kind that can be "coming back". */
const isOwnContact = (p: ScoredTouchpoint['touchpoint']): boolean => p.direction === 'inbound' && p.initiatedBy === 'customer';

function signalRepeatOf(rel: ScoredTouchpoint['relational']): boolean {
  if (rel === null || typeof rel !== 'object' || !Array.isArray(rel.signals)) return signalsRepeat(rel?.signals);
  const hit = repeatCache.get(rel);
  if (hit && hit.src === rel.signals && hit.n === rel.signals.length) return hit.repeat;
  const repeat = signalsRepeat(rel.signals);
  repeatCache.set(rel, { src: rel.signals, n: rel.signals.length, repeat });
  return repeat;
}

/**
 * The touchpoint columns of one touchpoints array, kept between calls. A customer's fold hands
 * health the same array again and again, grown by the new touchpoints (and with an entry
 * replaced when a touchpoint is rescored): only the entries from the first one that changed are
 * prepared again. Columns of numbers rather than an object per touchpoint: a worker keeps these
 * for thousands of customers, and an array of doubles is one object the garbage collector
 * does not look into. (Typed arrays measured worse: each growth allocates a new buffer.)
 */
class TouchpointColumns {
  /** The array's entries as last prepared (by identity), in business order. */
  src: ScoredTouchpoint[] = [];
  n = 0;
  ids: string[] = [];
  times: number[] = [];
  scores: number[] = [];
  flags: number[] = [];
  closedAt: number[] = [];
  surveyLabels: string[] = [];
  lastRel: number[] = [];
  engagedPrefix: number[] = [0];
  transPrefix: number[] = [0];
  firstEngaged = -1;
  private topics: string[] = [];
  /** Business time of the customer's latest own contact per topic among the first n. */
  private lastOwnByTopic = new Map<string, number>();
  /** Complaints among the first n that no later touchpoint has resolved yet. */
  private open: number[] = [];

  /** The last update took the input array itself (in business order, no entry left out): its entries are `src`. */
  plain = false;

  constructor(readonly config: HealthConfig) {}

  /**
   * The common case, without building a sorted copy: `all` is the array last prepared, `plain`,
   * with the same first n entries and any new ones after them in business order. Returns
   * false (nothing changed) when that does not hold.
   */
  extendPlain(all: readonly ScoredTouchpoint[]): boolean {
    const n = this.n;
    if (!this.plain || all.length < n) return false;
    for (let i = 0; i < n; i++) if (all[i] !== this.src[i]) return false;
    if (all.length === n) return true;
    const tail: number[] = [];
    let prevT = n > 0 ? this.times[n - 1] : -Infinity;
    let prevId = n > 0 ? this.ids[n - 1] : '';
    for (let i = n; i < all.length; i++) {
      const tp = all[i];
      const t = occurredMsOf(tp);
      if (!Number.isFinite(t) || typeof tp.eventId !== 'string' || t < prevT || (t === prevT && tp.eventId < prevId)) return false;
      tail.push(t);
      prevT = t;
      prevId = tp.eventId;
    }
    this.update(all, tail, n);
    return true;
  }

  /**
   * Brings the columns to `sorted` (business order). Entries before the first that differs
   * from the last call are kept; a changed entry in the middle (a rescore) re-derives the
   * per-topic state from the kept ones.
   */
  update(sorted: readonly ScoredTouchpoint[], times: readonly number[], timesFrom = 0): void {
    const m = sorted.length;
    let d = 0;
    const same = Math.min(m, this.n);
    while (d < same && sorted[d] === this.src[d]) d++;
    if (d < this.n) this.truncate(d);
    if (d === m) return;
    const c = this.config;
    const repeatMs = c.complaints.repeatDays * DAY_MS;
    for (let i = d; i < m; i++) {
      const tp = sorted[i];
      const t = times[i - timesFrom];
      this.src[i] = tp;
      this.ids[i] = tp.eventId;
      this.times[i] = t;
      const rel = tp.relational ?? ({} as ScoredTouchpoint['relational']);
      this.scores[i] = typeof rel.score === 'number' && Number.isFinite(rel.score) ? Math.min(100, Math.max(0, rel.score)) : c.quality.neutralScore;
      const p = tp.touchpoint;
      let f = rel.class === 'relational' ? RELATIONAL | ENGAGED : rel.class === 'transactional' ? TRANSACTIONAL : ENGAGED;
      const tags = Array.isArray(p.tags) ? p.tags : undefined;
      const complaint = ((p.channel === 'support_ticket' || p.channel === 'return') && p.resolved === false) || (tags !== undefined && tags.includes('complaint') && p.resolved !== true);
      if (complaint) f |= COMPLAINT;
      const topic = normTopic(p.topic);
      this.topics[i] = topic;
      const own = isOwnContact(p);
      let repeat = own && signalRepeatOf(rel);
      if (own && topic) {
        const prev = this.lastOwnByTopic.get(topic);
        if (!p.replyToId && prev !== undefined && t - prev <= repeatMs) repeat = true;
        this.lastOwnByTopic.set(topic, t);
      }
      if (repeat) f |= REPEAT;
      const { verdict, label } = surveyVerdict(tp, c);
      if (verdict === 'negative') f |= SURVEY_NEGATIVE;
      else if (verdict === 'positive') f |= SURVEY_POSITIVE;
      this.surveyLabels[i] = label;
      this.flags[i] = f;
      this.closedAt[i] = Infinity;
      // A complaint closes when a later touchpoint on the same topic, or one replying to it, says resolved.
      if (p.resolved === true && this.open.length > 0) this.resolve(i, topic, p.replyToId);
      if (complaint) this.open.push(i);
      this.lastRel[i] = f & RELATIONAL ? i : i > 0 ? this.lastRel[i - 1] : -1;
      this.engagedPrefix[i + 1] = this.engagedPrefix[i] + (f & ENGAGED ? 1 : 0);
      this.transPrefix[i + 1] = this.transPrefix[i] + (f & TRANSACTIONAL ? 1 : 0);
      if (this.firstEngaged < 0 && f & ENGAGED) this.firstEngaged = i;
    }
    this.n = m;
  }

  /** Touchpoint j (resolved) closes the open complaints before it on its topic or that it replies to. */
  private resolve(j: number, topic: string, replyTo: unknown): void {
    const reply = typeof replyTo === 'string' ? replyTo : undefined;
    let kept = 0;
    for (const i of this.open) {
      const closes = (topic !== '' && this.topics[i] === topic) || (reply !== undefined && (reply === this.ids[i] || reply === this.src[i].touchpoint.id));
      if (closes) this.closedAt[i] = this.times[j];
      else this.open[kept++] = i;
    }
    this.open.length = kept;
  }

  /** Keeps the first `d` entries: per-topic state and complaint closures are derived again from them. */
  private truncate(d: number): void {
    this.n = d;
    for (const column of [this.src, this.ids, this.topics, this.surveyLabels, this.times, this.scores, this.flags, this.closedAt, this.lastRel]) column.length = d;
    this.engagedPrefix.length = d + 1;
    this.transPrefix.length = d + 1;
    this.lastOwnByTopic.clear();
    this.open = [];
    this.firstEngaged = -1;
    for (let i = 0; i < d; i++) {
      const p = this.src[i].touchpoint;
      if (this.topics[i] && isOwnContact(p)) this.lastOwnByTopic.set(this.topics[i], this.times[i]);
      this.closedAt[i] = Infinity;
      if (p.resolved === true && this.open.length > 0) this.resolve(i, this.topics[i], p.replyToId);
      if (this.flags[i] & COMPLAINT) this.open.push(i);
      if (this.firstEngaged < 0 && this.flags[i] & ENGAGED) this.firstEngaged = i;
    }
  }
}

/** The columns last prepared from each touchpoints array (a fold's array lives as long as its cached state). */
const kept = new WeakMap<readonly ScoredTouchpoint[], TouchpointColumns>();

/**
 * Odd data never throws: items without a parsable time are left out, a missing score counts as neutral.
 * The result shares columns with the next `prepare` of the same touchpoints array: use it before that.
 */
export function prepare(input: HealthInput, c: HealthConfig): Prepared {
  const all = input.touchpoints ?? [];
  let cols = kept.get(all);
  if (cols === undefined || cols.config !== c) {
    cols = new TouchpointColumns(c);
    kept.set(all, cols);
  }
  if (!cols.extendPlain(all)) {
    // By business time, then event id. The fold's touchpoints (stream order) usually are in that
    // order already: then nothing is sorted and no (touchpoint, time) pair is allocated.
    let sorted: ScoredTouchpoint[] = [];
    let times: number[] = [];
    let inOrder = true;
    for (const tp of all) {
      const t = occurredMsOf(tp);
      if (!Number.isFinite(t) || typeof tp.eventId !== 'string') continue;
      const k = sorted.length;
      if (k > 0 && (t < times[k - 1] || (t === times[k - 1] && tp.eventId < sorted[k - 1].eventId))) inOrder = false;
      sorted.push(tp);
      times.push(t);
    }
    const plain = inOrder && sorted.length === all.length;
    if (!inOrder) {
      const order = sorted.map((_, i) => i).sort((a, b) => times[a] - times[b] || (sorted[a].eventId < sorted[b].eventId ? -1 : sorted[a].eventId > sorted[b].eventId ? 1 : 0));
      sorted = order.map((i) => sorted[i]);
      times = order.map((i) => times[i]);
    }
    cols.update(sorted, times);
    cols.plain = plain;
  }
  const n = cols.n;

  const outcomes: PreparedOutcome[] = [];
  for (const o of input.outcomes ?? []) {
    const t = Date.parse(o?.occurredAt);
    if (Number.isFinite(t) && typeof o.eventId === 'string') outcomes.push({ id: o.eventId, t, outcome: o.outcome });
  }
  outcomes.sort(byTimeThenId);
  const facts: PreparedFact[] = [];
  let messageTimes: Map<string, number> | undefined;
  for (const f of input.facts ?? []) {
    const seen = Date.parse(f?.occurredAt);
    if (!Number.isFinite(seen) || typeof f.eventId !== 'string') continue;
    let t = seen;
    if (f.type !== 'InboundMessageWentUnanswered' && f.type !== 'RelationshipWentQuiet') continue;
    const touchpointId = typeof f.data?.touchpointId === 'string' ? f.data.touchpointId : null;
    // A message went unanswered when its SLA ran out, not when a check noticed: a sweep over
    // imported history must not make last year's silence count as today's.
    const slaHours = Number(f.data?.slaHours);
    if (f.type === 'InboundMessageWentUnanswered' && touchpointId !== null && Number.isFinite(slaHours) && slaHours >= 0) {
      messageTimes ??= new Map(cols.ids.map((id, i) => [id, cols.times[i]]));
      const sent = messageTimes.get(touchpointId);
      if (sent !== undefined) t = Math.min(t, sent + slaHours * 3_600_000);
    }
    facts.push({ id: f.eventId, seen, t, type: f.type, touchpointId });
  }
  facts.sort((a, b) => a.seen - b.seen || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const pulses: PreparedPulse[] = [];
  for (const x of input.pulses ?? []) {
    const t = Date.parse(x?.occurredAt);
    const score = Number(x?.score);
    if (Number.isFinite(t) && typeof x.eventId === 'string' && Number.isFinite(score)) pulses.push({ id: x.eventId, t, score: Math.min(5, Math.max(1, Math.round(score))) });
  }
  pulses.sort(byTimeThenId);

  const renewal = input.customer?.renewalDate ? Date.parse(input.customer.renewalDate) : NaN;
  const ids = cols.ids;
  // Only drivers about unanswered messages ask: built on first use.
  let tpIds: Set<string> | undefined;
  return {
    n,
    source: cols.src,
    ids,
    times: cols.times,
    scores: cols.scores,
    flags: cols.flags,
    closedAt: cols.closedAt,
    surveyLabels: cols.surveyLabels,
    lastRel: cols.lastRel,
    engagedPrefix: cols.engagedPrefix,
    transPrefix: cols.transPrefix,
    firstEngaged: cols.firstEngaged,
    outcomes,
    outcomeTimes: Float64Array.from(outcomes, (o) => o.t),
    facts,
    factTimes: Float64Array.from(facts, (f) => f.seen),
    pulses,
    pulseTimes: Float64Array.from(pulses, (x) => x.t),
    get tpIds() {
      return (tpIds ??= new Set(ids));
    },
    renewalT: Number.isFinite(renewal) ? renewal : null,
  };
}
