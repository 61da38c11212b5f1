import { DEFAULT_HEALTH_CONFIG, type HealthConfig } from './config.js';
import { explainHealth } from './explanation.js';
import { bandFor, healthAt, scoreAt } from './health-at.js';
import { DAY_MS, prepare } from './prepare.js';
import type { Band, ChurnFeatures, HealthHistoryPoint, HealthInput, HealthView } from './types.js';

const TREND_DAYS = 30;

function timeOf(d: Date, name: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a valid date`);
  return t;
}

export function bandOf(score: number, config: HealthConfig = DEFAULT_HEALTH_CONFIG): Band {
  return bandFor(score, config);
}

/** Health at `at` in business time: only items with occurredAt <= at count; deterministic. */
export function computeHealth(input: HealthInput, at: Date, config: HealthConfig = DEFAULT_HEALTH_CONFIG): HealthView {
  const T = timeOf(at, 'at');
  const prepared = prepare(input, config);
  const now = healthAt(prepared, T, config, true);
  const { drivers, notes } = explainHealth(now, config);
  return {
    at: new Date(T).toISOString(),
    score: now.score,
    band: now.band,
    trend30d: now.score - scoreAt(prepared, T - TREND_DAYS * DAY_MS, config),
    drivers,
    notes,
    churnRisk: now.churn,
    eventsConsidered: now.eventsConsidered,
    lastRelationalContactAt: now.lastRelationalContactAt,
  };
}

/** Points from `from` to `to` inclusive every day or week (UTC midnights), each = computeHealth at that point. */
export function healthHistory(
  input: HealthInput,
  from: Date,
  to: Date,
  step: 'day' | 'week',
  config: HealthConfig = DEFAULT_HEALTH_CONFIG,
): HealthHistoryPoint[] {
  const start = Math.ceil(timeOf(from, 'from') / DAY_MS) * DAY_MS;
  const end = timeOf(to, 'to');
  const stride = (step === 'week' ? 7 : 1) * DAY_MS;
  if (step !== 'day' && step !== 'week') throw new RangeError('step must be day or week');
  const prepared = prepare(input, config);
  const points: HealthHistoryPoint[] = [];
  for (let t = start; t <= end; t += stride) {
    const e = healthAt(prepared, t, config, false);
    points.push({ at: new Date(t).toISOString(), score: e.score, band: e.band, churnRisk: e.churn.probability });
  }
  return points;
}

/** What the churn model sees at one moment, and what health says then (a backtest's row). */
export interface ChurnAssessment {
  score: number;
  band: Band;
  features: ChurnFeatures;
  /** The probability under `config`'s coefficients. */
  probability: number;
}

/**
 * The churn features at `at` in business time, from the same preparation and feature functions
 * as `computeHealth`: a backtest scores the model on exactly what the product would have shown.
 */
export function churnAssessment(input: HealthInput, at: Date, config: HealthConfig = DEFAULT_HEALTH_CONFIG): ChurnAssessment {
  const e = healthAt(prepare(input, config), timeOf(at, 'at'), config, false);
  return { score: e.score, band: e.band, features: e.features, probability: e.churn.probability };
}
