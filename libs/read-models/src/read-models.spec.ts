import { CustomerFoldState, computeHealth, foldCustomer } from '../../relationship/src/index.js';
import { healthRow } from './customer-health.js';
import { followUpChange } from './follow-up-summary.js';
import type { CachedEvent } from './stream-cache.js';
import { groupByStream, occurredAtOf, timelineChanges } from './timeline.js';

const CID = '00000000-0000-4000-8000-0000000000c1';
let pos = 0;
const ev = (type: string, data: any, recordedAt = '2026-03-01T00:00:00.000Z'): CachedEvent => {
  pos++;
  return { id: `00000000-0000-4000-8000-${String(pos).padStart(12, '0')}`, type, data, metadata: {}, recordedAt: new Date(recordedAt), streamVersion: pos, globalPosition: pos * 10 };
};
const registered = () => ev('CustomerRegistered', { customerId: CID, externalId: 'x-1', name: 'Kari', accountManagerId: '00000000-0000-4000-8000-0000000000a1', createdVia: 'api' });
const touchpoint = (occurredAt: string, over: Record<string, unknown> = {}) => {
  const e = ev('TouchpointRecorded', {});
  e.data = { id: e.id, customerId: CID, channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt, ...over };
  return e;
};

describe('timeline projection (pure part)', () => {
  beforeEach(() => (pos = 0));

  it('given new events, when applied, then each becomes a row and touchpoints carry score, class and signals', () => {
    const stream = [registered(), touchpoint('2026-02-01T10:00:00Z')];
    const { inserts, updates } = timelineChanges(CID, new CustomerFoldState(), stream);
    expect(inserts.map((r) => r.type)).toEqual(['CustomerRegistered', 'TouchpointRecorded']);
    expect(inserts[0].relational).toBeNull();
    expect(inserts[1].relational).toEqual(expect.objectContaining({ score: expect.any(Number), class: expect.any(String), signals: expect.any(Array) }));
    expect(inserts[1].occurred_at).toBe('2026-02-01T10:00:00.000Z');
    expect(inserts[1].position).toBe(20);
    expect(updates).toEqual([]);
  });

  it('given an inbound touchpoint already on the timeline, when a reply arrives, then the earlier row is updated with its new score', () => {
    const a = touchpoint('2026-02-01T10:00:00Z');
    const stream = [registered(), a];
    const state = new CustomerFoldState();
    timelineChanges(CID, state, stream);
    const reply = touchpoint('2026-02-01T10:30:00Z', { direction: 'outbound', initiatedBy: 'company', replyToId: a.id });
    const next = timelineChanges(CID, state, [reply]);
    expect(next.inserts.map((r) => r.event_id)).toEqual([reply.id]);
    expect(next.updates.map((u) => u.event_id)).toEqual([a.id]);
    expect(next.updates[0].relational).toEqual(foldCustomer([...stream, reply]).scored.get(a.id));
  });

  it('given a fact without occurredAt, when placed on the timeline, then its observedAt is the business time', () => {
    expect(occurredAtOf({ type: 'RelationshipWentQuiet', data: { observedAt: '2026-02-02T00:00:00Z' }, recordedAt: '2026-02-03T00:00:00Z' })).toBe('2026-02-02T00:00:00.000Z');
    expect(occurredAtOf({ type: 'CustomerRegistered', data: {}, recordedAt: '2026-02-03T00:00:00Z' })).toBe('2026-02-03T00:00:00.000Z');
  });

  it('given a batch across streams, when grouped, then only customer streams count, with their highest version', () => {
    const g = groupByStream([
      { id: 'a', streamId: `customer-${CID}`, streamVersion: 3 } as any,
      { id: 'b', streamId: `customer-${CID}`, streamVersion: 5 } as any,
      { id: 'c', streamId: 'follow-up-1', streamVersion: 1 } as any,
    ]);
    expect([...g.keys()]).toEqual([`customer-${CID}`]);
    expect(g.get(`customer-${CID}`)!.upTo).toBe(5);
  });
});

describe('customer health projection (pure part)', () => {
  beforeEach(() => (pos = 0));

  it('given a folded customer, when turned into a row, then details, health, churn and drivers are stored with the evaluation time', () => {
    const stream = [registered(), touchpoint('2026-02-01T10:00:00Z')];
    const fold = foldCustomer(stream);
    const view = computeHealth(fold.input, new Date(fold.lastRecordedAt!));
    const row = healthRow(CID, fold, view, 2);
    expect(row).toEqual(
      expect.objectContaining({ customer_id: CID, external_id: 'x-1', name: 'Kari', account_manager_id: '00000000-0000-4000-8000-0000000000a1', score: view.score, band: view.band, churn_probability: view.churnRisk.probability, drivers: view.drivers, evaluated_at: '2026-03-01T00:00:00.000Z', stream_version: 2 }),
    );
  });

  it('given an account manager id that is not a uuid, when stored, then it is null (never a failed batch)', () => {
    const e = ev('CustomerRegistered', { customerId: CID, externalId: 'x', name: 'K', accountManagerId: 'bob', createdVia: 'api' });
    const fold = foldCustomer([e]);
    expect(healthRow(CID, fold, computeHealth(fold.input, new Date('2026-03-01T00:00:00Z')), 1).account_manager_id).toBeNull();
  });

  it('given follow-up events, when mapped, then raise opens, complete/dismiss close, snooze keeps it open; odd data is ignored', () => {
    const t = '00000000-0000-4000-8000-0000000000f1';
    expect(followUpChange({ type: 'FollowUpTaskRaised', data: { taskId: t, customerId: CID, dueAt: '2026-03-02T00:00:00Z', raisedAt: '2026-03-01T00:00:00Z' } })).toEqual(expect.objectContaining({ kind: 'raised', status: 'open' }));
    expect(followUpChange({ type: 'FollowUpTaskCompleted', data: { taskId: t, customerId: CID, completedAt: 'x' } })).toEqual(expect.objectContaining({ kind: 'closed', status: 'done' }));
    // Counted in the median time to complete: a person completing it, or a person's contact closing it; not the system's closes.
    expect(followUpChange({ type: 'FollowUpTaskCompleted', data: { taskId: t, customerId: CID, completedAt: 'x', automatic: false, completedBy: 'u' } })).toMatchObject({ completed_by_person: true });
    expect(followUpChange({ type: 'FollowUpTaskCompleted', data: { taskId: t, customerId: CID, completedAt: 'x', automatic: true, touchpointId: 'tp' } })).toMatchObject({ completed_by_person: true });
    expect(followUpChange({ type: 'FollowUpTaskCompleted', data: { taskId: t, customerId: CID, completedAt: 'x', automatic: true, mergedInto: 'other' } })).toMatchObject({ completed_by_person: false });
    expect(followUpChange({ type: 'FollowUpTaskDismissed', data: { taskId: t, customerId: CID } })).toEqual(expect.objectContaining({ kind: 'closed', status: 'dismissed' }));
    expect(followUpChange({ type: 'FollowUpTaskSnoozed', data: { taskId: t, customerId: CID, until: 'y' } })).toEqual(expect.objectContaining({ kind: 'snoozed' }));
    expect(followUpChange({ type: 'FollowUpTaskSnoozeEnded', data: { taskId: t, customerId: CID, until: 'y', endedAt: 'z' } })).toEqual(expect.objectContaining({ kind: 'woke', status: 'open' }));
    expect(followUpChange({ type: 'FollowUpTaskRaised', data: { taskId: 'nope' } })).toBeNull();
  });
});
