import { occurredMsOf, type RelationalClass, type ScoredTouchpoint } from '../touchpoint.js';
import type { OutcomeType } from '../events.js';
import type { HealthConfig } from './config.js';
import type { HealthInput } from './types.js';

export const DAY_MS = 86_400_000;

export type SurveyVerdict = 'negative' | 'positive' | null;

export interface PreparedTouchpoint {
  id: string;
  t: number;
  score: number;
  cls: RelationalClass;
  relational: boolean;
  transactional: boolean;
  /** Relational or neutral: contact that is more than a transaction (frequency baseline). */
  engaged: boolean;
  /** An unresolved support ticket or return (or a touchpoint tagged `complaint`). */
  complaint: boolean;
  /** Business time at which a later touchpoint resolved this complaint; Infinity while open. */
  closedAt: number;
  /** Scoring flagged a repeat contact, or the customer came back about the same topic within repeatDays. */
  repeat: boolean;
  survey: SurveyVerdict;
  surveyLabel: string;
}

export interface PreparedOutcome {
  id: string;
  t: number;
  outcome: OutcomeType;
}

export interface PreparedFact {
  id: string;
  t: number;
  type: 'InboundMessageWentUnanswered' | 'RelationshipWentQuiet';
  touchpointId: string | null;
}

/** The input sorted once by business time with prefix sums, so each evaluation is a sweep, not a sort. */
export interface Prepared {
  tps: PreparedTouchpoint[];
  times: Float64Array;
  /** lastRel[i] = index of the last relational touchpoint among tps[0..i], or -1. */
  lastRel: Int32Array;
  /** engagedPrefix[i] / transPrefix[i] = count among tps[0..i-1]. */
  engagedPrefix: Int32Array;
  transPrefix: Int32Array;
  firstEngaged: number;
  outcomes: PreparedOutcome[];
  outcomeTimes: Float64Array;
  facts: PreparedFact[];
  factTimes: Float64Array;
  tpIds: Set<string>;
  renewalT: number | null;
}

const byTimeThenId = <T extends { t: number; id: string }>(a: T, b: T) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The verdict of most touchpoints (no survey, or a neutral answer): one shared object, not one per call. */
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

function upperBoundIn(times: Float64Array, t: number): number {
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

function signalRepeatOf(rel: ScoredTouchpoint['relational']): boolean {
  if (rel === null || typeof rel !== 'object' || !Array.isArray(rel.signals)) return signalsRepeat(rel?.signals);
  const hit = repeatCache.get(rel);
  if (hit && hit.src === rel.signals && hit.n === rel.signals.length) return hit.repeat;
  const repeat = signalsRepeat(rel.signals);
  repeatCache.set(rel, { src: rel.signals, n: rel.signals.length, repeat });
  return repeat;
}

/** Odd data never throws: items without a parsable time are left out, a missing score counts as neutral. */
export function prepare(input: HealthInput, c: HealthConfig): Prepared {
  // By business time, then event id. The fold's touchpoints (stream order) usually are in that
  // order already: then nothing is sorted and no (touchpoint, time) pair is allocated.
  let kept: ScoredTouchpoint[] = [];
  let times: number[] = [];
  let inOrder = true;
  for (const tp of input.touchpoints ?? []) {
    const t = occurredMsOf(tp);
    if (!Number.isFinite(t) || typeof tp.eventId !== 'string') continue;
    const k = kept.length;
    if (k > 0 && (t < times[k - 1] || (t === times[k - 1] && tp.eventId < kept[k - 1].eventId))) inOrder = false;
    kept.push(tp);
    times.push(t);
  }
  if (!inOrder) {
    const order = kept.map((_, i) => i).sort((a, b) => times[a] - times[b] || (kept[a].eventId < kept[b].eventId ? -1 : kept[a].eventId > kept[b].eventId ? 1 : 0));
    kept = order.map((i) => kept[i]);
    times = order.map((i) => times[i]);
  }

  const tps: PreparedTouchpoint[] = [];
  const lastByTopic = new Map<string, number>();
  for (let i = 0; i < kept.length; i++) {
    const tp = kept[i];
    const t = times[i];
    const rel = tp.relational ?? ({} as ScoredTouchpoint['relational']);
    const score = typeof rel.score === 'number' && Number.isFinite(rel.score) ? Math.min(100, Math.max(0, rel.score)) : c.quality.neutralScore;
    const cls: RelationalClass = rel.class === 'relational' || rel.class === 'transactional' ? rel.class : 'neutral';
    const p = tp.touchpoint;
    const tags = Array.isArray(p.tags) ? p.tags : [];
    const complaint =
      ((p.channel === 'support_ticket' || p.channel === 'return') && p.resolved === false) || (tags.includes('complaint') && p.resolved !== true);
    const signalRepeat = signalRepeatOf(rel);
    const topic = normTopic(p.topic);
    const prev = topic ? lastByTopic.get(topic) : undefined;
    const topicRepeat = p.initiatedBy === 'customer' && prev !== undefined && t - prev <= c.complaints.repeatDays * DAY_MS;
    if (topic) lastByTopic.set(topic, t);
    const { verdict, label } = surveyVerdict(tp, c);
    tps.push({
      id: tp.eventId,
      t,
      score,
      cls,
      relational: cls === 'relational',
      transactional: cls === 'transactional',
      engaged: cls !== 'transactional',
      complaint,
      closedAt: Infinity,
      repeat: signalRepeat || topicRepeat,
      survey: verdict,
      surveyLabel: label,
    });
  }

  // A complaint closes when a later touchpoint on the same topic, or one replying to it, says resolved.
  const resolvedByTopic = new Map<string, number[]>();
  const resolvedByReply = new Map<string, number[]>();
  kept.forEach((tp, i) => {
    if (tp.touchpoint.resolved !== true) return;
    const topic = normTopic(tp.touchpoint.topic);
    if (topic) (resolvedByTopic.get(topic) ?? resolvedByTopic.set(topic, []).get(topic)!).push(i);
    const replyTo = tp.touchpoint.replyToId;
    if (typeof replyTo === 'string') (resolvedByReply.get(replyTo) ?? resolvedByReply.set(replyTo, []).get(replyTo)!).push(i);
  });
  kept.forEach((tp, i) => {
    if (!tps[i].complaint) return;
    const candidates = [
      ...(resolvedByTopic.get(normTopic(tp.touchpoint.topic)) ?? []),
      ...(resolvedByReply.get(tp.touchpoint.id) ?? []),
      ...(resolvedByReply.get(tp.eventId) ?? []),
    ];
    for (const j of candidates) if (j > i) tps[i].closedAt = Math.min(tps[i].closedAt, tps[j].t);
  });

  const n = tps.length;
  const tpTimes = new Float64Array(n);
  const lastRel = new Int32Array(n);
  const engagedPrefix = new Int32Array(n + 1);
  const transPrefix = new Int32Array(n + 1);
  let firstEngaged = -1;
  for (let i = 0; i < n; i++) {
    tpTimes[i] = tps[i].t;
    lastRel[i] = tps[i].relational ? i : i > 0 ? lastRel[i - 1] : -1;
    engagedPrefix[i + 1] = engagedPrefix[i] + (tps[i].engaged ? 1 : 0);
    transPrefix[i + 1] = transPrefix[i] + (tps[i].transactional ? 1 : 0);
    if (firstEngaged < 0 && tps[i].engaged) firstEngaged = i;
  }

  const outcomes: PreparedOutcome[] = [];
  for (const o of input.outcomes ?? []) {
    const t = Date.parse(o?.occurredAt);
    if (Number.isFinite(t) && typeof o.eventId === 'string') outcomes.push({ id: o.eventId, t, outcome: o.outcome });
  }
  outcomes.sort(byTimeThenId);
  const facts: PreparedFact[] = [];
  for (const f of input.facts ?? []) {
    const t = Date.parse(f?.occurredAt);
    if (!Number.isFinite(t) || typeof f.eventId !== 'string') continue;
    if (f.type !== 'InboundMessageWentUnanswered' && f.type !== 'RelationshipWentQuiet') continue;
    const touchpointId = typeof f.data?.touchpointId === 'string' ? f.data.touchpointId : null;
    facts.push({ id: f.eventId, t, type: f.type, touchpointId });
  }
  facts.sort(byTimeThenId);

  const renewal = input.customer?.renewalDate ? Date.parse(input.customer.renewalDate) : NaN;
  // Only drivers about unanswered messages ask: built on first use.
  let tpIds: Set<string> | undefined;
  return {
    tps,
    times: tpTimes,
    lastRel,
    engagedPrefix,
    transPrefix,
    firstEngaged,
    outcomes,
    outcomeTimes: Float64Array.from(outcomes, (o) => o.t),
    facts,
    factTimes: Float64Array.from(facts, (f) => f.t),
    get tpIds() {
      return (tpIds ??= new Set(tps.map((p) => p.id)));
    },
    renewalT: Number.isFinite(renewal) ? renewal : null,
  };
}
