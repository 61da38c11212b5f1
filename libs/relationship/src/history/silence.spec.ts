import { computeHealth } from '../health/health.js';
import { foldCustomer, type FoldEvent } from './fold.js';
import { quietThresholds, silenceFacts } from './silence.js';

// Any injective id works; the worker passes the shared deterministicId.
const deterministicId = (...parts: string[]) => parts.join('/');

const CID = '00000000-0000-4000-8000-0000000000d1';
const TP = '00000000-0000-4000-8000-0000000000e1';
const registered: FoldEvent = { id: 'r1', type: 'CustomerRegistered', data: { customerId: CID, externalId: 'x', name: 'Kari', createdVia: 'api' }, recordedAt: '2026-01-01T00:00:00Z' };
const inbound: FoldEvent = {
  id: TP,
  type: 'TouchpointRecorded',
  data: { id: TP, customerId: CID, channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: '2026-01-02T00:00:00Z' },
  recordedAt: '2026-01-02T00:00:00Z',
};

describe('silence policy', () => {
  it('given "60, 30,x,90", when parsed, then thresholds are sorted positive integers', () => {
    expect(quietThresholds('60, 30,x,90')).toEqual([30, 60, 90]);
  });

  it('given an inbound message with no reply for 40 days, when checked, then it went unanswered and the relationship went quiet, with deterministic ids', () => {
    const events = [registered, inbound];
    const now = new Date('2026-02-11T00:00:00Z');
    const facts = silenceFacts(CID, events, foldCustomer(events), now, [30, 60], deterministicId);
    const unanswered = facts.find((f) => f.type === 'InboundMessageWentUnanswered')!;
    expect(unanswered.id).toBe(deterministicId('unanswered', TP));
    expect(unanswered.data).toEqual(expect.objectContaining({ customerId: CID, touchpointId: TP, observedAt: now.toISOString() }));
    const quiet = facts.find((f) => f.type === 'RelationshipWentQuiet')!;
    // Counted from the first touchpoint (2 Jan), as the health recency driver counts, not from the registration.
    expect(quiet.data).toEqual(expect.objectContaining({ daysSinceRelational: 40, lastRelationalTouchpointId: null }));
    const driver = computeHealth(foldCustomer([...events, { id: quiet.id, type: quiet.type, data: quiet.data, recordedAt: now.toISOString() }]).input, now).drivers.find((d) => d.factor.startsWith('no relational contact'))!;
    expect(driver.factor).toBe('no relational contact in 40 days on record (first contact on 2 Jan 2026; silence recorded)');
    expect(quiet.id).toBe(deterministicId('quiet', CID, 'none', '30'));
  });

  it('given the facts are already in the stream, when checked again, then nothing new is found (idempotent)', () => {
    const now = new Date('2026-02-11T00:00:00Z');
    const first = silenceFacts(CID, [registered, inbound], foldCustomer([registered, inbound]), now, [30, 60], deterministicId);
    const stored: FoldEvent[] = [registered, inbound, ...first.map((f) => ({ id: f.id, type: f.type, data: f.data, recordedAt: now }))];
    expect(silenceFacts(CID, stored, foldCustomer(stored), new Date('2026-02-12T00:00:00Z'), [30, 60], deterministicId)).toEqual([]);
  });

  it('given a customer with a recent contact, when checked, then no quiet fact', () => {
    const events = [registered];
    expect(silenceFacts(CID, events, foldCustomer(events), new Date('2026-01-10T00:00:00Z'), [30], deterministicId)).toEqual([]);
  });
});
