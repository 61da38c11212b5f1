import { DEFAULT_HEALTH_CONFIG, type HealthConfig } from './config.js';
import { bandFor, evaluate, round } from './evaluate.js';
import { DAY_MS, prepare } from './prepare.js';
import type { Band, Driver, HealthHistoryPoint, HealthInput, HealthView } from './types.js';

const TREND_DAYS = 30;

function timeOf(d: Date, name: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a valid date`);
  return t;
}

/** Shown drivers: effects rounded to 0.1 point, zero effects dropped, sorted by |effect| desc. */
function present(drivers: (Driver & { keep?: boolean })[]): Driver[] {
  return drivers
    .map((d) => ({ factor: d.factor, effect: round(d.effect, 1), eventIds: d.eventIds, keep: d.keep }))
    .filter((d) => d.effect !== 0 || d.keep)
    .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || (a.factor < b.factor ? -1 : a.factor > b.factor ? 1 : 0))
    .map(({ factor, effect, eventIds }) => ({ factor, effect, eventIds }));
}

export function bandOf(score: number, config: HealthConfig = DEFAULT_HEALTH_CONFIG): Band {
  return bandFor(score, config);
}

/** Health at `at` in business time: only items with occurredAt <= at count; deterministic. */
export function computeHealth(input: HealthInput, at: Date, config: HealthConfig = DEFAULT_HEALTH_CONFIG): HealthView {
  const T = timeOf(at, 'at');
  const prepared = prepare(input, config);
  const now = evaluate(prepared, T, config, true);
  const before = evaluate(prepared, T - TREND_DAYS * DAY_MS, config, false);
  return {
    at: new Date(T).toISOString(),
    score: now.score,
    band: now.band,
    trend30d: now.score - before.score,
    drivers: present(now.drivers),
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
    const e = evaluate(prepared, t, config, false);
    points.push({ at: new Date(t).toISOString(), score: e.score, band: e.band, churnRisk: e.churn.probability });
  }
  return points;
}
