import { churnAt, type RawChurnDriver } from './churn-features.js';
import type { HealthConfig } from './config.js';
import {
  churnedDriver,
  complaintsDriver,
  frequencyDriver,
  noDataDriver,
  outcomeDrivers,
  pulseDriver,
  qualityDriver,
  recencyDriver,
  repeatsDriver,
  streakDriver,
  surveyDrivers,
  unansweredDriver,
  type RawDriver,
} from './drivers.js';
import { countAtOrBefore, type Prepared } from './prepare.js';
import { lastRelationalAtOrBefore, touchpointsUpTo, unreversedChurnAtOrBefore } from './queries.js';
import type { Band, ChurnFeatures, ChurnRisk } from './types.js';

/** Health and churn at one moment, before the drivers are cut and worded for display (health.ts). */
export interface HealthAt {
  score: number;
  band: Band;
  /** Every driver, unrounded, in the documented order. */
  drivers: RawDriver[];
  /** baseline + Σ drivers, before the 0–100 clamp. */
  unclamped: number;
  churn: ChurnRisk;
  churnDrivers: RawChurnDriver[];
  features: ChurnFeatures;
  eventsConsidered: number;
  lastRelationalContactAt: string | null;
}

export function bandFor(score: number, c: HealthConfig): Band {
  return score >= c.bands.green ? 'green' : score >= c.bands.yellow ? 'yellow' : 'red';
}

const push = (list: RawDriver[], d: RawDriver | null) => {
  if (d !== null) list.push(d);
};

/** The drivers at `T` and baseline + Σ drivers (unclamped): what the score is made of. */
function driversAt(p: Prepared, T: number, c: HealthConfig, explain: boolean): { drivers: RawDriver[]; raw: number } {
  const drivers: RawDriver[] = [];
  push(drivers, noDataDriver(p, T));
  push(drivers, qualityDriver(p, T, c, explain));
  push(drivers, streakDriver(p, T, c, explain));
  push(drivers, recencyDriver(p, T, c, explain));
  push(drivers, frequencyDriver(p, T, c, explain));
  push(drivers, complaintsDriver(p, T, c, explain));
  push(drivers, repeatsDriver(p, T, c, explain));
  for (const d of surveyDrivers(p, T, c, explain)) drivers.push(d);
  push(drivers, unansweredDriver(p, T, c, explain));
  for (const d of outcomeDrivers(p, T, c, explain)) drivers.push(d);
  push(drivers, pulseDriver(p, T, c, explain));

  let raw = c.baseline;
  for (const d of drivers) raw += d.effect;
  const churned = churnedDriver(unreversedChurnAtOrBefore(p, T), raw, c, explain);
  if (churned !== null) {
    drivers.push(churned);
    raw += churned.effect;
  }
  return { drivers, raw };
}

const clampedScore = (raw: number) => Math.round(Math.min(100, Math.max(0, raw)));

/**
 * Health and churn at business time `T`: only items with occurredAt <= T count. Pure and
 * deterministic; `explain` = false computes effects only (history curves).
 *
 * score = round(clamp_0..100(baseline + Σ drivers)), the drivers in the order of the docs' table.
 */
export function healthAt(p: Prepared, T: number, c: HealthConfig, explain = true): HealthAt {
  const { drivers, raw } = driversAt(p, T, c, explain);
  const score = clampedScore(raw);
  const churn = churnAt(p, T, c, explain);
  const last = lastRelationalAtOrBefore(p, T);
  return {
    score,
    band: bandFor(score, c),
    drivers,
    unclamped: raw,
    churn: churn.risk,
    churnDrivers: churn.drivers,
    features: churn.features,
    eventsConsidered: touchpointsUpTo(p, T) + countAtOrBefore(p.outcomeTimes, T) + countAtOrBefore(p.factTimes, T) + countAtOrBefore(p.pulseTimes, T),
    lastRelationalContactAt: last >= 0 ? new Date(p.times[last]).toISOString() : null,
  };
}

/**
 * The score alone at `T`, as `healthAt(…).score` gives it: the trend's point 30 days back needs
 * no churn model, counts or wording, and skipping them is a share of every customer's evaluation.
 */
export function scoreAt(p: Prepared, T: number, c: HealthConfig): number {
  return clampedScore(driversAt(p, T, c, false).raw);
}
