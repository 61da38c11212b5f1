import request from 'supertest';
import { SilenceService } from '../apps/worker/src/jobs/silence/silence.service.js';
import { QUEUES } from '../libs/queues/src/index.js';
import { deterministicId } from '../libs/shared/src/clock.js';
import { eventually, startStack, type Stack } from './support/stack.js';
import { testQueue } from './support/env.js';

describe('read models: portfolio, scoping, timeline, silence, ops', () => {
  let stack: Stack;
  let admin: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const users: Record<string, { id: string; token: string }> = {};
  const customers: Record<string, string> = {};

  const login = async (email: string, password: string) => (await request(stack.baseUrl).post('/api/v1/auth/login').send({ email, password }).expect(200)).body.token as string;
  const projected = async (ids: string[]) => {
    const rows = await stack.db.ds.query(
      `SELECT count(*)::int AS n FROM customer_health h
       WHERE h.customer_id = ANY($1::uuid[]) AND h.stream_version = (SELECT max(stream_version) FROM events e WHERE e.stream_id = 'customer-' || h.customer_id)`,
      [ids],
    );
    return rows[0].n === ids.length;
  };

  beforeAll(async () => {
    stack = await startStack();
    admin = await login('admin@closeness.test', 'admin-password-1');
    for (const name of ['am1', 'am2']) {
      const u = await request(stack.baseUrl).post('/api/v1/users').set(as(admin)).send({ email: `${name}@closeness.test`, name, password: 'password-123', role: 'account_manager' }).expect(201);
      users[name] = { id: u.body.id, token: await login(`${name}@closeness.test`, 'password-123') };
    }
    const old = Date.now() - 40 * 86_400_000;
    for (let i = 0; i < 6; i++) {
      const am = i < 4 ? users.am1.id : users.am2.id;
      const c = await request(stack.baseUrl).post('/api/v1/customers').set(as(admin)).send({ externalId: `rm-${i}`, name: `Customer ${i}`, accountManagerId: am }).expect(201);
      customers[`c${i}`] = c.body.id;
      const tps = Array.from({ length: 3 + i }, (_, k) => ({
        customerId: c.body.id,
        channel: k % 2 ? 'chatbot' : 'email',
        direction: 'inbound',
        initiatedBy: 'customer',
        handledBy: k % 2 ? 'automation' : 'human',
        occurredAt: new Date(old - (i * 5 + k) * 86_400_000).toISOString(),
        topic: 'billing',
      }));
      await request(stack.baseUrl).post('/api/v1/touchpoints/batch').set(as(admin)).send({ touchpoints: tps }).expect(201);
    }
    await eventually(() => projected(Object.values(customers)), 90_000);
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('shows an account manager only their customers; others answer 404', async () => {
    const mine = await request(stack.baseUrl).get('/api/v1/customers').set(as(users.am1.token)).expect(200);
    expect(mine.body.items.map((i: any) => i.id).sort()).toEqual([customers.c0, customers.c1, customers.c2, customers.c3].sort());
    expect(mine.body.items[0]).toEqual({
      id: expect.any(String),
      externalId: expect.any(String),
      name: expect.any(String),
      segment: null,
      accountManagerId: users.am1.id,
      annualValue: null,
      renewalDate: null,
      health: { score: expect.any(Number), band: expect.stringMatching(/green|yellow|red/), trend30d: expect.any(Number) },
      churnRisk: { probability: expect.any(Number), level: expect.stringMatching(/low|medium|high/) },
      lastRelationalContactAt: mine.body.items[0].lastRelationalContactAt,
      churnedAt: null,
      openFollowUps: expect.any(Number),
    });
    await request(stack.baseUrl).get(`/api/v1/customers/${customers.c5}`).set(as(users.am1.token)).expect(404);
    await request(stack.baseUrl).get(`/api/v1/customers/${customers.c5}/timeline`).set(as(users.am1.token)).expect(404);
    await request(stack.baseUrl).get(`/api/v1/customers/${customers.c5}/health`).set(as(users.am1.token)).expect(404);
    const detail = await request(stack.baseUrl).get(`/api/v1/customers/${customers.c5}`).set(as(users.am2.token)).expect(200);
    expect(Array.isArray(detail.body.drivers)).toBe(true);
    // The detail carries what the read model holds: churn drivers, the notes on the drivers, the evaluation time.
    const [row] = await stack.db.ds.query(`SELECT churn_drivers, notes, evaluated_at FROM customer_health WHERE customer_id = $1`, [customers.c5]);
    expect(detail.body.churnRisk).toEqual({ probability: expect.any(Number), level: expect.stringMatching(/low|medium|high/), drivers: row.churn_drivers });
    expect(detail.body.notes).toEqual(row.notes);
    expect(detail.body.healthEvaluatedAt).toBe(new Date(row.evaluated_at).toISOString());
  });

  it('sorts by risk, health and name with an opaque keyset cursor that walks every customer once', async () => {
    for (const sort of ['risk', 'health', 'name']) {
      const seen: any[] = [];
      let cursor: string | undefined;
      do {
        const res = await request(stack.baseUrl).get('/api/v1/customers').query({ sort, limit: 2, ...(cursor ? { cursor } : {}) }).set(as(admin)).expect(200);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(6);
      expect(new Set(seen.map((s) => s.id)).size).toBe(6);
      const key = (s: any) => (sort === 'risk' ? -s.churnRisk.probability : sort === 'health' ? s.health.score : s.name);
      for (let i = 1; i < seen.length; i++) expect(key(seen[i - 1]) <= key(seen[i])).toBe(true);
    }
    const band = (await request(stack.baseUrl).get('/api/v1/customers').query({ band: 'red' }).set(as(admin)).expect(200)).body.items;
    expect(band.every((i: any) => i.health.band === 'red')).toBe(true);
    await request(stack.baseUrl).get('/api/v1/customers').query({ sort: 'size' }).set(as(admin)).expect(422);
    await request(stack.baseUrl).get('/api/v1/customers').query({ cursor: 'garbage' }).set(as(admin)).expect(422);
  });

  it('pages the timeline newest first with relational scores on touchpoints', async () => {
    const id = customers.c5;
    const all: any[] = [];
    let before: string | undefined;
    do {
      const res = await request(stack.baseUrl).get(`/api/v1/customers/${id}/timeline`).query({ limit: 3, ...(before ? { before } : {}) }).set(as(admin)).expect(200);
      all.push(...res.body.items);
      before = res.body.nextCursor ?? undefined;
    } while (before);
    expect(all).toHaveLength(9); // registered + 8 touchpoints
    for (let i = 1; i < all.length; i++) expect(all[i - 1].occurredAt >= all[i].occurredAt).toBe(true);
    for (const item of all.filter((i) => i.type === 'TouchpointRecorded')) expect(item.relational.signals.length).toBeGreaterThan(0);
  });

  it('silence check records unanswered and quiet facts once (deterministic ids), and the timeline shows the unanswered signal', async () => {
    const service = stack.worker!.get(SilenceService);
    const now = new Date();
    const first = await service.runCheck(now);
    expect(first.unanswered).toBeGreaterThan(0);
    expect(first.quiet).toBe(6);
    const again = await service.runCheck(new Date(now.getTime() + 60_000));
    expect(again).toEqual({ customers: 6, unanswered: 0, quiet: 0 });
    const tp = (await stack.db.ds.query(`SELECT event_id FROM events WHERE stream_id = $1 AND type = 'TouchpointRecorded' AND data->>'handledBy' = 'human' LIMIT 1`, [`customer-${customers.c0}`]))[0].event_id;
    const fact = await stack.db.ds.query(`SELECT type FROM events WHERE event_id = $1`, [deterministicId('unanswered', tp)]);
    expect(fact).toEqual([{ type: 'InboundMessageWentUnanswered' }]);
    await eventually(async () => {
      const rows = await stack.db.ds.query(`SELECT r.score AS relational FROM customer_timeline t JOIN relational_scores r ON r.id = t.relational_id WHERE t.event_id = $1`, [tp]);
      return rows[0]?.relational?.signals?.some((s: any) => s.name === 'inbound_unanswered');
    }, 60_000);
    // The job scheduler exists on the silence queue under this stack's prefix.
    // Through the product's own connection: REDIS_URL with a database index (redis://…/3), or PostgreSQL.
    const { queue, close } = await testQueue(stack.config, QUEUES.silence);
    try {
      const scheduler = await queue.getJobScheduler('silence-check');
      expect(scheduler?.pattern).toBe(stack.config.SILENCE_CHECK_CRON);
    } finally {
      await close();
    }
  });

  it('reports the team: relational/transactional shares per account manager and average scores per channel', async () => {
    const res = await request(stack.baseUrl).get('/api/v1/reports/team').query({ from: new Date(Date.now() - 400 * 86_400_000).toISOString() }).set(as(admin)).expect(200);
    const am1 = res.body.accountManagers.find((m: any) => m.id === users.am1.id);
    expect(am1).toEqual(expect.objectContaining({ name: 'am1', openFollowUps: expect.any(Number), overdueFollowUps: expect.any(Number) }));
    expect(am1.contacts).toBe(3 + 4 + 5 + 6);
    expect(am1.relationalShare + am1.transactionalShare).toBeLessThanOrEqual(1);
    expect(res.body.channels.map((c: any) => c.key).sort()).toEqual(['chatbot', 'email']);
    expect(res.body.topics).toEqual([{ key: 'billing', contacts: 33, averageScore: expect.any(Number) }]);
    await request(stack.baseUrl).get('/api/v1/reports/team').set(as(users.am1.token)).expect(403);
    await request(stack.baseUrl).get('/api/v1/reports/team').query({ from: 'soon' }).set(as(admin)).expect(422);
  });

  it('lists projections with lag and status for ops/admin, 404 for an unknown rebuild, 403 for an account manager', async () => {
    const res = await request(stack.baseUrl).get('/api/v1/ops/projections').set(as(admin)).expect(200);
    expect(res.body.map((p: any) => p.name)).toEqual(expect.arrayContaining(['customer-read-models', 'customer-follow-ups']));
    expect(res.body[0]).toMatchObject({
      name: expect.any(String), position: expect.any(Number), lagEvents: expect.any(Number), lagSeconds: expect.any(Number), status: expect.any(String),
      lastError: null, parked: 0, parkedEvents: [],
    });
    // A partitioned projection also says how many of its buckets have applied everything and
    // which processes hold them; the stack in this test runs one process holding all of them.
    for (const p of res.body.filter((x: any) => x.buckets)) {
      expect(p.buckets).toEqual({ count: 64, applied: expect.any(Number) });
      expect(p.leaseHolders.reduce((n: number, h: any) => n + h.buckets, 0)).toBe(64);
    }
    await request(stack.baseUrl).post('/api/v1/ops/projections/no-such-thing/rebuild').set(as(admin)).expect(404);
    await request(stack.baseUrl).get('/api/v1/ops/projections').set(as(users.am1.token)).expect(403);
  });
});
