import request from 'supertest';
import { eventually, startStack, type Stack } from './support/stack.js';

const DAY = 86_400_000;

// The account manager's pulse through the API: an event on the customer's stream, a health
// driver of documented size (weight 10 · (score − 3)/2), on the timeline, scoped to their customers.
// How it decays is the domain's (libs/relationship/src/health/pulse.spec.ts).
describe('POST /customers/:id/pulse', () => {
  let stack: Stack;
  let admin: string;
  let am: { id: string; token: string };
  let other: string;
  let customerId: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const row = async () => (await stack.db.ds.query(`SELECT score, drivers, events_considered FROM customer_health WHERE customer_id = $1`, [customerId]))[0];

  beforeAll(async () => {
    stack = await startStack();
    admin = (await request(stack.baseUrl).post('/api/v1/auth/login').send({ email: 'admin@closeness.test', password: 'admin-password-1' }).expect(200)).body.token;
    const login = async (name: string) => {
      const u = await request(stack.baseUrl).post('/api/v1/users').set(as(admin)).send({ email: `${name}@closeness.test`, name, password: 'password-123', role: 'account_manager' }).expect(201);
      const t = await request(stack.baseUrl).post('/api/v1/auth/login').send({ email: `${name}@closeness.test`, password: 'password-123' }).expect(200);
      return { id: u.body.id, token: t.body.token };
    };
    am = await login('pulse-am');
    other = (await login('pulse-other')).token;
    customerId = (await request(stack.baseUrl).post('/api/v1/customers').set(as(admin)).send({ externalId: 'pulse-1', name: 'Kari Nordmann', accountManagerId: am.id }).expect(201)).body.id;
    // A steady, personal relationship: a score in the middle of the scale, so ±10 is not clamped.
    const touchpoints = [30, 20, 10].map((d, i) => ({
      id: `0000000${i}-0000-4000-8000-${customerId.slice(-12)}`,
      customerId,
      channel: 'email',
      direction: 'inbound',
      initiatedBy: 'customer',
      handledBy: 'human',
      occurredAt: new Date(Date.now() - d * DAY).toISOString(),
      topic: 'billing',
    }));
    await request(stack.baseUrl).post('/api/v1/touchpoints/batch').set(as(admin)).send({ touchpoints }).expect(201);
    await eventually(async () => (await row())?.events_considered === 3, 60_000);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('given the account manager’s pulse of 1, when recorded, then health drops by the pulse weight, with the pulse as a driver and on the timeline', async () => {
    const before = await row();
    const res = await request(stack.baseUrl).post(`/api/v1/customers/${customerId}/pulse`).set(as(am.token)).send({ score: 1, note: 'They are looking at a competitor.' }).expect(201);
    expect(res.body).toMatchObject({ customerId, score: 1, note: 'They are looking at a competitor.', eventId: expect.any(String) });
    const [event] = await stack.db.ds.query(`SELECT type, data, metadata FROM events WHERE event_id = $1`, [res.body.eventId]);
    expect(event).toMatchObject({ type: 'AccountManagerPulseRecorded', data: { customerId, score: 1, recordedBy: am.id }, metadata: { actorId: am.id } });

    await eventually(async () => (await row()).events_considered === 4, 60_000);
    const after = await row();
    // Evaluated at the pulse itself: fresh, its whole weight; the other drivers aged a moment.
    expect(after.score - before.score).toBeGreaterThanOrEqual(-11);
    expect(after.score - before.score).toBeLessThanOrEqual(-9);
    expect(after.drivers).toContainEqual({ factor: expect.stringMatching(/^account manager's pulse 1 of 5 \(at risk\) on /), effect: -10, eventIds: [res.body.eventId] });

    const timeline = await request(stack.baseUrl).get(`/api/v1/customers/${customerId}/timeline`).set(as(am.token)).expect(200);
    expect(timeline.body.items[0]).toMatchObject({ eventId: res.body.eventId, type: 'AccountManagerPulseRecorded', data: { score: 1, note: 'They are looking at a competitor.' } });
  });

  it('given a bad score or someone else’s customer, when recorded, then 422 or 404 as problem+json and nothing is stored', async () => {
    const bad = await request(stack.baseUrl).post(`/api/v1/customers/${customerId}/pulse`).set(as(am.token)).send({ score: 6 }).expect(422);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(stack.baseUrl).post(`/api/v1/customers/${customerId}/pulse`).set(as(am.token)).send({ score: 2.5 }).expect(422);
    await request(stack.baseUrl).post(`/api/v1/customers/${customerId}/pulse`).set(as(other)).send({ score: 4 }).expect(404);
    const [n] = await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE type = 'AccountManagerPulseRecorded'`);
    expect(n.n).toBe(1);
  });
});
