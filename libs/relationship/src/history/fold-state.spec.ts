import fc from 'fast-check';
import { CustomerFoldState, foldCustomer, type FoldEvent } from './fold.js';

const CID = '00000000-0000-4000-8000-000000000001';
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

/**
 * A random customer stream: registration (sometimes late), touchpoints over ~120 days with
 * replies, duplicates, renames and facts; `inOrder` gives each event a business time no earlier
 * than the one before (live traffic: the fold's append path, not its re-sort).
 */
const streamOf = (inOrder: boolean) => fc
  .array(
    fc.record({
      kind: fc.constantFrom('tp', 'tp', 'tp', 'tp', 'tp', 'rename', 'unanswered', 'outcome', 'quiet', 'register'),
      day: fc.integer({ min: 0, max: 120 }),
      hour: fc.integer({ min: 0, max: 23 }),
      replyTo: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      sameIdAs: fc.option(fc.integer({ min: 0, max: 40 }), { freq: 8, nil: undefined }),
      direction: fc.constantFrom('inbound', 'outbound'),
      handledBy: fc.constantFrom('human', 'automation'),
      channel: fc.constantFrom('email', 'phone', 'chat', 'chatbot', 'support_ticket', 'return'),
      topic: fc.constantFrom('billing', 'return', 'Re: billing', undefined),
      talk: fc.constantFrom(undefined, 'Hi Kari, how are things going?', 'Hei Ola, fortell meg mer om det.', 'Your ticket has been received.'),
      name: fc.constantFrom('Kari Nordmann', 'Ola Hansen', 'Kari'),
    }),
    { maxLength: 40 },
  )
  .map((unordered) => {
    const specs = inOrder ? [...unordered].sort((a, b) => a.day - b.day || a.hour - b.hour) : unordered;
    const events: FoldEvent[] = [];
    const tpIds: string[] = [];
    let n = 0;
    const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const recordedAt = () => new Date(T0 + 200 * DAY + n * 1000).toISOString();
    events.push({ id: id(), type: 'CustomerRegistered', data: { customerId: CID, externalId: 'x', name: 'Kari Nordmann', createdVia: 'api' }, recordedAt: recordedAt() });
    for (const s of specs) {
      const occurredAt = new Date(T0 + s.day * DAY + s.hour * 3_600_000).toISOString();
      if (s.kind === 'tp') {
        const eventId = id();
        const tpId = s.sameIdAs !== undefined && tpIds.length > 0 ? tpIds[s.sameIdAs % tpIds.length] : eventId;
        tpIds.push(tpId);
        const replyToId = s.replyTo !== undefined ? (tpIds[s.replyTo % tpIds.length] ?? `00000000-0000-4000-8000-9${String(s.replyTo).padStart(11, '0')}`) : undefined;
        const data: Record<string, unknown> = {
          id: tpId,
          customerId: CID,
          channel: s.channel,
          direction: s.direction,
          initiatedBy: s.direction === 'inbound' ? 'customer' : 'company',
          handledBy: s.handledBy,
          occurredAt,
          ...(replyToId && replyToId !== tpId ? { replyToId } : {}),
          ...(s.topic ? { topic: s.topic } : {}),
          ...(s.talk ? { transcript: [{ speaker: 'agent', text: s.talk }, { speaker: 'customer', text: 'Thanks, it is fine now.' }] } : {}),
        };
        events.push({ id: eventId, type: 'TouchpointRecorded', data, recordedAt: recordedAt() });
      } else if (s.kind === 'rename') {
        events.push({ id: id(), type: 'CustomerDetailsChanged', data: { customerId: CID, changes: { name: s.name } }, recordedAt: recordedAt() });
      } else if (s.kind === 'unanswered' && tpIds.length > 0) {
        const touchpointId = tpIds[s.day % tpIds.length];
        events.push({ id: id(), type: 'InboundMessageWentUnanswered', data: { customerId: CID, touchpointId, hoursUnanswered: 24 + s.hour, slaHours: 24, observedAt: occurredAt }, recordedAt: recordedAt() });
      } else if (s.kind === 'outcome') {
        events.push({ id: id(), type: 'OutcomeRecorded', data: { customerId: CID, outcome: 'renewed', occurredAt }, recordedAt: recordedAt() });
      } else if (s.kind === 'quiet') {
        events.push({ id: id(), type: 'RelationshipWentQuiet', data: { customerId: CID, daysSinceRelational: 30, observedAt: occurredAt }, recordedAt: recordedAt() });
      } else if (s.kind === 'register') {
        events.push({ id: id(), type: 'CustomerRegistered', data: { customerId: CID, externalId: 'x', name: s.name, createdVia: 'api' }, recordedAt: recordedAt() });
      }
    }
    return events;
  });
const streamArb = streamOf(false);

describe('CustomerFoldState', () => {
  it.each([
    ['any stream', streamArb],
    ['a stream in business-time order', streamOf(true)],
  ])('given %s cut into any batches, when extended batch by batch, then after each batch it equals a full fold of the events so far', (_, arb) => {
    fc.assert(
      fc.property(arb, fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 20 }), (events, cuts) => {
        const state = new CustomerFoldState();
        let at = 0;
        let c = 0;
        while (at < events.length) {
          const from = at;
          const next = Math.min(events.length, at + cuts[c++ % cuts.length]);
          const rescored = state.extend(events.slice(from, next));
          at = next;
          const full = foldCustomer(events.slice(0, at));
          const mine = state.fold();
          expect(state.version).toBe(at);
          expect(mine.customer).toEqual(full.customer);
          expect(mine.input).toEqual(full.input);
          expect(new Map(mine.scored)).toEqual(full.scored);
          expect(mine.lastRecordedAt).toBe(full.lastRecordedAt);
          expect(mine.eventCount).toBe(full.eventCount);
          // Every new touchpoint of the batch was scored in it.
          for (const e of events.slice(from, next)) if (full.scored.has(e.id)) expect(rescored.has(e.id)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('given one new touchpoint far from the others, when extended, then only it is scored', () => {
    const tp = (n: number, day: number): FoldEvent => ({
      id: `e${n}`,
      type: 'TouchpointRecorded',
      data: { id: `t${n}`, customerId: CID, channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: new Date(T0 + day * DAY).toISOString() },
      recordedAt: new Date(T0 + 400 * DAY + n).toISOString(),
    });
    const state = new CustomerFoldState();
    state.extend([{ id: 'r', type: 'CustomerRegistered', data: { customerId: CID, externalId: 'x', name: 'Kari', createdVia: 'api' }, recordedAt: new Date(T0).toISOString() }]);
    state.extend([tp(1, 0), tp(2, 100), tp(3, 200)]);
    expect([...state.extend([tp(4, 300)])]).toEqual(['e4']);
    // A late arrival inside an earlier touchpoint's window rescores that one too.
    expect([...state.extend([tp(5, 90)])].sort()).toEqual(['e2', 'e5']);
  });
});
