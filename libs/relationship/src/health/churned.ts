import type { HealthOutcome } from './types.js';

/**
 * When the customer left, if they have: the time of their latest outcome (business time) when
 * that outcome is `churned`; null when they never churned or a later outcome (renewed, expanded,
 * downgraded) says they are a customer again. The portfolio sorts such customers after the live
 * ones and the follow-ups raise no retention task for them.
 */
export function churnedAt(outcomes: readonly HealthOutcome[]): string | null {
  let latest: HealthOutcome | undefined;
  // The later in business time wins; of two at the same time, the one recorded later.
  // An outcome without a readable time is left out (it would otherwise win or lose every comparison).
  for (const o of outcomes) {
    if (!Number.isFinite(Date.parse(o.occurredAt))) continue;
    if (!latest || Date.parse(o.occurredAt) >= Date.parse(latest.occurredAt)) latest = o;
  }
  return latest?.outcome === 'churned' ? latest.occurredAt : null;
}
