import { DomainError, DomainErrorCode } from '../errors.js';
import type { ChurnFeatures } from './types.js';

/**
 * Every threshold and weight of the health and churn models. Effects are signed points added to
 * `baseline` (negative = towards distance). Documented in docs/health-and-churn.md.
 */
export interface HealthConfig {
  /** The neutral score: a customer with no evidence either way. */
  baseline: number;
  /** green ≥ bands.green, yellow ≥ bands.yellow, red below. */
  bands: { green: number; yellow: number };
  /** Half-life of a touchpoint's weight in the quality component and of survey/fact effects. */
  halfLifeDays: number;
  /** Touchpoints older than this no longer count towards quality or a streak. */
  windowDays: number;
  quality: { weight: number; saturation: number; neutralScore: number };
  recency: { freshDays: number; lostDays: number; freshBonus: number; lostPenalty: number; quietFactEffect: number };
  streak: { minRun: number; perContact: number; max: number };
  frequency: {
    recentDays: number;
    baselineDays: number;
    minBaselineSpanDays: number;
    /** Below this many engaged contacts a month a quiet month is noise, not a drop. */
    minBaselinePerMonth: number;
    /** A drop counts when the last recentDays held at most this share of the usual number … */
    maxDropRatio: number;
    /** … a rise when at least this multiple of it. */
    minRiseRatio: number;
    dropWeight: number;
    riseWeight: number;
  };
  complaints: { windowDays: number; perOpen: number; max: number; repeatDays: number; perRepeat: number; maxRepeat: number };
  surveys: {
    windowDays: number;
    npsDetractorMax: number;
    npsPromoterMin: number;
    csatLowMax: number;
    csatHighMin: number;
    cesHighMin: number;
    cesLowMax: number;
    negativeEffect: number;
    positiveEffect: number;
  };
  outcomes: { windowDays: number; halfLifeDays: number; renewed: number; expanded: number; downgraded: number; churnedCap: number };
  facts: { windowDays: number; perUnanswered: number; maxUnanswered: number };
  /**
   * The account manager's pulse: the latest one in `windowDays` adds weight·(score − 3)/2,
   * halving every halfLifeDays (a 1 is −weight fresh, a 5 +weight, a 3 nothing).
   */
  pulse: { weight: number; halfLifeDays: number; windowDays: number };
  churn: {
    intercept: number;
    coefficients: Record<keyof ChurnFeatures, number>;
    levels: { medium: number; high: number };
    renewalHorizonDays: number;
    topDrivers: number;
  };
  /** Drivers name at most this many events (the most influential ones). */
  maxEventIdsPerDriver: number;
  /** What is shown as a reason (docs/health-and-churn.md, "What is shown"). */
  explanations: {
    /** Health drivers under this many points (rounded to 0.1) are summed into one footnote, not listed. */
    minEffect: number;
    /** Churn drivers whose removal would move the probability by less than this are not listed. */
    minChurnShift: number;
    /** How many health drivers the note on health next to churn risk names. */
    healthVsChurnReasons: number;
  };
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

export const DEFAULT_HEALTH_CONFIG: HealthConfig = deepFreeze({
  baseline: 50,
  bands: { green: 70, yellow: 40 },
  halfLifeDays: 45,
  windowDays: 180,
  quality: { weight: 30, saturation: 2, neutralScore: 50 },
  recency: { freshDays: 14, lostDays: 90, freshBonus: 10, lostPenalty: -20, quietFactEffect: -2 },
  streak: { minRun: 3, perContact: -5, max: -15 },
  frequency: { recentDays: 30, baselineDays: 180, minBaselineSpanDays: 60, minBaselinePerMonth: 2, maxDropRatio: 0.5, minRiseRatio: 1.5, dropWeight: -15, riseWeight: 3 },
  complaints: { windowDays: 90, perOpen: -6, max: -18, repeatDays: 7, perRepeat: -3, maxRepeat: -12 },
  surveys: {
    windowDays: 180,
    npsDetractorMax: 6,
    npsPromoterMin: 9,
    csatLowMax: 2,
    csatHighMin: 4,
    cesHighMin: 5,
    cesLowMax: 2,
    negativeEffect: -8,
    positiveEffect: 4,
  },
  outcomes: { windowDays: 365, halfLifeDays: 180, renewed: 8, expanded: 10, downgraded: -10, churnedCap: 15 },
  facts: { windowDays: 90, perUnanswered: -5, maxUnanswered: -15 },
  pulse: { weight: 10, halfLifeDays: 30, windowDays: 90 },
  churn: {
    intercept: -3,
    coefficients: {
      monthsSinceRelational: 0.5,
      transactionalShare90d: 1.5,
      transactionalStreak: 0.25,
      negativeSurveys180d: 0.6,
      unansweredInbound90d: 0.4,
      engagedFrequencyDrop: 1.2,
      repeatContacts90d: 0.2,
      complaints90d: 0.3,
      renewalSoon: 0.8,
      downgraded365d: 1,
      renewedOrExpanded365d: -1,
      churned: 8,
    },
    levels: { medium: 0.25, high: 0.5 },
    renewalHorizonDays: 90,
    topDrivers: 5,
  },
  maxEventIdsPerDriver: 10,
  explanations: { minEffect: 1, minChurnShift: 0.01, healthVsChurnReasons: 2 },
} satisfies HealthConfig);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Deep merge that only accepts keys the defaults know, so a typo fails loudly instead of being ignored.
function merge(base: unknown, over: unknown, path: string): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base)) {
    if (!isPlainObject(over)) throw invalid(`${path || 'config'} must be an object`);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(over)) {
      if (!(key in base)) throw invalid(`unknown health config key ${path ? `${path}.` : ''}${key}`);
    }
    for (const key of Object.keys(base)) out[key] = merge(base[key], over[key], path ? `${path}.${key}` : key);
    return out;
  }
  if (typeof over !== 'number' || !Number.isFinite(over)) throw invalid(`${path} must be a finite number`);
  return over;
}

function invalid(message: string): DomainError {
  return new DomainError(DomainErrorCode.InvalidRules, message);
}

/** Deep-merges `overrides` onto the defaults and validates the result; throws DomainError(invalid_rules). */
export function healthConfig(overrides?: unknown): HealthConfig {
  const c = merge(DEFAULT_HEALTH_CONFIG, overrides ?? {}, '') as HealthConfig;
  const positive: [string, number][] = [
    ['halfLifeDays', c.halfLifeDays],
    ['windowDays', c.windowDays],
    ['quality.saturation', c.quality.saturation],
    ['recency.freshDays', c.recency.freshDays],
    ['frequency.recentDays', c.frequency.recentDays],
    ['frequency.baselineDays', c.frequency.baselineDays],
    ['frequency.minBaselinePerMonth', c.frequency.minBaselinePerMonth],
    ['complaints.windowDays', c.complaints.windowDays],
    ['surveys.windowDays', c.surveys.windowDays],
    ['outcomes.windowDays', c.outcomes.windowDays],
    ['outcomes.halfLifeDays', c.outcomes.halfLifeDays],
    ['facts.windowDays', c.facts.windowDays],
    ['pulse.halfLifeDays', c.pulse.halfLifeDays],
    ['pulse.windowDays', c.pulse.windowDays],
    ['churn.renewalHorizonDays', c.churn.renewalHorizonDays],
  ];
  for (const [name, v] of positive) if (!(v > 0)) throw invalid(`${name} must be > 0`);
  if (!(c.bands.yellow < c.bands.green)) throw invalid('bands.yellow must be below bands.green');
  if (c.bands.yellow < 0 || c.bands.green > 100) throw invalid('bands must lie within 0–100');
  if (c.baseline < 0 || c.baseline > 100) throw invalid('baseline must lie within 0–100');
  if (!(c.recency.lostDays > c.recency.freshDays)) throw invalid('recency.lostDays must exceed recency.freshDays');
  if (c.quality.neutralScore <= 0 || c.quality.neutralScore >= 100) throw invalid('quality.neutralScore must lie strictly within 0–100');
  if (!(c.churn.levels.medium < c.churn.levels.high) || c.churn.levels.medium <= 0 || c.churn.levels.high >= 1) {
    throw invalid('churn.levels must satisfy 0 < medium < high < 1');
  }
  if (!(c.frequency.maxDropRatio > 0 && c.frequency.maxDropRatio < 1)) throw invalid('frequency.maxDropRatio must lie strictly within 0–1');
  if (!(c.frequency.minRiseRatio > 1)) throw invalid('frequency.minRiseRatio must exceed 1');
  if (c.explanations.minEffect < 0) throw invalid('explanations.minEffect must be ≥ 0');
  if (!(c.explanations.minChurnShift >= 0 && c.explanations.minChurnShift < 1)) throw invalid('explanations.minChurnShift must lie within 0–1');
  if (c.explanations.healthVsChurnReasons < 0) throw invalid('explanations.healthVsChurnReasons must be ≥ 0');
  if (c.pulse.weight < 0) throw invalid('pulse.weight must be ≥ 0 (a low pulse lowers the score, a high one raises it)');
  if (c.streak.minRun < 1) throw invalid('streak.minRun must be ≥ 1');
  if (c.maxEventIdsPerDriver < 1) throw invalid('maxEventIdsPerDriver must be ≥ 1');
  return c;
}

/**
 * The version of the health model: its drivers, their words and the defaults above. Bump it
 * when any of them changes; a worker that finds read models built by another version rebuilds
 * them, so the stored drivers are what a rebuild would write.
 */
export const HEALTH_MODEL_VERSION = 'health-5';
