import { CustomerFoldState, foldCustomer, type FoldEvent } from './fold.js';
import type { Touchpoint } from '../touchpoint.js';

const CID = '00000000-0000-4000-8000-000000000001';
let seq = 0;
const ev = (type: string, data: any, recordedAt = '2026-01-01T00:00:00.000Z', id = `e${++seq}`): FoldEvent => ({ id, type, data, recordedAt, metadata: {} });
const registered = (over: Record<string, unknown> = {}) =>
  ev('CustomerRegistered', { customerId: CID, externalId: 'ext-1', name: 'Kari Nordmann', createdVia: 'api', ...over });
const tp = (id: string, occurredAt: string, over: Partial<Touchpoint> = {}): Touchpoint => ({
  id,
  customerId: CID,
  channel: 'email',
  direction: 'inbound',
  initiatedBy: 'customer',
  handledBy: 'human',
  occurredAt,
  ...over,
});
const recorded = (t: Touchpoint, recordedAt = '2026-01-01T00:00:00.000Z') => ev('TouchpointRecorded', t, recordedAt, t.id);

describe('foldCustomer', () => {
  it('given no events, when folded, then there is no customer and an empty input', () => {
    const f = foldCustomer([]);
    expect(f.customer).toBeNull();
    expect(f.input.touchpoints).toEqual([]);
    expect(f.scored.size).toBe(0);
    expect(f.lastRecordedAt).toBeNull();
  });

  it('given registration, detail changes and an assignment, when folded, then the customer has the latest details', () => {
    const f = foldCustomer([
      registered({ segment: 'smb', annualValue: 1000 }),
      ev('CustomerDetailsChanged', { customerId: CID, changes: { name: 'Kari N.', annualValue: 5000 } }),
      ev('AccountManagerAssigned', { customerId: CID, accountManagerId: 'am-1', previousAccountManagerId: null }),
    ]);
    expect(f.customer).toEqual({ id: CID, externalId: 'ext-1', name: 'Kari N.', segment: 'smb', accountManagerId: 'am-1', renewalDate: null, annualValue: 5000 });
    expect(f.input.customer).toEqual({ name: 'Kari N.', annualValue: 5000, renewalDate: null });
  });

  it('given touchpoints, outcomes and facts, when folded, then each lands in the health input with its event id', () => {
    const a = tp('11111111-0000-4000-8000-000000000001', '2026-01-02T10:00:00Z');
    const f = foldCustomer([
      registered(),
      recorded(a),
      ev('OutcomeRecorded', { customerId: CID, outcomeId: 'o1', outcome: 'renewed', occurredAt: '2026-01-03T00:00:00Z' }, undefined, 'out-1'),
      ev('RelationshipWentQuiet', { customerId: CID, daysSinceRelational: 30, lastRelationalTouchpointId: null, observedAt: '2026-02-01T00:00:00Z' }, undefined, 'quiet-1'),
    ]);
    expect(f.input.touchpoints.map((t) => t.eventId)).toEqual([a.id]);
    expect(f.input.outcomes).toEqual([{ eventId: 'out-1', outcome: 'renewed', occurredAt: '2026-01-03T00:00:00Z' }]);
    expect(f.input.facts.map((x) => [x.eventId, x.type, x.occurredAt])).toEqual([['quiet-1', 'RelationshipWentQuiet', '2026-02-01T00:00:00Z']]);
    expect(f.scored.get(a.id)).toEqual(f.input.touchpoints[0].relational);
  });

  it('given an inbound message, when a fact says it went unanswered, then its score does not rise and names the fact', () => {
    const a = tp('22222222-0000-4000-8000-000000000001', '2026-01-02T10:00:00Z');
    const before = foldCustomer([registered(), recorded(a)]).scored.get(a.id)!;
    const after = foldCustomer([
      registered(),
      recorded(a),
      ev('InboundMessageWentUnanswered', { customerId: CID, touchpointId: a.id, hoursUnanswered: 52, slaHours: 24, observedAt: '2026-01-04T14:00:00Z' }),
    ]).scored.get(a.id)!;
    expect(after.score).toBeLessThanOrEqual(before.score);
    expect(JSON.stringify(after.signals)).not.toEqual(JSON.stringify(before.signals));
  });

  it('given an inbound message, when a later touchpoint replies to it, then the reply is applied to the earlier score', () => {
    const a = tp('33333333-0000-4000-8000-000000000001', '2026-01-02T10:00:00Z');
    const reply = tp('33333333-0000-4000-8000-000000000002', '2026-01-02T11:00:00Z', { direction: 'outbound', initiatedBy: 'company', replyToId: a.id });
    const alone = foldCustomer([registered(), recorded(a)]).scored.get(a.id)!;
    const answered = foldCustomer([registered(), recorded(a), recorded(reply)]).scored.get(a.id)!;
    // The earlier touchpoint's evaluation depends on the reply; scoring decides by how much.
    expect(answered.score).toBeGreaterThanOrEqual(alone.score);
  });

  it('given events out of business order, when folded, then the scores equal those of the ordered log (late arrivals count)', () => {
    const a = tp('44444444-0000-4000-8000-000000000001', '2026-01-02T10:00:00Z', { topic: 'return' });
    const b = tp('44444444-0000-4000-8000-000000000002', '2026-01-04T10:00:00Z', { topic: 'return' });
    const inOrder = foldCustomer([registered(), recorded(a), recorded(b)]);
    const late = foldCustomer([registered(), recorded(b), recorded(a)]);
    expect(late.scored.get(b.id)).toEqual(inOrder.scored.get(b.id));
    expect(late.scored.get(a.id)).toEqual(inOrder.scored.get(a.id));
  });

  it('given a knowledge time, when folded, then events recorded later are ignored', () => {
    const a = tp('55555555-0000-4000-8000-000000000001', '2026-01-02T10:00:00Z');
    const b = tp('55555555-0000-4000-8000-000000000002', '2026-01-03T10:00:00Z');
    const f = foldCustomer([registered(), recorded(a, '2026-01-02T10:00:01Z'), recorded(b, '2026-01-03T10:00:01Z')], { recordedUpTo: new Date('2026-01-02T12:00:00Z') });
    expect(f.input.touchpoints.map((t) => t.eventId)).toEqual([a.id]);
    expect(f.lastRecordedAt).toBe('2026-01-02T10:00:01.000Z');
  });

  it('given odd data (no occurredAt, a duplicate event id), when folded, then it is skipped without throwing', () => {
    const a = tp('66666666-0000-4000-8000-000000000001', '2026-01-02T10:00:00Z');
    const f = foldCustomer([registered(), recorded(a), recorded(a), ev('TouchpointRecorded', { id: 'x' }), ev('SomethingUnknown', null)]);
    expect(f.input.touchpoints).toHaveLength(1);
  });

  it('given the same events twice, when folded, then the result is identical (deterministic)', () => {
    const events = [registered(), recorded(tp('77777777-0000-4000-8000-000000000001', '2026-01-02T10:00:00Z', { transcript: [{ speaker: 'agent', text: 'How can I help, Kari?' }] }))];
    expect(foldCustomer(events)).toEqual(foldCustomer(events));
  });
});

/** The touchpoints a fold state rescored when `last` joined the events before it. */
function rescoredBy(events: FoldEvent[], last: FoldEvent): Set<string> {
  const state = new CustomerFoldState();
  state.extend(events);
  return state.extend([last]);
}

describe('CustomerFoldState.extend: what a new event rescores', () => {
  const a = tp('88888888-0000-4000-8000-000000000001', '2026-01-02T10:00:00Z');
  const b = tp('88888888-0000-4000-8000-000000000002', '2026-01-20T10:00:00Z');
  const c = tp('88888888-0000-4000-8000-000000000003', '2026-03-20T10:00:00Z');

  it('given a late touchpoint, when it joins, then the later ones inside the history window are rescored, not the far ones', () => {
    const late = tp('88888888-0000-4000-8000-000000000004', '2026-01-10T10:00:00Z');
    expect(rescoredBy([registered(), recorded(a), recorded(b), recorded(c)], recorded(late))).toEqual(new Set([late.id, b.id]));
  });

  it('given a reply, when it joins, then the touchpoint it answers is rescored', () => {
    const reply = tp('88888888-0000-4000-8000-000000000005', '2026-04-20T10:00:00Z', { replyToId: a.id });
    expect(rescoredBy([registered(), recorded(a)], recorded(reply))).toEqual(new Set([reply.id, a.id]));
  });

  it('given an unanswered fact, when it joins, then its touchpoint is rescored', () => {
    const fact = ev('InboundMessageWentUnanswered', { customerId: CID, touchpointId: a.id, hoursUnanswered: 30, slaHours: 24, observedAt: '2026-01-04T00:00:00Z' });
    expect(rescoredBy([registered(), recorded(a)], fact)).toEqual(new Set([a.id]));
  });

  it('given a name change, when it joins, then every touchpoint is rescored', () => {
    const change = ev('CustomerDetailsChanged', { customerId: CID, changes: { name: 'Kari' } });
    expect(rescoredBy([registered(), recorded(a), recorded(b)], change)).toEqual(new Set([a.id, b.id]));
  });
});

describe('CustomerFoldState restored from known scores', () => {
  it('given the scores of a full fold of a prefix, when a fresh state takes them and then the rest, then it equals a full fold at every cut', () => {
    const base = Date.parse('2026-01-01T00:00:00Z');
    const events: FoldEvent[] = [registered()];
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = `99999999-0000-4000-8000-${String(i).padStart(12, '0')}`;
      // Some arrive late (occurred before earlier ones), some reply, some share a topic.
      const occurred = base + ((i * 7919) % 40) * 86_400_000 / 3;
      const t = tp(id, new Date(occurred).toISOString(), {
        topic: i % 3 === 0 ? 'return' : 'billing',
        handledBy: i % 4 === 0 ? 'automation' : 'human',
        direction: i % 2 ? 'outbound' : 'inbound',
        replyToId: i % 5 === 4 ? ids[i - 1] : undefined,
      });
      ids.push(id);
      events.push(recorded(t));
      if (i % 9 === 8) events.push(ev('InboundMessageWentUnanswered', { customerId: CID, touchpointId: ids[i - 2], hoursUnanswered: 40, slaHours: 24, observedAt: '2026-03-01T00:00:00Z' }));
      if (i === 20) events.push(ev('CustomerDetailsChanged', { customerId: CID, changes: { name: 'Kari Hansen' } }));
    }
    const full = foldCustomer(events);
    for (let n = 1; n < events.length; n += 3) {
      // What the follow-up worker does when a rule fires on an event that is not the stream's last.
      const state = new CustomerFoldState();
      state.extend(events.slice(0, n), foldCustomer(events.slice(0, n)).scored);
      state.extend(events.slice(n));
      expect(state.fold().scored).toEqual(full.scored);
      expect(state.fold().input).toEqual(full.input);
    }
  });
});
