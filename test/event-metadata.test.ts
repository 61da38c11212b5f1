import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FollowUpsService } from '../apps/worker/src/jobs/follow-ups/follow-ups.service.js';
import { SilenceService } from '../apps/worker/src/jobs/silence/silence.service.js';
import { alreadyDecided, EventStore, MissingMetadataError } from '../libs/event-store/src/index.js';
import { call, createUser, minutesAgo, standardHeaders, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';
import { eventually, startStack, type Stack } from './support/stack.js';

jest.setTimeout(120_000);

const DAY_MS = 86_400_000;

/*
 * Every event carries who caused it (`actorId`) and the flow it belongs to (`correlationId`):
 * the seam refuses an event without them, and every write path of the product sets both.
 */
describe('event metadata: correlation and actor on every event (real stack)', () => {
  let stack: Stack;
  let admin: TestUser;
  let lead: TestUser;
  let am: TestUser;
  let ops: TestUser;
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });
  const count = async (where: string, params: unknown[] = []) => Number((await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE ${where}`, params))[0].n);

  beforeAll(async () => {
    stack = await startStack({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    admin = await createUser(stack.db.ds, 'admin');
    lead = await createUser(stack.db.ds, 'team_lead');
    am = await createUser(stack.db.ds, 'account_manager', lead.id);
    ops = await createUser(stack.db.ds, 'ops');
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  describe('the seam', () => {
    let store: EventStore;
    beforeAll(() => {
      store = new EventStore(stack.db.ds);
    });

    it('refuses an event without a correlation id or an actor, and writes nothing', async () => {
      const stream = `customer-${randomUUID()}`;
      const event = { type: 'TestHappened', data: { n: 1 } };
      await expect(store.handle(stream, alreadyDecided, [event], { correlationId: '', actorId: 'test' })).rejects.toBeInstanceOf(MissingMetadataError);
      await expect(store.handle(stream, alreadyDecided, [event], { correlationId: randomUUID(), actorId: '' })).rejects.toMatchObject({ missing: ['actorId'] });
      await expect(store.handle(stream, alreadyDecided, [event], { correlationId: undefined as unknown as string, actorId: undefined as unknown as string })).rejects.toMatchObject({ missing: ['correlationId', 'actorId'] });
      await expect(store.transaction((tx) => store.handle(stream, alreadyDecided, [event], { correlationId: '', actorId: 'test', tx }))).rejects.toBeInstanceOf(MissingMetadataError);
      expect(await count('stream_id = $1', [stream])).toBe(0);
    });

    it('writes the context’s metadata on every event, and an event’s own metadata over it', async () => {
      const stream = `customer-${randomUUID()}`;
      const correlationId = randomUUID();
      const own = randomUUID();
      await store.handle(stream, alreadyDecided, [{ type: 'A', data: {} }, { type: 'B', data: {}, occurredAt: '2026-01-01T00:00:00.000Z', metadata: { causationId: own } }], { correlationId, actorId: 'tester' });
      const rows = await stack.db.ds.query(`SELECT type, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`, [stream]);
      expect(rows).toEqual([
        { type: 'A', metadata: { correlationId, causationId: correlationId, actorId: 'tester' } },
        { type: 'B', metadata: { correlationId, causationId: own, actorId: 'tester', occurredAt: '2026-01-01T00:00:00.000Z' } },
      ]);
    });

    it('refuses a transaction it did not open', async () => {
      await expect(stack.db.ds.transaction((tx) => store.handle(`customer-${randomUUID()}`, alreadyDecided, [{ type: 'A', data: {} }], { correlationId: randomUUID(), actorId: 'tester', tx }))).rejects.toThrow(/EventStore.transaction/);
    });
  });

  it('every write path of the product sets both', async () => {
    // Customers: register, change, outcome.
    const created = await api('POST', '/customers', admin, { externalId: `meta-${randomUUID()}`, name: 'Kari Nordmann', annualValue: 300_000, accountManagerId: am.id });
    expect(created.status).toBe(201);
    const c = created.body.id as string;
    expect((await api('PATCH', `/customers/${c}`, admin, { name: 'Kari Nordmann AS' })).status).toBe(200);
    expect((await api('POST', `/customers/${c}/outcomes`, am, { type: 'renewed', occurredAt: minutesAgo(120) })).status).toBe(201);

    // Touchpoints: the API (a transactional chatbot contact raises a follow-up in the worker), the batch (creates a customer).
    const chatbot = touchpoint({
      customerId: c, channel: 'chatbot', handledBy: 'automation', occurredAt: minutesAgo(30), topic: 'invoice',
      transcript: [{ speaker: 'customer', text: 'Where is my refund?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
    });
    expect((await api('POST', '/touchpoints', am, chatbot)).status).toBe(201);
    const batch = await api('POST', '/touchpoints/batch', admin, { touchpoints: [touchpoint({ customerExternalId: `meta-new-${randomUUID()}` }), touchpoint({ customerId: c, occurredAt: minutesAgo(20) })] });
    expect(batch.status).toBe(201);

    // Webhooks: a signed delivery, and a dead letter that a retry stores later.
    const source = await api('POST', '/sources', admin, { name: 'crm', format: 'touchpoint' });
    expect(source.status).toBe(201);
    const body = JSON.stringify(touchpoint({ customerId: c, occurredAt: minutesAgo(10) }));
    const delivered = await call(stack.baseUrl, 'POST', `/webhooks/${source.body.id}`, { raw: body, headers: standardHeaders(source.body.secret, `msg_${randomUUID()}`, body) });
    expect(delivered.status).toBe(202);
    const late = randomUUID();
    const lateBody = JSON.stringify(touchpoint({ customerId: late }));
    const dead = await call(stack.baseUrl, 'POST', `/webhooks/${source.body.id}`, { raw: lateBody, headers: standardHeaders(source.body.secret, `msg_${randomUUID()}`, lateBody) });
    expect(dead.body.deadLetterId).toBeDefined();
    await stack.db.ds.query(`INSERT INTO customers (id, external_id, name) VALUES ($1, $2, 'Late Ltd')`, [late, `late-${late}`]);
    const retried = await api('POST', `/ops/dead-letters/${dead.body.deadLetterId}/retry`, ops);
    expect(retried.body).toMatchObject({ status: 'resolved' });

    // Follow-ups: the worker raises; the API snoozes and completes; the sweep escalates; a second task is dismissed.
    const task = await eventually(async () => (await api('GET', `/follow-ups?customerId=${c}&status=open`, am)).body.items[0]);
    expect((await api('POST', `/follow-ups/${task.id}/snooze`, am, { until: new Date(Date.now() + 60_000).toISOString() })).status).toBe(200);
    expect((await api('POST', `/follow-ups/${task.id}/complete`, am, { note: 'called' })).status).toBe(200);
    const other = await api('POST', '/customers', admin, { externalId: `meta-${randomUUID()}`, name: 'Ola Hansen', annualValue: 400_000, accountManagerId: am.id });
    expect((await api('POST', '/touchpoints', am, { ...chatbot, customerId: other.body.id })).status).toBe(201);
    const second = await eventually(async () => (await api('GET', `/follow-ups?customerId=${other.body.id}&status=open`, am)).body.items[0]);
    // A sweep a month from now finds it overdue.
    expect((await stack.worker!.get(FollowUpsService).sweep(500, new Date(Date.now() + 30 * DAY_MS))).escalated).toBeGreaterThan(0);
    expect((await api('POST', `/follow-ups/${second.id}/dismiss`, am, { reason: 'handled by phone' })).status).toBe(200);

    // Silence: time alone, checked 200 days from now.
    const silence = await stack.worker!.get(SilenceService).runCheck(new Date(Date.now() + 200 * DAY_MS));
    expect(silence.unanswered + silence.quiet).toBeGreaterThan(0);

    // Users and auth: create, change, a failed and a good login, logout.
    const email = `meta-${randomUUID()}@closeness.test`;
    const user = await api('POST', '/users', admin, { email, name: 'Some One', password: 'password-123', role: 'ops' });
    expect(user.status).toBe(201);
    expect((await api('PATCH', `/users/${user.body.id}`, admin, { name: 'Some Body' })).status).toBe(200);
    expect((await call(stack.baseUrl, 'POST', '/auth/login', { body: { email, password: 'wrong-password' } })).status).toBe(401);
    const login = await call(stack.baseUrl, 'POST', '/auth/login', { body: { email, password: 'password-123' } });
    expect(login.status).toBe(200);
    expect((await call(stack.baseUrl, 'POST', '/auth/logout', { token: login.body.token })).status).toBe(204);

    // Rules and subscriptions.
    const rules = await api('GET', '/rules', admin);
    const { version: _v, updatedAt: _u, updatedBy: _b, ...current } = rules.body;
    expect((await api('PUT', '/rules', admin, current)).status).toBe(200);
    const sub = await api('POST', '/subscriptions', admin, { url: 'http://127.0.0.1:9/hook', events: ['follow_up.raised'] });
    expect(sub.status).toBe(201);
    expect((await api('DELETE', `/subscriptions/${sub.body.id}`, admin)).status).toBe(204);

    // Every kind of event the paths above write is there, and none lacks either id.
    const types = (await stack.db.ds.query(`SELECT DISTINCT type FROM events`)).map((r: { type: string }) => r.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'CustomerRegistered', 'CustomerDetailsChanged', 'OutcomeRecorded', 'TouchpointRecorded',
        'FollowUpTaskRaised', 'FollowUpTaskSnoozed', 'FollowUpTaskCompleted', 'FollowUpTaskEscalated', 'FollowUpTaskDismissed',
        'UserCreated', 'UserChanged', 'UserLoginFailed', 'UserLoggedIn', 'UserLoggedOut',
        'FollowUpRulesChanged', 'WebhookSubscriptionCreated', 'WebhookSubscriptionDeleted',
      ]),
    );
    expect(types.some((t: string) => t === 'InboundMessageWentUnanswered' || t === 'RelationshipWentQuiet')).toBe(true);
    const lacking = await stack.db.ds.query(
      `SELECT type, metadata FROM events
       WHERE coalesce(metadata->>'correlationId', '') = '' OR coalesce(metadata->>'actorId', '') = ''`,
    );
    expect(lacking).toEqual([]);
  });
});
