// Named questions over the prepared columns (prepare.ts), in business time. A window (from, to]
// holds the items that occurred after `from` and at or before `to`. Touchpoint answers are
// indexes into the columns (ascending), or counts; drivers and churn features ask only these.
import { COMPLAINT, countAtOrBefore, DAY_MS, ENGAGED, RELATIONAL, REPEAT, SURVEY_NEGATIVE, SURVEY_POSITIVE, TRANSACTIONAL, type Prepared, type PreparedFact, type PreparedOutcome, type PreparedPulse } from './prepare.js';

export { DAY_MS };

export const days = (n: number) => n * DAY_MS;

const LN2_PER_DAY_MS = Math.LN2 / DAY_MS;

/** 0.5^(age / half-life): the weight of evidence `ageMs` old (as exp, which V8 computes ~5× faster than pow). */
export const decayed = (ageMs: number, halfLifeDays: number) => Math.exp((-LN2_PER_DAY_MS * ageMs) / halfLifeDays);

/** How many touchpoints occurred at or before `t` (they are indexes 0 … that − 1). */
export const touchpointsUpTo = (p: Prepared, t: number): number => countAtOrBefore(p.times, t);

/** How many touchpoints occurred in (from, to]. */
export const touchpointsBetween = (p: Prepared, from: number, to: number): number => Math.max(0, touchpointsUpTo(p, to) - touchpointsUpTo(p, from));

/** Relational or neutral touchpoints in (from, to]: contact that was more than a transaction. */
export function engagedBetween(p: Prepared, from: number, to: number): number {
  const lo = touchpointsUpTo(p, from);
  const hi = touchpointsUpTo(p, to);
  return hi > lo ? p.engagedPrefix[hi] - p.engagedPrefix[lo] : 0;
}

/** Transactional touchpoints in (from, to]. */
export function transactionalBetween(p: Prepared, from: number, to: number): number {
  const lo = touchpointsUpTo(p, from);
  const hi = touchpointsUpTo(p, to);
  return hi > lo ? p.transPrefix[hi] - p.transPrefix[lo] : 0;
}

/** The first engaged touchpoint's time if it occurred at or before `t`, else null. */
export function firstEngagedAtOrBefore(p: Prepared, t: number): number | null {
  return p.firstEngaged >= 0 && p.times[p.firstEngaged] <= t ? p.times[p.firstEngaged] : null;
}

/** The first touchpoint's time if it occurred at or before `t`, else null. */
export const firstTouchpointAtOrBefore = (p: Prepared, t: number): number | null => (p.n > 0 && p.times[0] <= t ? p.times[0] : null);

/**
 * The last relational touchpoint at or before `t` (index, or -1): the same contact
 * `lastRelationalContact` (history/relational-contact.ts) names, property-tested.
 */
export function lastRelationalAtOrBefore(p: Prepared, t: number): number {
  const n = touchpointsUpTo(p, t);
  return n > 0 ? p.lastRel[n - 1] : -1;
}

/** The trailing run of transactional touchpoints at or before `to`, none older than `notBefore`: indexes [start, end). */
export function trailingTransactionalRun(p: Prepared, notBefore: number, to: number): { start: number; end: number } {
  const end = touchpointsUpTo(p, to);
  const floor = touchpointsUpTo(p, notBefore);
  let start = end;
  while (start > floor && p.flags[start - 1] & TRANSACTIONAL) start--;
  return { start, end };
}

/** Touchpoints in (from, to] with any of `mask`'s flags. */
function flaggedBetween(p: Prepared, from: number, to: number, mask: number): number[] {
  const out: number[] = [];
  const flags = p.flags;
  const hi = touchpointsUpTo(p, to);
  for (let i = touchpointsUpTo(p, from); i < hi; i++) if (flags[i] & mask) out.push(i);
  return out;
}

export interface QualityBalance {
  /** Σ weight · centred quality (−1 … 1 around the neutral score). */
  balance: number;
  /** Σ weight · score / Σ weight: the decayed average relational score. */
  averageScore: number;
  total: number;
  relational: number;
  transactional: number;
}

/**
 * The decayed relational quality of the touchpoints in (from, to], weighed at `to`; null when
 * there are none. With `contributions`, each touchpoint's weighted quality is appended to it
 * (for mostInfluential), in the same sweep.
 */
export function qualityBetween(p: Prepared, from: number, to: number, halfLifeDays: number, neutral: number, contributions?: Contribution[]): QualityBalance | null {
  const lo = touchpointsUpTo(p, from);
  const hi = touchpointsUpTo(p, to);
  if (hi <= lo) return null;
  const { times, scores, flags, ids } = p;
  let balance = 0;
  let weightSum = 0;
  let weightedScore = 0;
  let relational = 0;
  let transactional = 0;
  for (let i = lo; i < hi; i++) {
    const w = decayed(to - times[i], halfLifeDays);
    const score = scores[i];
    const v = w * (score >= neutral ? (score - neutral) / (100 - neutral) : (score - neutral) / neutral);
    balance += v;
    weightSum += w;
    weightedScore += w * score;
    if (flags[i] & RELATIONAL) relational++;
    if (flags[i] & TRANSACTIONAL) transactional++;
    if (contributions) contributions.push({ id: ids[i], v });
  }
  return { balance, averageScore: weightedScore / weightSum, total: hi - lo, relational, transactional };
}

/** One touchpoint's weighted quality (−1 … 1 times its weight). */
export interface Contribution {
  id: string;
  v: number;
}

/** The touchpoints that moved the quality most in one direction (the sign of their weighted quality): event ids, at most `max`. */
export function mostInfluential(contributions: readonly Contribution[], sign: number, max: number): string[] {
  return contributions
    .filter((x) => x.v !== 0 && Math.sign(x.v) === sign)
    .sort((a, b) => Math.abs(b.v) - Math.abs(a.v) || (a.id < b.id ? -1 : 1))
    .slice(0, max)
    .map((x) => x.id);
}

/** Complaints (unresolved tickets or returns, or tagged complaint) raised in (from, to]. */
export const complaintsRaisedBetween = (p: Prepared, from: number, to: number) => flaggedBetween(p, from, to, COMPLAINT);

/** Complaints raised in (from, at] and not yet closed by a resolving touchpoint at `at`. */
export function openComplaintsAt(p: Prepared, from: number, at: number): number[] {
  const out: number[] = [];
  for (const i of complaintsRaisedBetween(p, from, at)) if (p.closedAt[i] > at) out.push(i);
  return out;
}

/** The customer's repeat contacts (prepare.ts: REPEAT) in (from, to]. */
export const repeatsBetween = (p: Prepared, from: number, to: number) => flaggedBetween(p, from, to, REPEAT);

/** Negative survey answers (detractor NPS, low CSAT, high-effort CES) in (from, to]. */
export const negativeSurveysBetween = (p: Prepared, from: number, to: number) => flaggedBetween(p, from, to, SURVEY_NEGATIVE);

/** Positive survey answers (promoter NPS, high CSAT, low-effort CES) in (from, to]. */
export const positiveSurveysBetween = (p: Prepared, from: number, to: number) => flaggedBetween(p, from, to, SURVEY_POSITIVE);

/** The scheduled checks' facts of one type observed by `to` and dated in (from, to], in the order observed. */
export function factsBetween(p: Prepared, type: PreparedFact['type'], from: number, to: number): PreparedFact[] {
  const out: PreparedFact[] = [];
  const hi = countAtOrBefore(p.factTimes, to);
  for (let k = 0; k < hi; k++) if (p.facts[k].type === type && p.facts[k].t > from) out.push(p.facts[k]);
  return out;
}

/** The latest fact of one type observed at or before `t`, or null. */
export function latestFactAtOrBefore(p: Prepared, type: PreparedFact['type'], t: number): PreparedFact | null {
  for (let k = countAtOrBefore(p.factTimes, t) - 1; k >= 0; k--) if (p.facts[k].type === type) return p.facts[k];
  return null;
}

/** Outcomes recorded in (from, to], oldest first. */
export function outcomesBetween(p: Prepared, from: number, to: number): PreparedOutcome[] {
  const out: PreparedOutcome[] = [];
  const hi = countAtOrBefore(p.outcomeTimes, to);
  for (let k = countAtOrBefore(p.outcomeTimes, from); k < hi; k++) out.push(p.outcomes[k]);
  return out;
}

/**
 * The churn at or before `t` that is the customer's latest outcome (a customer who has left), or
 * null. Any later outcome — renewed, expanded, downgraded — is a contract again: the same rule
 * as `churnedAt`, which orders the portfolio and stops retention follow-ups.
 */
export function unreversedChurnAtOrBefore(p: Prepared, t: number): PreparedOutcome | null {
  const hi = countAtOrBefore(p.outcomeTimes, t);
  const last = hi > 0 ? p.outcomes[hi - 1] : null;
  return last?.outcome === 'churned' ? last : null;
}

/** Event ids of the touchpoints `items` (indexes, ascending), most recent first, at most `max`. */
export function idsNewestFirst(p: Prepared, items: readonly number[], max: number): string[] {
  const out: string[] = [];
  for (let k = items.length - 1; k >= 0 && out.length < max; k--) out.push(p.ids[items[k]]);
  return out;
}

/** Event ids of touchpoints start … end − 1 (with any of `mask`'s flags, all when 0), most recent first, at most `max`. */
export function idsInRangeNewestFirst(p: Prepared, start: number, end: number, max: number, mask = 0): string[] {
  const out: string[] = [];
  for (let i = end - 1; i >= start && out.length < max; i--) if (mask === 0 || p.flags[i] & mask) out.push(p.ids[i]);
  return out;
}

/** Event ids of the engaged touchpoints in (from, to], most recent first, at most `max`. */
export const engagedIdsBetween = (p: Prepared, from: number, to: number, max: number) => idsInRangeNewestFirst(p, touchpointsUpTo(p, from), touchpointsUpTo(p, to), max, ENGAGED);

/** Event ids of the transactional touchpoints in (from, to], most recent first, at most `max`. */
export const transactionalIdsBetween = (p: Prepared, from: number, to: number, max: number) =>
  idsInRangeNewestFirst(p, touchpointsUpTo(p, from), touchpointsUpTo(p, to), max, TRANSACTIONAL);

/** The latest pulse at or before `t` and after `from`, or null. */
export function latestPulseBetween(p: Prepared, from: number, t: number): PreparedPulse | null {
  const hi = countAtOrBefore(p.pulseTimes, t);
  if (hi === 0) return null;
  const x = p.pulses[hi - 1];
  return x.t > from ? x : null;
}
