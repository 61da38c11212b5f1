import { occurredMsOf, type ScoredTouchpoint } from '../touchpoint.js';

const DAY_MS = 86_400_000;

/**
 * The one definition of "the last relational contact" that health drivers, churn features,
 * silence facts and follow-up texts all quote: the latest touchpoint scored `relational` that
 * occurred at or before `atMs` (business time). Undefined when there is none.
 */
export function lastRelationalContact(touchpoints: readonly ScoredTouchpoint[], atMs: number): ScoredTouchpoint | undefined {
  let best: ScoredTouchpoint | undefined;
  let bestMs = -Infinity;
  for (const tp of touchpoints) {
    if (tp?.relational?.class !== 'relational') continue;
    const t = occurredMsOf(tp);
    if (!Number.isFinite(t) || t > atMs) continue;
    if (t > bestMs || (t === bestMs && best !== undefined && tp.eventId > best.eventId)) {
      best = tp;
      bestMs = t;
    }
  }
  return best;
}

/** Whole days from `fromMs` to `toMs`, rounded down (never negative): the number every sentence quotes. */
export function wholeDaysBetween(fromMs: number, toMs: number): number {
  return Math.max(0, Math.floor((toMs - fromMs) / DAY_MS));
}
