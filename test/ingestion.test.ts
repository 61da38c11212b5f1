import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from './support/stack.js';
import { call, countEvents, createUser, minutesAgo, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';

jest.setTimeout(60_000);

describe('customers commands and POST /touchpoints (real API + Postgres)', () => {
  let stack: Stack;
  let admin: TestUser;
  let lead: TestUser;
  let am1: TestUser;
  let am2: TestUser;
  let otherAm: TestUser;
  let ops: TestUser;
  let c1: string; // am1's customer
  let c2: string; // otherAm's customer
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    const ds = stack.db.ds;
    admin = await createUser(ds, 'admin');
    lead = await createUser(ds, 'team_lead');
    am1 = await createUser(ds, 'account_manager', lead.id);
    am2 = await createUser(ds, 'account_manager', lead.id);
    const otherLead = await createUser(ds, 'team_lead');
    otherAm = await createUser(ds, 'account_manager', otherLead.id);
    ops = await createUser(ds, 'ops');
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  describe('POST /customers', () => {
    it('registers a customer: registry row and CustomerRegistered event in one go', async () => {
      const res = await api('POST', '/customers', admin, { externalId: 'crm-1', name: 'Acme', segment: 'smb', accountManagerId: am1.id, renewalDate: '2027-03-31', annualValue: 120000 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ externalId: 'crm-1', name: 'Acme', segment: 'smb', accountManagerId: am1.id, renewalDate: '2027-03-31', annualValue: 120000, health: null });
      c1 = res.body.id;
      const events = await stack.db.ds.query(`SELECT type, data, metadata FROM events WHERE stream_id = $1`, [`customer-${c1}`]);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'CustomerRegistered', data: { customerId: c1, externalId: 'crm-1', createdVia: 'api' }, metadata: { actorId: admin.id } });
      expect(events[0].metadata.correlationId).toBeTruthy();
    });

    it('answers 409 on a duplicate externalId and writes nothing', async () => {
      const before = await countEvents(stack.db.ds);
      const res = await api('POST', '/customers', admin, { externalId: 'crm-1', name: 'Other' });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(await countEvents(stack.db.ds)).toBe(before);
    });

    it('lets an account manager create customers only for themselves', async () => {
      const own = await api('POST', '/customers', otherAm, { externalId: 'crm-2', name: 'Beta' });
      expect(own.status).toBe(201);
      expect(own.body.accountManagerId).toBe(otherAm.id);
      c2 = own.body.id;
      const foreign = await api('POST', '/customers', am1, { externalId: 'crm-3', name: 'Gamma', accountManagerId: am2.id });
      expect(foreign.status).toBe(422);
    });

    it('lets a team lead assign only within the team', async () => {
      expect((await api('POST', '/customers', lead, { externalId: 'crm-4', name: 'Delta', accountManagerId: am2.id })).status).toBe(201);
      expect((await api('POST', '/customers', lead, { externalId: 'crm-5', name: 'Eps', accountManagerId: otherAm.id })).status).toBe(422);
    });

    it('validates fields and refuses unknown ones', async () => {
      const res = await api('POST', '/customers', admin, { externalId: '', name: 'x', annualValue: -1, isAdmin: true });
      expect(res.status).toBe(422);
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['externalId', 'annualValue', 'isAdmin']));
    });

    it('refuses ops (no customer data)', async () => {
      expect((await api('POST', '/customers', ops, { externalId: 'crm-6', name: 'Zeta' })).status).toBe(403);
    });

    it('accountManagerId must be an active account manager', async () => {
      const res = await api('POST', '/customers', admin, { externalId: 'crm-7', name: 'Eta', accountManagerId: ops.id });
      expect(res.status).toBe(422);
    });
  });

  describe('PATCH /customers/:id and outcomes', () => {
    it('records only what changed, moves the registry in the same transaction', async () => {
      const res = await api('PATCH', `/customers/${c1}`, admin, { name: 'Acme AS', segment: 'smb', accountManagerId: am2.id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: c1, name: 'Acme AS', accountManagerId: am2.id });
      const types = (await stack.db.ds.query(`SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`customer-${c1}`])).map((r: { type: string }) => r.type);
      expect(types).toEqual(['CustomerRegistered', 'CustomerDetailsChanged', 'AccountManagerAssigned']);
      const [row] = await stack.db.ds.query(`SELECT name, account_manager_id, version FROM customers WHERE id = $1`, [c1]);
      expect(row).toEqual({ name: 'Acme AS', account_manager_id: am2.id, version: 3 });
    });

    it('is 404 outside the caller’s reach and for unknown ids', async () => {
      expect((await api('PATCH', `/customers/${c1}`, am1, { name: 'x' })).status).toBe(404); // reassigned to am2
      expect((await api('PATCH', `/customers/${c2}`, lead, { name: 'x' })).status).toBe(404);
      expect((await api('PATCH', `/customers/${randomUUID()}`, admin, { name: 'x' })).status).toBe(404);
      expect((await api('PATCH', `/customers/not-a-uuid`, admin, { name: 'x' })).status).toBe(404);
    });

    it('refuses a non-existent account manager with 422 and a taken externalId with 409', async () => {
      expect((await api('PATCH', `/customers/${c1}`, admin, { accountManagerId: randomUUID() })).status).toBe(422);
      expect((await api('PATCH', `/customers/${c1}`, admin, { externalId: 'crm-2' })).status).toBe(409);
    });

    it('records an outcome once', async () => {
      const body = { type: 'renewed', occurredAt: '2026-10-01T00:00:00Z' };
      const first = await api('POST', `/customers/${c1}/outcomes`, am2, body);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ customerId: c1, type: 'renewed', duplicate: false });
      const again = await api('POST', `/customers/${c1}/outcomes`, am2, body);
      expect(again.body).toMatchObject({ eventId: first.body.eventId, duplicate: true });
      expect(await countEvents(stack.db.ds, `type = 'OutcomeRecorded'`)).toBe(1);
      expect((await api('POST', `/customers/${c1}/outcomes`, am2, { type: 'won', occurredAt: '2026-10-01T00:00:00Z' })).status).toBe(422);
      expect((await api('POST', `/customers/${c1}/outcomes`, am1, body)).status).toBe(404);
    });
  });

  describe('POST /touchpoints', () => {
    it('stores a touchpoint with metadata; the same id again is 200 duplicate with the stored position', async () => {
      const id = randomUUID();
      const first = await api('POST', '/touchpoints', am2, touchpoint({ id, customerId: c1, summary: 'asked about returns' }));
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ eventId: id, position: expect.any(Number), duplicate: false });
      const again = await api('POST', '/touchpoints', am2, touchpoint({ id, customerId: c1 }));
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ eventId: id, position: first.body.position, duplicate: true });
      const rows = await stack.db.ds.query(`SELECT stream_id, data, metadata FROM events WHERE event_id = $1`, [id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].stream_id).toBe(`customer-${c1}`);
      expect(rows[0].data).toMatchObject({ id, customerId: c1, channel: 'phone', summary: 'asked about returns' });
      expect(rows[0].metadata).toMatchObject({ actorId: am2.id, occurredAt: rows[0].data.occurredAt });
    });

    it('derives the idempotency key from externalId when there is no id', async () => {
      const a = await api('POST', '/touchpoints', admin, touchpoint({ externalId: 'call-77', customerId: c1 }));
      const b = await api('POST', '/touchpoints', admin, touchpoint({ externalId: 'call-77', customerId: c1 }));
      expect(a.status).toBe(201);
      expect(b.status).toBe(200);
      expect(b.body.eventId).toBe(a.body.eventId);
    });

    it('names every bad field with its path', async () => {
      const res = await api('POST', '/touchpoints', admin, {
        customerId: c1,
        channel: 'pigeon',
        direction: 'sideways',
        initiatedBy: 'customer',
        handledBy: 'human',
        occurredAt: new Date(Date.now() + 3_600_000).toISOString(),
        survey: { kind: 'nps', score: 11 },
        transcript: [{ speaker: 'customer', text: 'hi' }, { speaker: 'alien', text: 'x' }],
        durationSeconds: -3,
        extra: 1,
      });
      expect(res.status).toBe(422);
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['channel', 'direction', 'occurredAt', 'survey.score', 'transcript[1].speaker', 'durationSeconds', 'extra']));
    });

    it('checks survey ranges per kind', async () => {
      expect((await api('POST', '/touchpoints', admin, touchpoint({ customerId: c1, channel: 'survey', survey: { kind: 'csat', score: 0 } }))).status).toBe(422);
      expect((await api('POST', '/touchpoints', admin, touchpoint({ customerId: c1, channel: 'survey', survey: { kind: 'ces', score: 7 } }))).status).toBe(201);
      expect((await api('POST', '/touchpoints', admin, touchpoint({ customerId: c1, channel: 'survey', survey: { kind: 'nps', score: 0 } }))).status).toBe(201);
    });

    it('requires a customer and keeps customers outside the caller’s reach at 404', async () => {
      expect((await api('POST', '/touchpoints', admin, touchpoint())).status).toBe(422);
      expect((await api('POST', '/touchpoints', am1, touchpoint({ customerId: c2 }))).status).toBe(404);
      expect((await api('POST', '/touchpoints', admin, touchpoint({ customerId: randomUUID() }))).status).toBe(404);
      expect((await api('POST', '/touchpoints', ops, touchpoint({ customerId: c1 }))).status).toBe(403);
      expect((await call(stack.baseUrl, 'POST', '/touchpoints', { body: touchpoint({ customerId: c1 }) })).status).toBe(401);
    });

    it('creates an unknown customerExternalId as a customer, once, even under concurrency', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => api('POST', '/touchpoints', admin, touchpoint({ customerExternalId: 'new-ext-1', customerName: 'Newco', summary: `n${i}` }))),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
      const customers = await stack.db.ds.query(`SELECT id, name, account_manager_id, created_via FROM customers WHERE external_id = 'new-ext-1'`);
      expect(customers).toEqual([{ id: expect.any(String), name: 'Newco', account_manager_id: null, created_via: 'touchpoint' }]);
      const stream = `customer-${customers[0].id}`;
      expect(await countEvents(stack.db.ds, `stream_id = $1 AND type = 'CustomerRegistered'`, [stream])).toBe(1);
      expect(await countEvents(stack.db.ds, `stream_id = $1 AND type = 'TouchpointRecorded'`, [stream])).toBe(10);
      const versions = (await stack.db.ds.query(`SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY stream_version`, [stream])).map((r: { stream_version: number }) => r.stream_version);
      expect(versions).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    });
  });

  describe('POST /touchpoints/batch', () => {
    it('is all or nothing: any bad item is 422 naming each index, nothing written', async () => {
      const before = await countEvents(stack.db.ds);
      const res = await api('POST', '/touchpoints/batch', admin, {
        touchpoints: [touchpoint({ customerId: c1 }), touchpoint({ customerId: c1, channel: 'fax' }), touchpoint({ customerId: c1 }), touchpoint({ customerId: c1, survey: { kind: 'nps', score: -1 } })],
      });
      expect(res.status).toBe(422);
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['touchpoints[1].channel', 'touchpoints[3].survey.score']));
      expect(await countEvents(stack.db.ds)).toBe(before);
    });

    it('refuses a NUL character (U+0000), which Postgres cannot store, by its path with 422, not 500, and writes nothing', async () => {
      const before = await countEvents(stack.db.ds);
      const batch = await api('POST', '/touchpoints/batch', admin, {
        touchpoints: [touchpoint({ customerId: c1 }), touchpoint({ customerId: c1, summary: 'a\u0000b' }), touchpoint({ customerId: c1, tags: ['ok', 'x\u0000'] })],
      });
      expect(batch.status).toBe(422);
      expect(batch.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['touchpoints[1].summary', 'touchpoints[2].tags[1]']));
      const one = await api('POST', '/touchpoints', admin, touchpoint({ customerExternalId: 'nul-ext', transcript: [{ speaker: 'customer', text: 'hi\u0000' }] }));
      expect(one.status).toBe(422);
      expect(one.body.errors).toEqual([{ path: 'transcript[0].text', message: expect.stringMatching(/U\+0000/) }]);
      // Text no validator looks at reaches Postgres, which refuses it: still the client's to fix.
      const customer = await api('POST', '/customers', admin, { externalId: 'nul-customer', name: 'Nul\u0000 AS' });
      expect(customer.status).toBe(422);
      expect(customer.headers.get('content-type')).toMatch(/problem\+json/);
      expect(await countEvents(stack.db.ds)).toBe(before);
    });

    it('names a customer outside reach by index and writes nothing', async () => {
      const before = await countEvents(stack.db.ds);
      const res = await api('POST', '/touchpoints/batch', am2, { touchpoints: [touchpoint({ customerId: c1 }), touchpoint({ customerId: c2 })] });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ path: 'touchpoints[1].customerId', message: expect.any(String) }]);
      expect(await countEvents(stack.db.ds)).toBe(before);
    });

    it('stores a mixed batch in one go and counts duplicates', async () => {
      const stored = randomUUID();
      await api('POST', '/touchpoints', admin, touchpoint({ id: stored, customerId: c1 }));
      const fresh = randomUUID();
      const items = [
        touchpoint({ id: stored, customerId: c1 }),
        touchpoint({ id: fresh, customerId: c1, occurredAt: minutesAgo(10) }),
        touchpoint({ id: fresh, customerId: c1 }), // repeated inside the batch
        touchpoint({ customerExternalId: 'batch-new-1' }),
        touchpoint({ customerExternalId: 'batch-new-1' }),
        touchpoint({ customerId: c2 }),
      ];
      const res = await api('POST', '/touchpoints/batch', admin, { touchpoints: items });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ accepted: 4, duplicates: 2 });
      expect(res.body.results.map((r: { index: number; duplicate: boolean }) => [r.index, r.duplicate])).toEqual([
        [0, true],
        [1, false],
        [2, true],
        [3, false],
        [4, false],
        [5, false],
      ]);
      expect(res.body.results[0].eventId).toBe(stored);
      expect(await countEvents(stack.db.ds, 'event_id = $1', [fresh])).toBe(1);
      const [created] = await stack.db.ds.query(`SELECT id FROM customers WHERE external_id = 'batch-new-1'`);
      expect(await countEvents(stack.db.ds, 'stream_id = $1', [`customer-${created.id}`])).toBe(3);
    });

    it('concurrent batches over the same customers in opposite orders all succeed (no deadlock, no lost event)', async () => {
      const batch = (k: number, reverse: boolean) => {
        const items = Array.from({ length: 40 }, (_, i) => touchpoint({ customerExternalId: `race-${i % 20}`, externalId: `race-${k}-${i}` }));
        return { touchpoints: reverse ? items.reverse() : items };
      };
      const results = await Promise.all(Array.from({ length: 8 }, (_, k) => api('POST', '/touchpoints/batch', admin, batch(k, k % 2 === 1))));
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(await countEvents(stack.db.ds, `type = 'TouchpointRecorded' AND data->>'externalId' LIKE 'race-%'`)).toBe(320);
      expect(await countEvents(stack.db.ds, `type = 'CustomerRegistered' AND data->>'externalId' LIKE 'race-%'`)).toBe(20);
    });

    it('many large concurrent batches over the same known customers all succeed, with contiguous stream versions (writers queue, no 500)', async () => {
      const customers = Array.from({ length: 150 }, (_, i) => `crowd-${i}`);
      await api('POST', '/touchpoints/batch', admin, { touchpoints: customers.map((c, i) => touchpoint({ customerExternalId: c, externalId: `crowd-warm-${i}` })) });
      const batch = (k: number) => ({ touchpoints: Array.from({ length: 600 }, (_, i) => touchpoint({ customerExternalId: customers[(i * 7 + k) % customers.length], externalId: `crowd-${k}-${i}` })) });
      const results = await Promise.all(Array.from({ length: 12 }, (_, k) => api('POST', '/touchpoints/batch', admin, batch(k))));
      expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
      expect(await countEvents(stack.db.ds, `type = 'TouchpointRecorded' AND data->>'externalId' LIKE 'crowd-%'`)).toBe(150 + 12 * 600);
      const gaps = await stack.db.ds.query(
        `SELECT stream_id FROM events WHERE stream_id IN (SELECT 'customer-' || id FROM customers WHERE external_id LIKE 'crowd-%')
         GROUP BY stream_id HAVING max(stream_version) <> count(*)`,
      );
      expect(gaps).toEqual([]);
    }, 120_000);

    it('refuses more than 1000 items and an empty list', async () => {
      const many = Array.from({ length: 1001 }, () => touchpoint({ customerId: c1 }));
      expect((await api('POST', '/touchpoints/batch', admin, { touchpoints: many })).status).toBe(422);
      expect((await api('POST', '/touchpoints/batch', admin, { touchpoints: [] })).status).toBe(422);
    });

    it('takes 1000 touchpoints over many customers in one request', async () => {
      const items = Array.from({ length: 1000 }, (_, i) => touchpoint({ customerExternalId: `bulk-${i % 50}`, externalId: `bulk-tp-${i}` }));
      const res = await api('POST', '/touchpoints/batch', admin, { touchpoints: items });
      expect(res.status).toBe(201);
      expect(res.body.accepted).toBe(1000);
      const again = await api('POST', '/touchpoints/batch', admin, { touchpoints: items });
      expect(again.body).toMatchObject({ accepted: 0, duplicates: 1000 });
    });
  });
});
