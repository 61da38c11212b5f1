import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from './support/stack.js';
import { call, countEvents, createUser, standardHeaders, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';
import { TouchpointIngestor } from '../apps/api/src/touchpoints/touchpoint-ingestor.js';

jest.setTimeout(60_000);

/*
 * #19.4, idempotency per writer: an idempotency key (a touchpoint's `id`, or the id derived from
 * its writer's `externalId`) is a duplicate only for the same writer and the same customer.
 * Anything else is a clash: 409 problem+json that says nothing about the other event, never a
 * silent drop and never that event's position.
 */
describe('idempotency is scoped to the writer and the customer (real API + Postgres)', () => {
  let stack: Stack;
  let admin: TestUser;
  let am1: TestUser;
  let am2: TestUser;
  let lead1: TestUser;
  let lead2: TestUser;
  let a1: string; // am1's customer
  let a1b: string; // am1's second customer
  let b2: string; // am2's customer
  const sources: { id: string; token: string; secret: string }[] = [];
  const api = (method: string, path: string, token: string | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token, body });
  const streamEvents = (customerId: string) => countEvents(stack.db.ds, 'stream_id = $1', [`customer-${customerId}`]);
  const customer = async (user: TestUser) => {
    const res = await api('POST', '/customers', user.token, { externalId: `idem-${randomUUID()}`, name: 'Kari Nordmann' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    const ds = stack.db.ds;
    admin = await createUser(ds, 'admin');
    lead1 = await createUser(ds, 'team_lead');
    lead2 = await createUser(ds, 'team_lead');
    am1 = await createUser(ds, 'account_manager', lead1.id);
    am2 = await createUser(ds, 'account_manager', lead2.id);
    a1 = await customer(am1);
    a1b = await customer(am1);
    b2 = await customer(am2);
    for (const name of ['crm one', 'crm two']) {
      const res = await api('POST', '/sources', admin.token, { name, format: 'touchpoint' });
      expect(res.status).toBe(201);
      sources.push(res.body);
    }
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('two account managers sending the same externalId each get their own touchpoint stored', async () => {
    const first = await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1, externalId: 'call-1' }));
    expect(first.status).toBe(201);
    const before = await streamEvents(b2);
    const second = await api('POST', '/touchpoints', am2.token, touchpoint({ customerId: b2, externalId: 'call-1' }));
    // Not "duplicate: true" with am1's event: am2's touchpoint is stored in am2's customer.
    expect(second.status).toBe(201);
    expect(second.body.duplicate).toBe(false);
    expect(second.body.eventId).not.toBe(first.body.eventId);
    expect(await streamEvents(b2)).toBe(before + 1);
    const [stored] = await stack.db.ds.query(`SELECT stream_id, metadata->>'actorId' AS actor FROM events WHERE event_id = $1`, [second.body.eventId]);
    expect(stored).toEqual({ stream_id: `customer-${b2}`, actor: am2.id });
  });

  it('an event id of another customer is a 409 that reveals nothing about it (no existence oracle)', async () => {
    const theirs = await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1, id: randomUUID() }));
    expect(theirs.status).toBe(201);
    const before = await countEvents(stack.db.ds);
    const probe = await api('POST', '/touchpoints', am2.token, touchpoint({ customerId: b2, id: theirs.body.eventId }));
    expect(probe.status).toBe(409);
    expect(probe.headers.get('content-type')).toMatch(/problem\+json/);
    expect(probe.body).not.toHaveProperty('position');
    expect(probe.body).not.toHaveProperty('duplicate');
    const text = JSON.stringify(probe.body);
    for (const secret of [a1, am1.id]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(new RegExp(`\\b${theirs.body.position}\\b`)); // a number of its own, not a digit of the 409
    // An id nobody used answers the same way as far as a stranger's id is concerned: stored, 201.
    const fresh = await api('POST', '/touchpoints', am2.token, touchpoint({ customerId: b2, id: randomUUID() }));
    expect(fresh.status).toBe(201);
    expect(await countEvents(stack.db.ds)).toBe(before + 1);
  });

  it('signed-in writers take the one-statement path within their reach: their own customers (a team lead: the team\'s) in one statement, anyone else\'s a 404 with nothing written, also when 40 writers share statements', async () => {
    const ingestor = stack.api.get(TouchpointIngestor);
    const transact = jest.spyOn(ingestor, 'transact');
    try {
      for (const [user, customerId] of [[am1, a1], [lead1, a1], [admin, b2]] as const) {
        const res = await api('POST', '/touchpoints', user.token, touchpoint({ customerId }));
        expect(res.status).toBe(201);
      }
      // No transaction: the customers were checked (and reached) in the append's own statement.
      expect(transact).not.toHaveBeenCalled();

      const before = await countEvents(stack.db.ds);
      for (const [user, customerId] of [[am2, a1], [lead2, a1], [am1, b2]] as const) {
        const res = await api('POST', '/touchpoints', user.token, touchpoint({ customerId }));
        expect(res.status).toBe(404);
      }
      expect(await countEvents(stack.db.ds)).toBe(before);

      // Concurrent writers of both teams, each with its reach, in shared statements.
      const writes = Array.from({ length: 40 }, (_, i) => {
        const [user, customerId, ok] = ([[am1, a1, true], [am2, b2, true], [lead1, a1b, true], [am2, a1, false], [lead2, a1b, false]] as const)[i % 5];
        return api('POST', '/touchpoints', user.token, touchpoint({ customerId })).then((r) => [r.status, ok] as const);
      });
      const answers = await Promise.all(writes);
      expect(answers.filter(([, ok]) => ok).map(([status]) => status)).toEqual(Array(24).fill(201));
      expect(answers.filter(([, ok]) => !ok).map(([status]) => status)).toEqual(Array(16).fill(404));
      expect(await countEvents(stack.db.ds)).toBe(before + 24);
    } finally {
      transact.mockRestore();
    }
  });

  it('the same id from the same writer for the same customer stays an idempotent 200 duplicate', async () => {
    const id = randomUUID();
    const first = await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1, id }));
    expect(first.status).toBe(201);
    const again = await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1, id }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ eventId: id, position: first.body.position, duplicate: true });
    const byExternal = await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1, externalId: 'call-77' }));
    const byExternalAgain = await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1, externalId: 'call-77' }));
    expect([byExternal.status, byExternalAgain.status]).toEqual([201, 200]);
    expect(byExternalAgain.body).toMatchObject({ eventId: byExternal.body.eventId, duplicate: true });
  });

  it('the same id for another customer of the same writer is a 409, not a drop', async () => {
    const id = randomUUID();
    expect((await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1, id }))).status).toBe(201);
    const before = await streamEvents(a1b);
    const clash = await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1b, id }));
    expect(clash.status).toBe(409);
    const reused = await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1b, externalId: 'call-1' })); // call-1 went to a1 above
    expect(reused.status).toBe(409);
    expect(await streamEvents(a1b)).toBe(before);
  });

  it('the same id from another writer for the same customer is a 409, not a duplicate', async () => {
    const id = randomUUID();
    expect((await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1, id }))).status).toBe(201);
    const other = await api('POST', '/touchpoints', admin.token, touchpoint({ customerId: a1, id }));
    expect(other.status).toBe(409);
    expect(other.body).not.toHaveProperty('position');
  });

  it('a batch carrying another customer’s event id is refused whole with 409', async () => {
    const theirs = await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1, id: randomUUID() }));
    const before = await countEvents(stack.db.ds);
    const res = await api('POST', '/touchpoints/batch', am2.token, { touchpoints: [touchpoint({ customerId: b2, id: randomUUID() }), touchpoint({ customerId: b2, id: theirs.body.eventId })] });
    expect(res.status).toBe(409);
    // As a number of its own: a position of 40 is not the 409 in the status.
    expect(JSON.stringify(res.body)).not.toMatch(new RegExp(`\\b${theirs.body.position}\\b`));
    expect(await countEvents(stack.db.ds)).toBe(before);
  });

  it('source writers: the same externalId from two sources is two touchpoints; another customer’s id on the one-statement path is a 409', async () => {
    const [one, two] = sources;
    const r1 = await api('POST', '/touchpoints', one.token, touchpoint({ customerId: a1, externalId: 'ticket-9' }));
    const r2 = await api('POST', '/touchpoints', two.token, touchpoint({ customerId: a1, externalId: 'ticket-9' }));
    expect([r1.status, r2.status]).toEqual([201, 201]);
    expect(r2.body.eventId).not.toBe(r1.body.eventId);
    const again = await api('POST', '/touchpoints', one.token, touchpoint({ customerId: a1, externalId: 'ticket-9' }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ eventId: r1.body.eventId, duplicate: true });
    const clash = await api('POST', '/touchpoints', two.token, touchpoint({ customerId: b2, id: r1.body.eventId }));
    expect(clash.status).toBe(409);
  });

  it('a signed webhook carrying another customer’s event id is kept as a dead letter, nothing stored under that id', async () => {
    const theirs = await api('POST', '/touchpoints', am1.token, touchpoint({ customerId: a1, id: randomUUID() }));
    const source = sources[0];
    const body = JSON.stringify(touchpoint({ customerId: b2, id: theirs.body.eventId }));
    const res = await call(stack.baseUrl, 'POST', `/webhooks/${source.id}`, { raw: body, headers: standardHeaders(source.secret, `msg_${randomUUID()}`, body) });
    expect(res.status).toBe(202);
    expect(res.body.eventIds).toEqual([]);
    expect(res.body.deadLetterId).toEqual(expect.any(String));
    expect(await countEvents(stack.db.ds, 'event_id = $1', [theirs.body.eventId])).toBe(1);
    expect(await countEvents(stack.db.ds, 'stream_id = $1 AND event_id = $2', [`customer-${b2}`, theirs.body.eventId])).toBe(0);
  });
});
