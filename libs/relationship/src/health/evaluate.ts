import type { HealthConfig } from './config.js';
import { COMPLAINT, countAtOrBefore, DAY_MS, ENGAGED, RELATIONAL, REPEAT, SURVEY_NEGATIVE, SURVEY_POSITIVE, TRANSACTIONAL, type Prepared } from './prepare.js';
import type { Band, ChurnFeature, ChurnFeatures, ChurnRisk, Driver, RiskLevel } from './types.js';

export interface Evaluation {
  score: number;
  band: Band;
  /** Unrounded drivers (filtered and rounded by the caller that shows them). */
  drivers: RawDriver[];
  churn: ChurnRisk;
  features: ChurnFeatures;
  eventsConsidered: number;
  lastRelationalContactAt: string | null;
}

interface RawDriver extends Driver {
  /** Shown even when its effect rounds to 0 (e.g. "no touchpoints yet"). */
  keep?: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12 Oct 2026" in UTC, independent of the host's locale data. */
export function formatDay(t: number): string {
  const d = new Date(t);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const decay = (ageMs: number, halfLifeDays: number) => Math.pow(0.5, ageMs / DAY_MS / halfLifeDays);

export function bandFor(score: number, c: HealthConfig): Band {
  return score >= c.bands.green ? 'green' : score >= c.bands.yellow ? 'yellow' : 'red';
}

export function levelFor(p: number, c: HealthConfig): RiskLevel {
  return p >= c.churn.levels.high ? 'high' : p >= c.churn.levels.medium ? 'medium' : 'low';
}

/** Most recent first, capped: the events a reader should look at first (`items`: touchpoint indexes, ascending). */
function recentIds(p: Prepared, items: readonly number[], max: number): string[] {
  const out: string[] = [];
  for (let k = items.length - 1; k >= 0 && out.length < max; k--) out.push(p.ids[items[k]]);
  return out;
}

/** Most recent first, capped: touchpoints from..to-1 with any of `mask`'s flags (all when 0). */
function recentIdsIn(p: Prepared, from: number, to: number, max: number, mask = 0): string[] {
  const out: string[] = [];
  for (let i = to - 1; i >= from && out.length < max; i--) if (mask === 0 || p.flags[i] & mask) out.push(p.ids[i]);
  return out;
}

/** Whether any of from..to-1 has one of `mask`'s flags. */
function anyIn(p: Prepared, from: number, to: number, mask: number): boolean {
  for (let i = from; i < to; i++) if (p.flags[i] & mask) return true;
  return false;
}

/**
 * Health and churn at business time `T`: only items with occurredAt <= T count. Pure and
 * deterministic; `explain` = false skips the work only drivers need (history curves).
 */
export function evaluate(p: Prepared, T: number, c: HealthConfig, explain = true): Evaluation {
  const drivers: RawDriver[] = [];
  const maxIds = c.maxEventIdsPerDriver;
  const { times, scores, flags } = p;
  const n = countAtOrBefore(p.times, T);
  const since = (days: number) => countAtOrBefore(p.times, T - days * DAY_MS);
  const nOutcomes = countAtOrBefore(p.outcomeTimes, T);
  const nFacts = countAtOrBefore(p.factTimes, T);

  const features: ChurnFeatures = {
    monthsSinceRelational: 0,
    transactionalShare90d: 0,
    transactionalStreak: 0,
    negativeSurveys180d: 0,
    unansweredInbound90d: 0,
    engagedFrequencyDrop: 0,
    repeatContacts90d: 0,
    complaints90d: 0,
    renewalSoon: 0,
    downgraded365d: 0,
    renewedOrExpanded365d: 0,
    churned: 0,
  };
  const churnIds: Partial<Record<ChurnFeature, string[]>> = {};
  const churnText: Partial<Record<ChurnFeature, string>> = {};
  let lastRelationalContactAt: string | null = null;

  if (n === 0) {
    drivers.push({ factor: 'no touchpoints yet: neutral score', effect: 0, eventIds: [], keep: true });
  } else {
    const windowStart = since(c.windowDays);

    // Quality: decayed balance of relational quality around neutral. A sum (not an average), so more
    // evidence moves the score further, a transactional contact never lifts it, and tanh bounds it.
    let balance = 0;
    let weightSum = 0;
    let weightedScore = 0;
    let relCount = 0;
    let transCount = 0;
    const contrib: { id: string; v: number }[] = [];
    const span = 100 - c.quality.neutralScore;
    for (let i = windowStart; i < n; i++) {
      const score = scores[i];
      const w = decay(T - times[i], c.halfLifeDays);
      const centred = score >= c.quality.neutralScore ? (score - c.quality.neutralScore) / span : (score - c.quality.neutralScore) / c.quality.neutralScore;
      balance += w * centred;
      weightSum += w;
      weightedScore += w * score;
      if (flags[i] & RELATIONAL) relCount++;
      if (flags[i] & TRANSACTIONAL) transCount++;
      if (explain) contrib.push({ id: p.ids[i], v: w * centred });
    }
    const inWindow = n - windowStart;
    if (inWindow > 0) {
      const effect = c.quality.weight * Math.tanh(balance / c.quality.saturation);
      const sign = Math.sign(effect);
      const ids = explain
        ? contrib
            .filter((x) => Math.sign(x.v) === sign && x.v !== 0)
            .sort((a, b) => Math.abs(b.v) - Math.abs(a.v) || (a.id < b.id ? -1 : 1))
            .slice(0, maxIds)
            .map((x) => x.id)
        : [];
      const lean = effect >= 0 ? 'relational' : 'transactional';
      drivers.push({
        factor: `recent contacts lean ${lean}: ${relCount} relational, ${transCount} transactional of ${inWindow} in ${c.windowDays} days (decayed quality ${Math.round(weightedScore / weightSum)}/100)`,
        effect,
        eventIds: ids,
      });
    }

    // Streak: the trailing run of transactional contacts ("3 transactional contacts in a row").
    let j = n - 1;
    while (j >= windowStart && flags[j] & TRANSACTIONAL) j--;
    const run = n - 1 - j;
    features.transactionalStreak = Math.min(run, 10);
    if (run > 0) {
      const runIds = recentIdsIn(p, j + 1, n, maxIds);
      churnIds.transactionalStreak = runIds;
      churnText.transactionalStreak = `${plural(run, 'transactional contact')} in a row`;
      if (run >= c.streak.minRun) {
        const effect = Math.max(c.streak.max, c.streak.perContact * (run - c.streak.minRun + 1));
        drivers.push({ factor: `${plural(run, 'transactional contact')} in a row`, effect, eventIds: runIds });
      }
    }

    // Recency of the last relational contact; with none on record, silence since the first touchpoint.
    const li = p.lastRel[n - 1];
    const fromT = li >= 0 ? times[li] : times[0];
    const days = (T - fromT) / DAY_MS;
    const wholeDays = Math.floor(days);
    if (li >= 0) lastRelationalContactAt = new Date(times[li]).toISOString();
    const r = c.recency;
    let recencyEffect =
      days <= r.freshDays ? r.freshBonus * (1 - days / r.freshDays) : days >= r.lostDays ? r.lostPenalty : (r.lostPenalty * (days - r.freshDays)) / (r.lostDays - r.freshDays);
    const recencyIds = li >= 0 ? [p.ids[li]] : [];
    // A recorded silence still current (no relational contact since it was found) adds its own weight.
    let quietId: string | null = null;
    for (let k = nFacts - 1; k >= 0; k--) {
      const f = p.facts[k];
      if (f.type !== 'RelationshipWentQuiet') continue;
      if (li < 0 || f.t > times[li]) quietId = f.id;
      break;
    }
    let recencyFactor =
      li < 0
        ? `no relational contact in ${plural(wholeDays, 'day')} on record`
        : days <= r.freshDays
          ? `relational contact ${wholeDays === 0 ? 'today' : `${plural(wholeDays, 'day')} ago`}`
          : `no relational contact for ${plural(wholeDays, 'day')}`;
    if (quietId) {
      recencyEffect += r.quietFactEffect;
      recencyIds.push(quietId);
      recencyFactor += ' (silence recorded)';
    }
    drivers.push({ factor: recencyFactor, effect: recencyEffect, eventIds: recencyIds });
    features.monthsSinceRelational = Math.min(Math.max(days, 0), 180) / 30;
    churnIds.monthsSinceRelational = recencyIds;
    churnText.monthsSinceRelational = li < 0 ? `no relational contact in ${plural(wholeDays, 'day')} on record` : `no relational contact for ${plural(wholeDays, 'day')}`;

    // Frequency of engaged (non-transactional) contact against the customer's own baseline rate;
    // bot and broadcast volume is not engagement, so it neither hides a drop nor fakes a rise.
    const f = c.frequency;
    const recentStart = since(f.recentDays);
    const recent = p.engagedPrefix[n] - p.engagedPrefix[recentStart];
    const baseEnd = T - f.recentDays * DAY_MS;
    const baseStartIdx = since(f.recentDays + f.baselineDays);
    const baseCount = p.engagedPrefix[recentStart] - p.engagedPrefix[baseStartIdx];
    if (p.firstEngaged >= 0 && p.firstEngaged < n) {
      const spanStart = Math.max(baseEnd - f.baselineDays * DAY_MS, times[p.firstEngaged]);
      const spanDays = (baseEnd - spanStart) / DAY_MS;
      const rate = spanDays > 0 ? baseCount / (spanDays / 30) : 0;
      if (spanDays >= f.minBaselineSpanDays && rate >= f.minBaselinePerMonth) {
        const ratio = recent / rate;
        const ids = !explain ? [] : anyIn(p, recentStart, n, ENGAGED) ? recentIdsIn(p, recentStart, n, maxIds, ENGAGED) : recentIdsIn(p, baseStartIdx, recentStart, 1, ENGAGED);
        const what = `${recent} engaged ${recent === 1 ? 'contact' : 'contacts'} in the last ${f.recentDays} days vs ${rate.toFixed(1)} a month before`;
        if (ratio < 1) {
          features.engagedFrequencyDrop = 1 - ratio;
          churnIds.engagedFrequencyDrop = ids;
          churnText.engagedFrequencyDrop = `contact frequency down ${Math.round((1 - ratio) * 100)}% against the customer's own baseline`;
          drivers.push({ factor: `fewer contacts than usual: ${what}`, effect: f.dropWeight * (1 - ratio), eventIds: ids });
        } else if (ratio > 1) {
          drivers.push({ factor: `more contacts than usual: ${what}`, effect: f.riseWeight * Math.min(ratio - 1, 1), eventIds: ids });
        }
      }
    }

    // Transactional share in 90 days (churn feature only).
    const start90 = since(90);
    const total90 = n - start90;
    if (total90 > 0) {
      const trans90 = p.transPrefix[n] - p.transPrefix[start90];
      features.transactionalShare90d = trans90 / total90;
      if (explain && trans90 > 0) {
        churnIds.transactionalShare90d = recentIdsIn(p, start90, n, maxIds, TRANSACTIONAL);
        churnText.transactionalShare90d = `${Math.round((trans90 / total90) * 100)}% of contacts in 90 days were transactional (${trans90} of ${total90})`;
      }
    }

    // Complaints still open at T, and repeat contacts about the same topic.
    const cw = since(c.complaints.windowDays);
    const open: number[] = [];
    const repeats: number[] = [];
    for (let i = cw; i < n; i++) {
      if (flags[i] & COMPLAINT && p.closedAt[i] > T) open.push(i);
      if (flags[i] & REPEAT) repeats.push(i);
    }
    if (open.length > 0) {
      drivers.push({
        factor: `${plural(open.length, 'open complaint')} (unresolved support ticket or return)`,
        effect: Math.max(c.complaints.max, c.complaints.perOpen * open.length),
        eventIds: recentIds(p, open, maxIds),
      });
    }
    if (repeats.length > 0) {
      drivers.push({
        factor: `${plural(repeats.length, 'repeat contact')} about the same topic in ${c.complaints.windowDays} days`,
        effect: Math.max(c.complaints.maxRepeat, c.complaints.perRepeat * repeats.length),
        eventIds: recentIds(p, repeats, maxIds),
      });
    }
    // Churn windows are fixed at 90 days so the coefficients keep their documented meaning.
    const rep90: number[] = [];
    const comp90: number[] = [];
    for (let i = start90; i < n; i++) {
      if (flags[i] & REPEAT) rep90.push(i);
      if (flags[i] & COMPLAINT) comp90.push(i);
    }
    features.repeatContacts90d = Math.min(rep90.length, 10);
    features.complaints90d = Math.min(comp90.length, 5);
    if (rep90.length) {
      churnIds.repeatContacts90d = recentIds(p, rep90, maxIds);
      churnText.repeatContacts90d = `${plural(rep90.length, 'repeat contact')} about the same topic in 90 days`;
    }
    if (comp90.length) {
      churnIds.complaints90d = recentIds(p, comp90, maxIds);
      churnText.complaints90d = `${plural(comp90.length, 'complaint')} raised in 90 days`;
    }

    // Surveys: each negative answer is its own driver ("detractor NPS on 12 Oct"); positives grouped.
    const sw = since(c.surveys.windowDays);
    const positives: number[] = [];
    let positiveEffect = 0;
    const negatives180: number[] = [];
    const s180 = since(180);
    for (let i = Math.min(sw, s180); i < n; i++) {
      const negative = (flags[i] & SURVEY_NEGATIVE) !== 0;
      if (i >= s180 && negative) negatives180.push(i);
      if (i < sw || !(flags[i] & (SURVEY_NEGATIVE | SURVEY_POSITIVE))) continue;
      const w = decay(T - times[i], c.halfLifeDays);
      if (negative) {
        drivers.push({ factor: `${p.surveyLabels[i]} on ${formatDay(times[i])}`, effect: c.surveys.negativeEffect * w, eventIds: [p.ids[i]] });
      } else {
        positives.push(i);
        positiveEffect += c.surveys.positiveEffect * w;
      }
    }
    if (positives.length > 0) {
      const label = positives.length === 1 ? p.surveyLabels[positives[0]] : `${positives.length} positive survey answers`;
      drivers.push({ factor: `${label} (latest ${formatDay(times[positives[positives.length - 1]])})`, effect: positiveEffect, eventIds: recentIds(p, positives, maxIds) });
    }
    features.negativeSurveys180d = Math.min(negatives180.length, 5);
    if (negatives180.length) {
      churnIds.negativeSurveys180d = recentIds(p, negatives180, maxIds);
      churnText.negativeSurveys180d = `${plural(negatives180.length, 'negative survey answer')} in 180 days`;
    }
  }

  // Facts found by the scheduled checks: inbound messages nobody answered in time.
  {
    const unanswered: { id: string; t: number; touchpointId: string | null }[] = [];
    const unanswered90: string[] = [];
    let effect = 0;
    for (let k = 0; k < nFacts; k++) {
      const f = p.facts[k];
      if (f.type !== 'InboundMessageWentUnanswered') continue;
      const age = T - f.t;
      if (age <= 90 * DAY_MS) unanswered90.push(f.id);
      if (age > c.facts.windowDays * DAY_MS) continue;
      unanswered.push(f);
      effect += c.facts.perUnanswered * decay(age, c.halfLifeDays);
    }
    const ids = (list: { id: string; touchpointId: string | null }[]) => {
      const out: string[] = [];
      for (let i = list.length - 1; i >= 0 && out.length < maxIds; i--) {
        out.push(list[i].id);
        const tpId = list[i].touchpointId;
        if (tpId && p.tpIds.has(tpId) && out.length < maxIds && !out.includes(tpId)) out.push(tpId);
      }
      return out;
    };
    if (unanswered.length > 0) {
      drivers.push({
        factor: `${plural(unanswered.length, 'inbound message')} left unanswered past the SLA`,
        effect: Math.max(c.facts.maxUnanswered, effect),
        eventIds: ids(unanswered),
      });
    }
    features.unansweredInbound90d = Math.min(unanswered90.length, 5);
    if (unanswered90.length) {
      churnIds.unansweredInbound90d = unanswered90.slice(-maxIds).reverse();
      churnText.unansweredInbound90d = `${plural(unanswered90.length, 'inbound message')} left unanswered in 90 days`;
    }
  }

  // Outcomes: renewals and expansions lift, downgrades drag (decaying); an unreversed churn caps the score.
  let churnedOutcome: { id: string; t: number } | null = null;
  {
    const o = c.outcomes;
    const downgrades: string[] = [];
    const wins: string[] = [];
    for (let k = 0; k < nOutcomes; k++) {
      const out = p.outcomes[k];
      const age = T - out.t;
      if (out.outcome === 'churned') churnedOutcome = { id: out.id, t: out.t };
      else if (out.outcome === 'renewed' || out.outcome === 'expanded') churnedOutcome = null;
      if (age > 365 * DAY_MS) continue;
      if (out.outcome === 'downgraded') downgrades.push(out.id);
      if (out.outcome === 'renewed' || out.outcome === 'expanded') wins.push(out.id);
      if (age > o.windowDays * DAY_MS || out.outcome === 'churned') continue;
      const value = out.outcome === 'renewed' ? o.renewed : out.outcome === 'expanded' ? o.expanded : out.outcome === 'downgraded' ? o.downgraded : 0;
      if (value !== 0) drivers.push({ factor: `${out.outcome} on ${formatDay(out.t)}`, effect: value * decay(age, o.halfLifeDays), eventIds: [out.id] });
    }
    features.downgraded365d = downgrades.length > 0 ? 1 : 0;
    features.renewedOrExpanded365d = wins.length > 0 ? 1 : 0;
    if (downgrades.length) {
      churnIds.downgraded365d = downgrades.slice(-maxIds).reverse();
      churnText.downgraded365d = 'downgraded in the last 365 days';
    }
    if (churnedOutcome) {
      features.churned = 1;
      churnIds.churned = [churnedOutcome.id];
      churnText.churned = `churned on ${formatDay(churnedOutcome.t)}`;
    }
  }

  if (p.renewalT !== null && p.renewalT >= T) {
    const horizon = c.churn.renewalHorizonDays * DAY_MS;
    const until = p.renewalT - T;
    if (until < horizon) {
      features.renewalSoon = 1 - until / horizon;
      churnIds.renewalSoon = [];
      churnText.renewalSoon = `renewal in ${plural(Math.ceil(until / DAY_MS), 'day')} (${formatDay(p.renewalT)})`;
    }
  }

  // Score = baseline + Σ effects; the churn cap and the 0–100 clamp are drivers too, so effects always add up.
  let raw = c.baseline;
  for (const d of drivers) raw += d.effect;
  if (churnedOutcome) {
    const capped = Math.min(raw, c.outcomes.churnedCap);
    drivers.push({ factor: `churned on ${formatDay(churnedOutcome.t)}`, effect: capped - raw, eventIds: [churnedOutcome.id], keep: true });
    raw = capped;
  }
  const clamped = Math.min(100, Math.max(0, raw));
  if (clamped !== raw) {
    drivers.push({ factor: `score limited to the 0–100 scale`, effect: clamped - raw, eventIds: [] });
    raw = clamped;
  }
  const score = Math.round(raw);

  return {
    score,
    band: bandFor(score, c),
    drivers,
    churn: churnRisk(features, churnIds, churnText, c, explain),
    features,
    eventsConsidered: n + nOutcomes + nFacts,
    lastRelationalContactAt,
  };
}

function churnRisk(
  x: ChurnFeatures,
  ids: Partial<Record<ChurnFeature, string[]>>,
  text: Partial<Record<ChurnFeature, string>>,
  c: HealthConfig,
  explain: boolean,
): ChurnRisk {
  let logit = c.churn.intercept;
  const contributions: { feature: ChurnFeature; v: number }[] = [];
  for (const feature of Object.keys(x) as ChurnFeature[]) {
    const v = (c.churn.coefficients[feature] ?? 0) * x[feature];
    logit += v;
    if (v > 0) contributions.push({ feature, v });
  }
  const probability = round(1 / (1 + Math.exp(-logit)), 4);
  const drivers: Driver[] = explain
    ? contributions
        .sort((a, b) => b.v - a.v || (a.feature < b.feature ? -1 : 1))
        .slice(0, c.churn.topDrivers)
        .map(({ feature, v }) => ({ factor: text[feature] ?? feature, effect: round(v, 2), eventIds: ids[feature] ?? [] }))
        .filter((d) => d.effect !== 0)
    : [];
  return { probability, level: levelFor(probability, c), drivers };
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return r === 0 ? 0 : r;
}
