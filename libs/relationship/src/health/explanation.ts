// From the drivers of one moment to what an account manager reads: the reasons that matter,
// largest first, and the notes that say what the list leaves out (docs/health-and-churn.md,
// "What is shown").
import type { HealthConfig } from './config.js';
import { round } from './churn-features.js';
import type { HealthAt } from './health-at.js';
import type { Driver, HealthNote } from './types.js';
import * as say from './wording.js';

type Shown = Driver & { short: say.Phrase };

const byMagnitude = (a: Driver, b: Driver) => Math.abs(b.effect) - Math.abs(a.effect) || (a.factor < b.factor ? -1 : a.factor > b.factor ? 1 : 0);
const strip = ({ factor, effect, eventIds }: Driver): Driver => ({ factor, effect, eventIds });

export interface Explanation {
  drivers: Driver[];
  notes: HealthNote[];
}

/**
 * Drivers rounded to 0.1 point; those under explanations.minEffect (except "no touchpoints yet"
 * and "churned") go into one `minor_factors` note, the 0–100 clamp into a `scale_limit` note, so
 * Σ drivers + Σ notes = score − baseline up to rounding.
 */
export function explainHealth(now: HealthAt, c: HealthConfig): Explanation {
  const shown: Shown[] = [];
  const minor: Driver[] = [];
  let minorSum = 0;
  for (const d of now.drivers) {
    const effect = round(d.effect, 1);
    if (d.keep || Math.abs(effect) >= c.explanations.minEffect) shown.push({ factor: d.factor, effect, eventIds: d.eventIds, short: d.short });
    else {
      minorSum += d.effect;
      if (effect !== 0) minor.push({ factor: d.factor, effect, eventIds: d.eventIds });
    }
  }
  shown.sort(byMagnitude);
  const notes: HealthNote[] = [];
  const clamped = Math.min(100, Math.max(0, now.unclamped));
  const limit = round(clamped - now.unclamped, 1);
  if (limit !== 0) notes.push({ kind: 'scale_limit', text: say.scaleLimit(round(now.unclamped, 1), c.baseline, clamped), effect: limit });
  const minorEffect = round(minorSum, 1);
  if (minorEffect !== 0) notes.push({ kind: 'minor_factors', text: say.minorFactors(minor.length, minorEffect, c.explanations.minEffect), effect: minorEffect, drivers: minor.sort(byMagnitude) });
  const disagreement = healthVsChurn(now, shown, c);
  if (disagreement !== null) notes.push({ kind: 'health_vs_churn', text: disagreement, effect: 0 });
  return { drivers: shown.map(strip), notes };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Why red health sits next to a low churn risk, or green next to a medium or high one (null when they agree). */
function healthVsChurn(now: HealthAt, shown: readonly Shown[], c: HealthConfig): string | null {
  const red = now.band === 'red';
  const reasons = shown
    .filter((d) => (red ? d.effect < 0 : d.effect > 0))
    .slice(0, c.explanations.healthVsChurnReasons)
    .map((d) => ({ phrase: d.short, effect: d.effect }));
  return say.healthVsChurn({
    band: now.band,
    level: now.churn.level,
    // Truncated, so a risk just under the medium line never reads as that line.
    probability: Math.floor(now.churn.probability * 100),
    base: round(sigmoid(c.churn.intercept) * 100, 1),
    mediumFrom: round(c.churn.levels.medium * 100, 1),
    healthReasons: reasons,
    churnRisers: now.churnDrivers.filter((d) => d.effect > 0).slice(0, 2).map((d) => d.short),
    churnHolders: now.churnDrivers.filter((d) => d.effect < 0).sort((a, b) => a.effect - b.effect).map((d) => d.short),
  });
}

/**
 * The note for a view as of `asOf` (knowledge time) when nothing of the customer had been recorded
 * by then; null when something had. `firstRecordedAt`: when the first event health counts was recorded.
 */
export function nothingRecordedNote(asOf: Date, firstRecordedAt: string | null): HealthNote | null {
  const first = firstRecordedAt === null ? null : Date.parse(firstRecordedAt);
  if (first !== null && !(first > asOf.getTime())) return null;
  return { kind: 'nothing_recorded_yet', text: say.nothingRecordedYet(asOf.getTime(), first), effect: 0, firstRecordedAt };
}
