import { deterministicId } from '../../../../../libs/shared/src/clock.js';
import {
  findUnansweredInbound,
  type CustomerFold,
  type FoldEvent,
  type InboundMessageWentUnanswered,
  type RelationshipWentQuiet,
} from '../../../../../libs/relationship/src/index.js';

const DAY_MS = 86_400_000;

export type SilenceFact = { id: string; type: InboundMessageWentUnanswered['type']; data: InboundMessageWentUnanswered['data'] } | { id: string; type: RelationshipWentQuiet['type']; data: RelationshipWentQuiet['data'] };

/** Parses "30,60,90" into sorted positive day thresholds. */
export function quietThresholds(spec: string): number[] {
  return [...new Set(spec.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0))].sort((a, b) => a - b);
}

/**
 * Pure: the facts that the passage of time alone makes true for one customer at `now`.
 * Ids are deterministic (per touchpoint; per last relational touchpoint and threshold step),
 * so a re-run finds the same ids and records nothing twice.
 */
export function silenceFacts(customerId: string, events: readonly FoldEvent[], fold: CustomerFold, now: Date, thresholds: number[]): SilenceFact[] {
  const observedAt = now.toISOString();
  const known = new Set(events.map((e) => e.id));
  const out: SilenceFact[] = [];
  const touchpoints = fold.input.touchpoints.map((t) => t.touchpoint);
  for (const u of findUnansweredInbound(touchpoints, now)) {
    const id = deterministicId('unanswered', u.touchpoint.id);
    if (known.has(id)) continue;
    out.push({
      id,
      type: 'InboundMessageWentUnanswered',
      data: { customerId, touchpointId: u.touchpoint.id, hoursUnanswered: Math.floor(u.hoursUnanswered), slaHours: u.slaHours, observedAt },
    });
  }
  if (!fold.customer || thresholds.length === 0) return out;
  // The last relational contact that already happened; without one, silence counts from the
  // customer's first known moment (an imported history's first touchpoint, else the first event).
  let last: { id: string; at: number } | null = null;
  for (const t of fold.input.touchpoints) {
    const at = Date.parse(t.touchpoint.occurredAt);
    if (t.relational.class === 'relational' && at <= now.getTime() && (!last || at > last.at)) last = { id: t.eventId, at };
  }
  const firstKnown = Math.min(
    ...events.map((e) => new Date(e.recordedAt).getTime()),
    ...fold.input.touchpoints.map((t) => Date.parse(t.touchpoint.occurredAt)),
  );
  const since = last?.at ?? firstKnown;
  const days = Math.floor((now.getTime() - since) / DAY_MS);
  const step = [...thresholds].reverse().find((t) => days >= t);
  if (step !== undefined) {
    const id = deterministicId('quiet', customerId, last?.id ?? 'none', String(step));
    if (!known.has(id)) {
      out.push({ id, type: 'RelationshipWentQuiet', data: { customerId, daysSinceRelational: days, lastRelationalTouchpointId: last?.id ?? null, observedAt } });
    }
  }
  return out;
}
