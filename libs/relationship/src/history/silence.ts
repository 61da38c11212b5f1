import type { InboundMessageWentUnanswered, RelationshipWentQuiet } from '../events.js';
import { findUnansweredInbound } from '../scoring/index.js';
import type { CustomerFold, FoldEvent } from './fold.js';
import { lastRelationalContact, wholeDaysBetween } from './relational-contact.js';

export type SilenceFact = { id: string; type: InboundMessageWentUnanswered['type']; data: InboundMessageWentUnanswered['data'] } | { id: string; type: RelationshipWentQuiet['type']; data: RelationshipWentQuiet['data'] };

/** Makes a fact's id from its natural key (the worker passes its deterministic, name-based id). */
export type FactId = (...parts: string[]) => string;

/** Parses "30,60,90" into sorted positive day thresholds. */
export function quietThresholds(spec: string): number[] {
  return [...new Set(spec.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0))].sort((a, b) => a - b);
}

/**
 * The facts that the passage of time alone makes true for one customer at `now`: each inbound
 * message past its reply SLA, and the relationship gone quiet past each threshold since the last
 * relational contact. Ids come from natural keys (per touchpoint; per last relational touchpoint
 * and threshold step), so a re-run finds the same ids and records nothing twice.
 */
export function silenceFacts(customerId: string, events: readonly FoldEvent[], fold: CustomerFold, now: Date, thresholds: readonly number[], idOf: FactId): SilenceFact[] {
  const observedAt = now.toISOString();
  const known = new Set(events.map((e) => e.id));
  const out: SilenceFact[] = [];
  for (const u of findUnansweredInbound(fold.input.touchpoints.map((t) => t.touchpoint), now)) {
    const id = idOf('unanswered', u.touchpoint.id);
    if (known.has(id)) continue;
    out.push({
      id,
      type: 'InboundMessageWentUnanswered',
      data: { customerId, touchpointId: u.touchpoint.id, hoursUnanswered: Math.floor(u.hoursUnanswered), slaHours: u.slaHours, observedAt },
    });
  }
  if (!fold.customer || thresholds.length === 0) return out;
  // Without a relational contact, silence counts from the first touchpoint, as the health recency
  // driver does (so the fact and the driver quote one number); without any touchpoint, from the
  // customer's first event.
  const last = lastRelationalContact(fold.input.touchpoints, now.getTime());
  const firstContacts = fold.input.touchpoints.map((t) => Date.parse(t.touchpoint.occurredAt)).filter(Number.isFinite);
  const since = last
    ? Date.parse(last.touchpoint.occurredAt)
    : firstContacts.length > 0
      ? Math.min(...firstContacts)
      : Math.min(...events.map((e) => new Date(e.recordedAt).getTime()));
  const days = wholeDaysBetween(since, now.getTime());
  const step = [...thresholds].reverse().find((t) => days >= t);
  if (step !== undefined) {
    const id = idOf('quiet', customerId, last?.eventId ?? 'none', String(step));
    if (!known.has(id)) out.push({ id, type: 'RelationshipWentQuiet', data: { customerId, daysSinceRelational: days, lastRelationalTouchpointId: last?.eventId ?? null, observedAt } });
  }
  return out;
}
