// The health score's drivers, one function per row of docs/health-and-churn.md ("Health score"),
// in that order. Each reads the prepared columns through the named queries and returns its
// effect in points (+ towards closeness) with the words and events that explain it. With
// `explain` false (history curves, the trend point) only the effect is computed.
import { wholeDaysBetween } from '../history/relational-contact.js';
import type { HealthConfig } from './config.js';
import type { Prepared } from './prepare.js';
import {
  days,
  DAY_MS,
  decayed,
  engagedBetween,
  engagedIdsBetween,
  factsBetween,
  firstEngagedAtOrBefore,
  firstTouchpointAtOrBefore,
  idsInRangeNewestFirst,
  idsNewestFirst,
  lastRelationalAtOrBefore,
  latestPulseBetween,
  latestFactAtOrBefore,
  mostInfluential,
  negativeSurveysBetween,
  openComplaintsAt,
  outcomesBetween,
  positiveSurveysBetween,
  qualityBetween,
  repeatsBetween,
  touchpointsUpTo,
  trailingTransactionalRun,
  type Contribution,
} from './queries.js';
import * as say from './wording.js';
import type { Driver } from './types.js';

/** A driver before it is rounded, cut and sorted for display (health.ts). */
export interface RawDriver extends Driver {
  /** A few words for sentences that mention the driver ("3 repeat contacts"). */
  short: say.Phrase;
  /** Shown even when its effect is too small to matter ("no touchpoints yet", "churned"). */
  keep?: boolean;
}

const NO_WORDS = say.singular('');

const driver = (effect: number, explain: boolean, words: () => { factor: string; short: say.Phrase; eventIds: string[] }): RawDriver =>
  explain ? { effect, ...words() } : { effect, factor: '', short: NO_WORDS, eventIds: [] };

/** No touchpoint up to T: a neutral score, said so. */
export function noDataDriver(p: Prepared, T: number): RawDriver | null {
  return touchpointsUpTo(p, T) === 0 ? { factor: say.noTouchpointsYet(), short: say.pluralPhrase('no touchpoints yet'), effect: 0, eventIds: [], keep: true } : null;
}

/**
 * Relational quality: the touchpoints of the last `windowDays`, each weighing 0.5^(age/halfLifeDays),
 * as a decayed *sum* of their quality around neutral, bounded by tanh (more evidence moves the score
 * further; a transactional contact never lifts it).
 */
export function qualityDriver(p: Prepared, T: number, c: HealthConfig, explain: boolean): RawDriver | null {
  const from = T - days(c.windowDays);
  const contributions: Contribution[] | undefined = explain ? [] : undefined;
  const q = qualityBetween(p, from, T, c.halfLifeDays, c.quality.neutralScore, contributions);
  if (q === null) return null;
  const effect = c.quality.weight * Math.tanh(q.balance / c.quality.saturation);
  const lean = effect >= 0 ? 'relational' : 'transactional';
  return driver(effect, explain, () => ({
    factor: say.qualityFactor({ lean, slight: Math.abs(effect) < c.quality.weight / 6, quality: q.averageScore, total: q.total, relational: q.relational, transactional: q.transactional, windowDays: c.windowDays }),
    short: say.qualityShort(lean),
    eventIds: mostInfluential(contributions!, Math.sign(effect), c.maxEventIdsPerDriver),
  }));
}

/** Transactional streak: the trailing run of transactional contacts (within the window), from the `minRun`th on. */
export function streakDriver(p: Prepared, T: number, c: HealthConfig, explain: boolean): RawDriver | null {
  const { start, end } = trailingTransactionalRun(p, T - days(c.windowDays), T);
  const run = end - start;
  if (run < c.streak.minRun) return null;
  const effect = Math.max(c.streak.max, c.streak.perContact * (run - c.streak.minRun + 1));
  return driver(effect, explain, () => ({ factor: say.transactionalRun(run), short: say.transactionalRunShort(run), eventIds: idsInRangeNewestFirst(p, start, end, c.maxEventIdsPerDriver) }));
}

export interface Silence {
  /** Days (fractional) since the last relational contact; with none on record, since the first touchpoint. */
  days: number;
  /** The number every sentence quotes: wholeDaysBetween (history/relational-contact.ts). */
  wholeDays: number;
  /** Index of the last relational touchpoint, or -1. */
  last: number;
  /** When the silence began (ms): the last relational contact, else the first touchpoint. */
  since: number;
}

/** How long since the last relational contact at T (null without touchpoints): shared by the recency driver and the churn feature. */
export function silenceAt(p: Prepared, T: number): Silence | null {
  const first = firstTouchpointAtOrBefore(p, T);
  if (first === null) return null;
  const last = lastRelationalAtOrBefore(p, T);
  const since = last >= 0 ? p.times[last] : first;
  return { days: (T - since) / DAY_MS, wholeDays: wholeDaysBetween(since, T), last, since };
}

/**
 * Recency of the last relational contact: +freshBonus falling to 0 at freshDays, then linear to
 * lostPenalty at lostDays. With no relational contact on record the silence counts from the first
 * touchpoint, and there is no bonus to earn: nothing relational happened. A RelationshipWentQuiet
 * fact newer than the last relational contact adds quietFactEffect.
 */
export function recencyDriver(p: Prepared, T: number, c: HealthConfig, explain: boolean): RawDriver | null {
  const s = silenceAt(p, T);
  if (s === null) return null;
  const r = c.recency;
  const fresh = s.days <= r.freshDays;
  let effect = fresh
    ? s.last >= 0
      ? r.freshBonus * (1 - s.days / r.freshDays)
      : 0
    : s.days >= r.lostDays
      ? r.lostPenalty
      : (r.lostPenalty * (s.days - r.freshDays)) / (r.lostDays - r.freshDays);
  const quiet = latestFactAtOrBefore(p, 'RelationshipWentQuiet', T);
  const silenceRecorded = quiet !== null && (s.last < 0 || quiet.t > p.times[s.last]);
  if (silenceRecorded) effect += r.quietFactEffect;
  return driver(effect, explain, () => {
    const words = { days: s.wholeDays, hasRelational: s.last >= 0, fresh, sinceT: s.since, quiet: silenceRecorded };
    const eventIds = s.last >= 0 ? [p.ids[s.last]] : [];
    if (silenceRecorded) eventIds.push(quiet!.id);
    return { factor: say.recencyFactor(words), short: say.recencyShort(words), eventIds };
  });
}

export interface Frequency {
  /** Engaged contacts in the last recentDays. */
  recent: number;
  /** Engaged contacts a month in the baseline before them. */
  usual: number;
  ratio: number;
  /** A drop or rise large enough to be told (config frequency.maxDropRatio / minRiseRatio). */
  change: 'drop' | 'rise' | null;
}

/**
 * Engaged (relational + neutral) contacts of the last recentDays against the customer's own
 * monthly rate in the baselineDays before; null without a baseline of minBaselineSpanDays and
 * minBaselinePerMonth. Shared by the frequency driver and the churn feature.
 */
export function frequencyAt(p: Prepared, T: number, c: HealthConfig): Frequency | null {
  const f = c.frequency;
  const recentFrom = T - days(f.recentDays);
  const first = firstEngagedAtOrBefore(p, T);
  if (first === null) return null;
  const spanStart = Math.max(recentFrom - days(f.baselineDays), first);
  const spanDays = (recentFrom - spanStart) / DAY_MS;
  if (spanDays <= 0 || spanDays < f.minBaselineSpanDays) return null;
  const usual = engagedBetween(p, recentFrom - days(f.baselineDays), recentFrom) / (spanDays / 30);
  if (!(usual >= f.minBaselinePerMonth)) return null;
  const recent = engagedBetween(p, recentFrom, T);
  const ratio = recent / usual;
  return { recent, usual, ratio, change: ratio <= f.maxDropRatio ? 'drop' : ratio >= f.minRiseRatio ? 'rise' : null };
}

/** Event ids behind a frequency figure: the recent engaged contacts, or else the last one of the baseline. */
export function frequencyIds(p: Prepared, T: number, c: HealthConfig): string[] {
  const recentFrom = T - days(c.frequency.recentDays);
  const recent = engagedIdsBetween(p, recentFrom, T, c.maxEventIdsPerDriver);
  return recent.length > 0 ? recent : engagedIdsBetween(p, recentFrom - days(c.frequency.baselineDays), recentFrom, 1);
}

/** Frequency against the customer's own baseline: a drop costs up to dropWeight, a rise earns up to riseWeight; a small change says nothing. */
export function frequencyDriver(p: Prepared, T: number, c: HealthConfig, explain: boolean): RawDriver | null {
  const f = frequencyAt(p, T, c);
  if (f === null || f.change === null) return null;
  const effect = f.change === 'drop' ? c.frequency.dropWeight * (1 - f.ratio) : c.frequency.riseWeight * Math.min(f.ratio - 1, 1);
  return driver(effect, explain, () => ({
    factor: say.frequencyFactor({ recent: f.recent, usual: f.usual, recentDays: c.frequency.recentDays }),
    short: say.frequencyShort(f.change === 'rise'),
    eventIds: frequencyIds(p, T, c),
  }));
}

/** Open complaints: tickets and returns not resolved (or tagged complaint) in the window, not closed by a later resolving touchpoint. */
export function complaintsDriver(p: Prepared, T: number, c: HealthConfig, explain: boolean): RawDriver | null {
  const open = openComplaintsAt(p, T - days(c.complaints.windowDays), T);
  if (open.length === 0) return null;
  const effect = Math.max(c.complaints.max, c.complaints.perOpen * open.length);
  return driver(effect, explain, () => ({
    factor: say.openComplaints(open.map((i) => p.source[i].touchpoint.channel)),
    short: say.countedPhrase(open.length, 'open complaint'),
    eventIds: idsNewestFirst(p, open, c.maxEventIdsPerDriver),
  }));
}

/** Repeat contacts: the customer came back about the same matter (prepare.ts: REPEAT) in the window. */
export function repeatsDriver(p: Prepared, T: number, c: HealthConfig, explain: boolean): RawDriver | null {
  const repeats = repeatsBetween(p, T - days(c.complaints.windowDays), T);
  if (repeats.length === 0) return null;
  const effect = Math.max(c.complaints.maxRepeat, c.complaints.perRepeat * repeats.length);
  return driver(effect, explain, () => ({
    factor: say.repeatContacts(repeats.length, c.complaints.windowDays),
    short: say.countedPhrase(repeats.length, 'repeat contact'),
    eventIds: idsNewestFirst(p, repeats, c.maxEventIdsPerDriver),
  }));
}

/** Surveys: each negative answer its own driver ("detractor NPS (3) on 12 Oct 2026"), positives grouped; decaying. */
export function surveyDrivers(p: Prepared, T: number, c: HealthConfig, explain: boolean): RawDriver[] {
  const from = T - days(c.surveys.windowDays);
  const out: RawDriver[] = [];
  for (const i of negativeSurveysBetween(p, from, T)) {
    const effect = c.surveys.negativeEffect * decayed(T - p.times[i], c.halfLifeDays);
    out.push(driver(effect, explain, () => ({ factor: say.surveyOn(p.surveyLabels[i], p.times[i]), short: say.countedPhrase(1, p.surveyLabels[i].replace(/ \(.*\)$/, '')), eventIds: [p.ids[i]] })));
  }
  const positives = positiveSurveysBetween(p, from, T);
  if (positives.length > 0) {
    let effect = 0;
    for (const i of positives) effect += c.surveys.positiveEffect * decayed(T - p.times[i], c.halfLifeDays);
    const latest = positives[positives.length - 1];
    out.push(
      driver(effect, explain, () => ({
        factor: say.positiveSurveys(positives.length, p.surveyLabels[positives[0]], p.times[latest]),
        short: positives.length === 1 ? say.countedPhrase(1, p.surveyLabels[latest].replace(/ \(.*\)$/, '')) : say.countedPhrase(positives.length, 'positive survey answer'),
        eventIds: idsNewestFirst(p, positives, c.maxEventIdsPerDriver),
      })),
    );
  }
  return out;
}

/** Unanswered inbound: InboundMessageWentUnanswered facts in the window, decaying, capped. */
export function unansweredDriver(p: Prepared, T: number, c: HealthConfig, explain: boolean): RawDriver | null {
  const facts = factsBetween(p, 'InboundMessageWentUnanswered', T - days(c.facts.windowDays), T);
  if (facts.length === 0) return null;
  let effect = 0;
  for (const f of facts) effect += c.facts.perUnanswered * decayed(T - f.t, c.halfLifeDays);
  return driver(Math.max(c.facts.maxUnanswered, effect), explain, () => {
    // Each fact, then the touchpoint it is about (when the input has it), newest first.
    const eventIds: string[] = [];
    for (let k = facts.length - 1; k >= 0 && eventIds.length < c.maxEventIdsPerDriver; k--) {
      eventIds.push(facts[k].id);
      const tp = facts[k].touchpointId;
      if (tp && p.tpIds.has(tp) && eventIds.length < c.maxEventIdsPerDriver && !eventIds.includes(tp)) eventIds.push(tp);
    }
    return { factor: say.unansweredInbound(facts.length), short: say.countedPhrase(facts.length, 'unanswered inbound message'), eventIds };
  });
}

/** Outcomes: renewals and expansions lift, downgrades drag, each its own driver, decaying over the window. */
export function outcomeDrivers(p: Prepared, T: number, c: HealthConfig, explain: boolean): RawDriver[] {
  const o = c.outcomes;
  const out: RawDriver[] = [];
  for (const x of outcomesBetween(p, T - days(o.windowDays), T)) {
    const value = x.outcome === 'renewed' ? o.renewed : x.outcome === 'expanded' ? o.expanded : x.outcome === 'downgraded' ? o.downgraded : 0;
    if (value === 0) continue;
    out.push(driver(value * decayed(T - x.t, o.halfLifeDays), explain, () => ({ factor: say.outcomeOn(x.outcome, x.t), short: say.outcomeShort(x.outcome, x.t), eventIds: [x.id] })));
  }
  return out;
}

/**
 * The account manager's own judgement: the latest pulse in the window, weight·(score − 3)/2,
 * decaying like the other evidence. Only the latest counts: a new pulse replaces the last one.
 */
export function pulseDriver(p: Prepared, T: number, c: HealthConfig, explain: boolean): RawDriver | null {
  const x = latestPulseBetween(p, T - days(c.pulse.windowDays), T);
  if (x === null || x.score === 3 || c.pulse.weight === 0) return null;
  const effect = ((c.pulse.weight * (x.score - 3)) / 2) * decayed(T - x.t, c.pulse.halfLifeDays);
  return driver(effect, explain, () => ({ factor: say.pulseOn(x.score, x.t), short: say.pulseShort(x.score), eventIds: [x.id] }));
}

/** Churned and not won back: the score is capped at churnedCap; the effect is what the cap takes off `uncapped`. */
export function churnedDriver(churn: { id: string; t: number } | null, uncapped: number, c: HealthConfig, explain: boolean): RawDriver | null {
  if (churn === null) return null;
  const effect = Math.min(uncapped, c.outcomes.churnedCap) - uncapped;
  const d = driver(effect, explain, () => ({ factor: say.outcomeOn('churned', churn.t), short: say.outcomeShort('churned', churn.t), eventIds: [churn.id] }));
  d.keep = true;
  return d;
}
