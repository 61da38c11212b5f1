import request from 'supertest';
import { eventually, startStack, type Stack } from './support/stack.js';

const DAY = 86_400_000;

// A customer's last 100 days: `kind` decides whether contact is personal or automated.
function history(customerId: string, kind: 'warm' | 'cold' | 'mixed', end: number): any[] {
  return Array.from({ length: 16 }, (_, i) => {
    const human = kind === 'warm' || (kind === 'mixed' && i % 2 === 0);
    const tp: any = {
      id: `${String(i).padStart(8, '0')}-0000-4000-8000-${customerId.slice(-12)}`,
      customerId,
      channel: human ? 'phone' : 'newsletter',
      direction: human ? 'inbound' : 'outbound',
      initiatedBy: human ? 'customer' : 'company',
      handledBy: human ? 'human' : 'automation',
      occurredAt: new Date(end - (100 - i * 6) * DAY).toISOString(),
      topic: 'onboarding',
    };
    if (human) tp.transcript = [{ speaker: 'agent', text: 'Hi Kari, how is the rollout going? Tell me more about your team.' }, { speaker: 'customer', text: 'Really well, thank you for checking in, we appreciate it.' }];
    return tp;
  });
}

// The health configuration and the churn model as audited admin changes, and the preview of a
// change computed from the log with the projection's functions (docs/backtest.md).
describe('health configuration and churn model', () => {
  let stack: Stack;
  let token: string;
  const ids: string[] = [];
  const as = () => ({ Authorization: `Bearer ${token}` });
  const rows = async () => (await stack.db.ds.query(`SELECT customer_id::text AS id, score, band, churn_probability FROM customer_health WHERE customer_id = ANY($1::uuid[]) ORDER BY customer_id`, [ids])) as { id: string; score: number; band: string; churn_probability: number }[];
  const rebuilt = async () => (await stack.db.ds.query(`SELECT status FROM projection_checkpoints WHERE name = 'customer-read-models'`))[0]?.status === 'running';
  const caughtUp = async () => (await stack.db.ds.query(`SELECT count(*)::int AS n FROM customer_health WHERE customer_id = ANY($1::uuid[]) AND events_considered = 16`, [ids]))[0].n === ids.length;

  beforeAll(async () => {
    stack = await startStack();
    token = (await request(stack.baseUrl).post('/api/v1/auth/login').send({ email: 'admin@closeness.test', password: 'admin-password-1' }).expect(200)).body.token;
    const end = Date.now() - 60_000;
    for (const [i, kind] of (['warm', 'cold', 'mixed'] as const).entries()) {
      const id = (await request(stack.baseUrl).post('/api/v1/customers').set(as()).send({ externalId: `hc-${i}`, name: `Kari ${kind}` }).expect(201)).body.id;
      ids.push(id);
      await request(stack.baseUrl).post('/api/v1/touchpoints/batch').set(as()).send({ touchpoints: history(id, kind, end) }).expect(201);
    }
    ids.sort();
    await eventually(caughtUp, 60_000);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('given the configuration in force, when previewed unchanged, then no customer changes band on any day', async () => {
    const res = await request(stack.baseUrl).post('/api/v1/ops/health-config/preview').set(as()).send({ overrides: {} }).expect(200);
    expect(res.body).toMatchObject({ windowDays: 90, customers: 3, changedNow: 0, changedOnSomeDay: 0, changedDays: 0, changes: [], examples: [] });
    const bands = (await rows()).reduce((b: Record<string, number>, r) => ({ ...b, [r.band]: (b[r.band] ?? 0) + 1 }), { green: 0, yellow: 0, red: 0 });
    expect(res.body.bandsBefore).toEqual(bands);
    expect(res.body.bandsAfter).toEqual(bands);
  });

  it('given other weights, when previewed and then applied, then the rebuilt read model shows what the preview said', async () => {
    const overrides = { baseline: 80, bands: { green: 75, yellow: 45 } };
    const preview = (await request(stack.baseUrl).post('/api/v1/ops/health-config/preview').set(as()).send({ overrides }).expect(200)).body;
    expect(preview.changedNow).toBeGreaterThan(0);
    expect(preview.examples[0].driversBefore).toEqual(expect.any(Array));
    const before = await rows();

    const put = await request(stack.baseUrl).put('/api/v1/ops/health-config').set(as()).send({ overrides }).expect(200);
    expect(put.body).toMatchObject({ version: 1, overrides, config: { baseline: 80, bands: { green: 75, yellow: 45 } }, updatedBy: expect.any(String) });
    const [audit] = await stack.db.ds.query(`SELECT type, data FROM events WHERE stream_id = 'health-config'`);
    expect(audit).toMatchObject({ type: 'HealthConfigChanged', data: { version: 1, part: 'health', overrides } });

    await eventually(async () => (await rebuilt()) && JSON.stringify(await rows()) !== JSON.stringify(before), 60_000);
    await eventually(rebuilt, 60_000);
    const after = await rows();
    const changed = new Map(preview.changes.map((c: any) => [c.customerId, c]));
    for (const r of after) {
      const c: any = changed.get(r.id);
      const was = before.find((b) => b.id === r.id)!;
      if (c && c.bandBefore !== c.bandAfter) expect({ score: r.score, band: r.band }).toEqual({ score: c.scoreAfter, band: c.bandAfter });
      else expect(r.band).toBe(was.band);
    }
    const bands = after.reduce((b: Record<string, number>, r) => ({ ...b, [r.band]: (b[r.band] ?? 0) + 1 }), { green: 0, yellow: 0, red: 0 });
    expect(bands).toEqual(preview.bandsAfter);
    // Now in force: the same preview changes nothing.
    const again = (await request(stack.baseUrl).post('/api/v1/ops/health-config/preview').set(as()).send({ overrides }).expect(200)).body;
    expect(again).toMatchObject({ changedNow: 0, changedDays: 0 });
  }, 150_000);

  it('given churn coefficients from a backtest, when an admin applies them, then they are in force, audited, and the risk is recomputed', async () => {
    const initial = (await request(stack.baseUrl).get('/api/v1/ops/churn-model').set(as()).expect(200)).body;
    expect(initial).toMatchObject({ source: 'default', intercept: -3, appliedBy: null, backtest: null });
    const before = await rows();
    const backtest = { ranAt: '2026-12-02T00:00:00.000Z', fitted: { rocAuc: 0.9 }, default: { rocAuc: 0.8 } };
    const put = await request(stack.baseUrl).put('/api/v1/ops/churn-model').set(as()).send({ intercept: -1, coefficients: { renewalSoon: 2 }, backtest }).expect(200);
    expect(put.body).toMatchObject({ source: 'applied', intercept: -1, coefficients: { renewalSoon: 2, monthsSinceRelational: 0.5 }, backtest, appliedBy: expect.any(String), version: 2 });
    expect((await request(stack.baseUrl).get('/api/v1/ops/churn-model').set(as()).expect(200)).body).toEqual(put.body);
    // The health weights applied before stay in force.
    expect((await request(stack.baseUrl).get('/api/v1/ops/health-config').set(as()).expect(200)).body.config).toMatchObject({ baseline: 80, churn: { intercept: -1 } });
    await eventually(async () => (await rebuilt()) && (await rows()).every((r, i) => r.churn_probability > before[i].churn_probability), 60_000);
  }, 120_000);

  it('given bad input, when applied, then it is refused as problem+json and nothing changes', async () => {
    const neg = await request(stack.baseUrl).put('/api/v1/ops/churn-model').set(as()).send({ intercept: -3, coefficients: { transactionalShare90d: -1 } }).expect(422);
    expect(neg.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(stack.baseUrl).put('/api/v1/ops/churn-model').set(as()).send({ intercept: -3, coefficients: { noSuchFeature: 1 } }).expect(422);
    const viaHealth = await request(stack.baseUrl).put('/api/v1/ops/health-config').set(as()).send({ overrides: { churn: { intercept: 0 } } }).expect(422);
    expect(viaHealth.body.detail ?? viaHealth.body.title).toMatch(/churn-model/);
    await request(stack.baseUrl).put('/api/v1/ops/health-config').set(as()).send({ overrides: { bands: { green: 30, yellow: 50 } } }).expect(422);
    await request(stack.baseUrl).post('/api/v1/ops/health-config/preview').set(as()).send({ overrides: { nope: 1 } }).expect(422);
    await request(stack.baseUrl).get('/api/v1/ops/churn-model').expect(401);
    expect((await request(stack.baseUrl).get('/api/v1/ops/health-config').set(as()).expect(200)).body.version).toBe(2);
  });
});
