// The churn model's features, one function per row of docs/health-and-churn.md ("Churn risk"),
// in that order, and the logistic model over them. Each feature is a point-in-time value at T
// from the same prepared columns as the health drivers, so a backtest can compute it as of any date.
import type { HealthConfig } from './config.js';
import { frequencyAt, frequencyIds, silenceAt } from './drivers.js';
import type { Prepared } from './prepare.js';
import {
  complaintsRaisedBetween,
  days,
  DAY_MS,
  factsBetween,
  idsInRangeNewestFirst,
  idsNewestFirst,
  negativeSurveysBetween,
  outcomesBetween,
  repeatsBetween,
  touchpointsBetween,
  trailingTransactionalRun,
  transactionalBetween,
  transactionalIdsBetween,
  unreversedChurnAtOrBefore,
} from './queries.js';
import type { ChurnFeature, ChurnFeatures, ChurnRisk, Driver, RiskLevel } from './types.js';
import * as say from './wording.js';

/** The words and events that explain a feature's value. */
export interface FeatureWords {
  factor: string;
  /** A few words for sentences that mention it (default: the factor, singular). */
  short?: say.Phrase;
  eventIds: string[];
}

/** One feature's value at T; its words are worked out only for the drivers that are shown (null: not a reason to show). */
export interface FeatureValue {
  x: number;
  words?: () => FeatureWords | null;
}

const NONE: FeatureValue = Object.freeze({ x: 0 });

const value = (x: number, explain: boolean, words: () => FeatureWords | null): FeatureValue => (x === 0 ? NONE : explain ? { x, words } : { x });

/** The churn windows are fixed, so the coefficients keep their documented meaning. */
const D90 = days(90);
const D180 = days(180);
const D365 = days(365);

/** min(days since the last relational contact, 180) / 30; with none on record, since the first touchpoint; 0 without touchpoints. */
export function monthsSinceRelational(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  const s = silenceAt(p, T);
  if (s === null) return NONE;
  // Within the fresh window the feature is the model's clock running, not a warning: no reason to show.
  const fresh = s.days <= c.recency.freshDays;
  return value(Math.min(Math.max(s.days, 0), 180) / 30, explain, () =>
    fresh ? null : { factor: say.recencyFactor({ days: s.wholeDays, hasRelational: s.last >= 0, fresh, sinceT: s.since }), short: say.recencyShort({ days: s.wholeDays, hasRelational: s.last >= 0, fresh }), eventIds: s.last >= 0 ? [p.ids[s.last]] : [] },
  );
}

/** Transactional / all touchpoints in 90 days (0 when none). */
export function transactionalShare90d(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  const total = touchpointsBetween(p, T - D90, T);
  const trans = total > 0 ? transactionalBetween(p, T - D90, T) : 0;
  return value(total > 0 ? trans / total : 0, explain, () => ({
    factor: say.transactionalShare(trans, total, 90),
    short: say.countedPhrase(trans, 'transactional contact in 90 days', 'transactional contacts in 90 days'),
    eventIds: transactionalIdsBetween(p, T - D90, T, c.maxEventIdsPerDriver),
  }));
}

/** The trailing run of transactional contacts (within the health window), capped at 10. */
export function transactionalStreak(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  const { start, end } = trailingTransactionalRun(p, T - days(c.windowDays), T);
  const run = end - start;
  return value(Math.min(run, 10), explain, () => ({ factor: say.transactionalRun(run), short: say.transactionalRunShort(run), eventIds: idsInRangeNewestFirst(p, start, end, c.maxEventIdsPerDriver) }));
}

/** Detractor NPS, low CSAT and high-effort CES answers in 180 days, capped at 5. */
export function negativeSurveys180d(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  const negatives = negativeSurveysBetween(p, T - D180, T);
  return value(Math.min(negatives.length, 5), explain, () => ({
    factor: say.negativeSurveys(negatives.length, 180),
    short: say.countedPhrase(negatives.length, 'negative survey answer'),
    eventIds: idsNewestFirst(p, negatives, c.maxEventIdsPerDriver),
  }));
}

/** InboundMessageWentUnanswered facts in 90 days, capped at 5. */
export function unansweredInbound90d(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  const facts = factsBetween(p, 'InboundMessageWentUnanswered', T - D90, T);
  return value(Math.min(facts.length, 5), explain, () => ({
    factor: say.unansweredIn(facts.length, 90),
    short: say.countedPhrase(facts.length, 'unanswered inbound message'),
    eventIds: facts.slice(-c.maxEventIdsPerDriver).reverse().map((f) => f.id),
  }));
}

/** 0–1: how far engaged contact fell below the customer's own baseline, when the drop is large enough to tell (the frequency driver's rule). */
export function engagedFrequencyDrop(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  const f = frequencyAt(p, T, c);
  if (f === null || f.change !== 'drop') return NONE;
  return value(1 - f.ratio, explain, () => ({
    factor: say.frequencyFactor({ recent: f.recent, usual: f.usual, recentDays: c.frequency.recentDays }),
    short: say.frequencyShort(false),
    eventIds: frequencyIds(p, T, c),
  }));
}

/** The customer's repeat contacts in 90 days, capped at 10. */
export function repeatContacts90d(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  const repeats = repeatsBetween(p, T - D90, T);
  return value(Math.min(repeats.length, 10), explain, () => ({
    factor: say.repeatContacts(repeats.length, 90),
    short: say.countedPhrase(repeats.length, 'repeat contact'),
    eventIds: idsNewestFirst(p, repeats, c.maxEventIdsPerDriver),
  }));
}

/** Complaints *raised* in 90 days, capped at 5: a bot closing a ticket cannot lower the risk. */
export function complaints90d(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  const raised = complaintsRaisedBetween(p, T - D90, T);
  return value(Math.min(raised.length, 5), explain, () => ({
    factor: say.complaintsRaised(raised.length, 90),
    short: say.countedPhrase(raised.length, 'complaint raised', 'complaints raised'),
    eventIds: idsNewestFirst(p, raised, c.maxEventIdsPerDriver),
  }));
}

/** 1 − days to renewal / renewalHorizonDays when the renewal date lies within the horizon ahead, else 0. */
export function renewalSoon(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  if (p.renewalT === null || p.renewalT < T) return NONE;
  const horizon = days(c.churn.renewalHorizonDays);
  const until = p.renewalT - T;
  if (until >= horizon) return NONE;
  const inDays = Math.ceil(until / DAY_MS);
  return value(1 - until / horizon, explain, () => ({ factor: say.renewalIn(inDays, p.renewalT!), short: say.singular(`the renewal ${inDays === 0 ? 'today' : `in ${say.plural(inDays, 'day')}`}`), eventIds: [] }));
}

/** 1 when a downgrade was recorded in 365 days. */
export function downgraded365d(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  const downgrades = outcomesBetween(p, T - D365, T).filter((o) => o.outcome === 'downgraded');
  const latest = downgrades[downgrades.length - 1];
  return value(downgrades.length > 0 ? 1 : 0, explain, () => ({
    factor: say.outcomeOn('downgraded', latest.t),
    short: say.outcomeShort('downgraded', latest.t),
    eventIds: downgrades.slice(-c.maxEventIdsPerDriver).reverse().map((o) => o.id),
  }));
}

/** 1 when a renewal or expansion was recorded in 365 days (its coefficient lowers the risk). */
export function renewedOrExpanded365d(p: Prepared, T: number, c: HealthConfig, explain: boolean): FeatureValue {
  const wins = outcomesBetween(p, T - D365, T).filter((o) => o.outcome === 'renewed' || o.outcome === 'expanded');
  const latest = wins[wins.length - 1];
  return value(wins.length > 0 ? 1 : 0, explain, () => ({
    factor: say.outcomeOn(latest.outcome, latest.t),
    short: say.outcomeShort(latest.outcome, latest.t),
    eventIds: wins.slice(-c.maxEventIdsPerDriver).reverse().map((o) => o.id),
  }));
}

/** 1 when the latest outcome is a churn (a later renewal, expansion or downgrade ends it). */
export function churned(p: Prepared, T: number, _c: HealthConfig, explain: boolean): FeatureValue {
  const o = unreversedChurnAtOrBefore(p, T);
  return o === null ? NONE : value(1, explain, () => ({ factor: say.outcomeOn('churned', o.t), short: say.outcomeShort('churned', o.t), eventIds: [o.id] }));
}

/** Every feature, in the documented order (the logit sums them in this order). */
const FEATURES: Record<ChurnFeature, (p: Prepared, T: number, c: HealthConfig, explain: boolean) => FeatureValue> = {
  monthsSinceRelational,
  transactionalShare90d,
  transactionalStreak,
  negativeSurveys180d,
  unansweredInbound90d,
  engagedFrequencyDrop,
  repeatContacts90d,
  complaints90d,
  renewalSoon,
  downgraded365d,
  renewedOrExpanded365d,
  churned,
};
const NAMES = Object.keys(FEATURES) as ChurnFeature[];
/** The churn features in the documented order. */
export const CHURN_FEATURE_NAMES: readonly ChurnFeature[] = Object.freeze([...NAMES]);

export function levelFor(p: number, c: HealthConfig): RiskLevel {
  return p >= c.churn.levels.high ? 'high' : p >= c.churn.levels.medium ? 'medium' : 'low';
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** A churn driver with its few words for sentences (stripped before it is shown). */
export interface RawChurnDriver extends Driver {
  short: say.Phrase;
}

export interface ChurnEvaluation {
  risk: ChurnRisk;
  features: ChurnFeatures;
  /** The shown drivers with their short words, in the order of `risk.drivers`. */
  drivers: RawChurnDriver[];
}

/**
 * p = 1 / (1 + exp(−(b0 + Σ bi·xi))). Drivers are the contributions bi·xi (log-odds) that move p by
 * at least explanations.minChurnShift: up to churn.topDrivers raising it, largest first, then those
 * lowering it.
 */
export function churnAt(p: Prepared, T: number, c: HealthConfig, explain: boolean): ChurnEvaluation {
  const features = {} as ChurnFeatures;
  const values: { feature: ChurnFeature; v: number; words?: () => FeatureWords | null }[] = [];
  let logit = c.churn.intercept;
  for (const name of NAMES) {
    const fv = FEATURES[name](p, T, c, explain);
    features[name] = fv.x;
    const v = (c.churn.coefficients[name] ?? 0) * fv.x;
    logit += v;
    if (v !== 0 && explain) values.push({ feature: name, v, words: fv.words });
  }
  const probability = round(sigmoid(logit), 4);
  const drivers: RawChurnDriver[] = [];
  if (explain) {
    const p0 = sigmoid(logit);
    const shown: (RawChurnDriver & { feature: ChurnFeature; v: number })[] = [];
    for (const { feature, v, words } of values) {
      const effect = round(v, 2);
      if (effect === 0 || !words || Math.abs(p0 - sigmoid(logit - v)) < c.explanations.minChurnShift) continue;
      const w = words();
      if (w !== null) shown.push({ feature, v, factor: w.factor, effect, eventIds: w.eventIds, short: w.short ?? say.singular(w.factor) });
    }
    shown.sort((a, b) => b.v - a.v || (a.feature < b.feature ? -1 : 1));
    const raising = shown.filter((d) => d.v > 0).slice(0, c.churn.topDrivers);
    const lowering = shown.filter((d) => d.v < 0).slice(-c.churn.topDrivers);
    for (const { factor, effect, eventIds, short } of [...raising, ...lowering]) drivers.push({ factor, effect, eventIds, short });
  }
  return { risk: { probability, level: levelFor(probability, c), drivers: drivers.map(({ factor, effect, eventIds }) => ({ factor, effect, eventIds })) }, features, drivers };
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return r === 0 ? 0 : r;
}
