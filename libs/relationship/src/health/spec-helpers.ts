// Test fixtures for the health specs: hand-built ScoredTouchpoints (relational score given).
import fc from 'fast-check';
import type { Channel, RelationalClass, ScoredTouchpoint, Signal, Survey } from '../touchpoint.js';
import type { OutcomeType } from '../events.js';
import type { HealthFact, HealthInput, HealthOutcome } from './types.js';

export const DAY = 86_400_000;
export const AT = new Date('2026-11-01T00:00:00.000Z');
export const ago = (days: number, at: Date = AT) => new Date(at.getTime() - days * DAY).toISOString();

export interface TpOptions {
  score?: number;
  cls?: RelationalClass;
  channel?: Channel;
  initiatedBy?: 'customer' | 'company';
  topic?: string;
  resolved?: boolean;
  survey?: Survey;
  signals?: Signal[];
  replyToId?: string;
  tags?: string[];
}

export function tp(id: string, daysAgo: number, o: TpOptions = {}): ScoredTouchpoint {
  const occurredAt = ago(daysAgo);
  return {
    eventId: id,
    recordedAt: occurredAt,
    touchpoint: {
      id,
      customerId: 'c1',
      channel: o.channel ?? 'email',
      direction: 'inbound',
      initiatedBy: o.initiatedBy ?? 'customer',
      handledBy: 'human',
      occurredAt,
      ...(o.topic !== undefined ? { topic: o.topic } : {}),
      ...(o.resolved !== undefined ? { resolved: o.resolved } : {}),
      ...(o.survey ? { survey: o.survey } : {}),
      ...(o.replyToId ? { replyToId: o.replyToId } : {}),
      ...(o.tags ? { tags: o.tags } : {}),
    },
    relational: { score: o.score ?? 50, class: o.cls ?? 'neutral', signals: o.signals ?? [] },
  };
}

export const relational = (id: string, daysAgo: number, o: TpOptions = {}) => tp(id, daysAgo, { score: 85, cls: 'relational', ...o });
export const neutral = (id: string, daysAgo: number, o: TpOptions = {}) => tp(id, daysAgo, { score: 50, cls: 'neutral', ...o });
export const transactional = (id: string, daysAgo: number, o: TpOptions = {}) => tp(id, daysAgo, { score: 20, cls: 'transactional', ...o });

export const outcome = (id: string, daysAgo: number, kind: OutcomeType): HealthOutcome => ({ eventId: id, outcome: kind, occurredAt: ago(daysAgo) });

export const unanswered = (id: string, daysAgo: number, touchpointId: string): HealthFact => ({
  eventId: id,
  type: 'InboundMessageWentUnanswered',
  occurredAt: ago(daysAgo),
  data: { customerId: 'c1', touchpointId, hoursUnanswered: 30, slaHours: 24, observedAt: ago(daysAgo) },
});

export const quiet = (id: string, daysAgo: number, lastRelationalTouchpointId: string | null): HealthFact => ({
  eventId: id,
  type: 'RelationshipWentQuiet',
  occurredAt: ago(daysAgo),
  data: { customerId: 'c1', daysSinceRelational: 30, lastRelationalTouchpointId, observedAt: ago(daysAgo) },
});

export function input(parts: Partial<HealthInput> = {}): HealthInput {
  return { customer: { name: 'Kari Nordmann', ...parts.customer }, touchpoints: parts.touchpoints ?? [], outcomes: parts.outcomes ?? [], facts: parts.facts ?? [], pulses: parts.pulses ?? [] };
}

/** Every event id the input holds: drivers may name only these. */
export function inputIds(i: HealthInput): Set<string> {
  return new Set([...i.touchpoints.map((t) => t.eventId), ...i.outcomes.map((o) => o.eventId), ...i.facts.map((f) => f.eventId), ...(i.pulses ?? []).map((x) => x.eventId)]);
}

// ---- fast-check arbitraries: a random customer history around AT (some items after AT) ----
const classes: RelationalClass[] = ['relational', 'neutral', 'transactional'];
const channels: Channel[] = ['email', 'phone', 'chatbot', 'support_ticket', 'return', 'survey', 'meeting'];
const topics = ['billing', 'delivery', 'returns', undefined];

export const arbSurvey: fc.Arbitrary<Survey | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 0, max: 10 }).map((score) => ({ kind: 'nps' as const, score })),
  fc.integer({ min: 1, max: 5 }).map((score) => ({ kind: 'csat' as const, score })),
  fc.integer({ min: 1, max: 7 }).map((score) => ({ kind: 'ces' as const, score })),
);

export function arbTouchpoint(id: string, cls?: RelationalClass, maxDaysAgo = 400): fc.Arbitrary<ScoredTouchpoint> {
  return fc
    .record({
      daysAgo: fc.double({ min: -20, max: maxDaysAgo, noNaN: true }),
      cls: cls ? fc.constant(cls) : fc.constantFrom(...classes),
      score: fc.integer({ min: 0, max: 100 }),
      channel: fc.constantFrom(...channels),
      initiatedBy: fc.constantFrom('customer' as const, 'company' as const),
      topic: fc.constantFrom(...topics),
      resolved: fc.constantFrom(true, false, undefined),
      survey: arbSurvey,
      repeatSignal: fc.boolean(),
    })
    .map((r) => {
      // Keep score and class consistent the way scoring does: transactional < 40 ≤ neutral < 65 ≤ relational.
      const score = r.cls === 'transactional' ? Math.min(r.score, 39) : r.cls === 'relational' ? Math.max(r.score, 65) : Math.min(Math.max(r.score, 40), 64);
      return tp(id, r.daysAgo, {
        cls: r.cls,
        score,
        channel: r.channel,
        initiatedBy: r.initiatedBy,
        topic: r.topic,
        resolved: r.resolved,
        survey: r.survey,
        signals: r.repeatSignal ? [{ name: 'repeat_contact', effect: -5, detail: '2nd contact about it' }] : [],
      });
    });
}

/** A random history; `dense` packs more touchpoints into fewer days so every window has data. */
export const arbInputWith = ({ maxTouchpoints = 25, maxDaysAgo = 400 } = {}): fc.Arbitrary<HealthInput> =>
  fc
  .record({
    n: fc.integer({ min: 0, max: maxTouchpoints }),
  })
  .chain(({ n }) =>
    fc.record({
      touchpoints: fc.tuple(...Array.from({ length: n }, (_, i) => arbTouchpoint(`tp-${i}`, undefined, maxDaysAgo))).map((a) => a as ScoredTouchpoint[]),
      outcomes: fc.array(
        fc.record({ daysAgo: fc.integer({ min: -20, max: 500 }), kind: fc.constantFrom<OutcomeType>('renewed', 'churned', 'expanded', 'downgraded') }),
        { maxLength: 3 },
      ),
      facts: fc.array(fc.record({ daysAgo: fc.integer({ min: -20, max: 200 }), quiet: fc.boolean(), tp: fc.integer({ min: 0, max: 30 }) }), { maxLength: 4 }),
      renewalIn: fc.option(fc.integer({ min: -30, max: 200 })),
    }),
  )
  .map(({ touchpoints, outcomes, facts, renewalIn }) =>
    input({
      customer: { name: 'Kari', renewalDate: renewalIn === null ? null : ago(-renewalIn).slice(0, 10) },
      touchpoints,
      outcomes: outcomes.map((o, i) => outcome(`out-${i}`, o.daysAgo, o.kind)),
      facts: facts.map((f, i) => (f.quiet ? quiet(`fact-${i}`, f.daysAgo, null) : unanswered(`fact-${i}`, f.daysAgo, `tp-${f.tp}`))),
    }),
  );

export const arbInput = arbInputWith();
