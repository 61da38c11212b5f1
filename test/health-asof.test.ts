import request from 'supertest';
import { startStack, eventually, type Stack } from './support/stack.js';

// A scripted year for one customer: mixed channels, automation, replies, surveys, late replies,
// English and Norwegian transcripts. Deterministic (a small LCG, no Math.random).
function scriptedYear(customerId: string, end: number): any[] {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const channels = ['email', 'phone', 'meeting', 'chat', 'chatbot', 'support_ticket', 'return', 'survey', 'newsletter'] as const;
  const out: any[] = [];
  const start = end - 365 * 86_400_000;
  for (let i = 0; i < 120; i++) {
    const at = start + Math.floor((i / 120) * 365 * 86_400_000 + rnd() * 86_400_000);
    const channel = channels[Math.floor(rnd() * channels.length)];
    const automated = channel === 'chatbot' || channel === 'newsletter' || rnd() < 0.2;
    const inbound = channel !== 'newsletter' && rnd() < 0.6;
    const id = `0000${String(i).padStart(4, '0')}-0000-4000-8000-${customerId.slice(-12)}`;
    const tp: any = {
      id,
      customerId,
      channel,
      direction: inbound ? 'inbound' : 'outbound',
      initiatedBy: inbound ? 'customer' : 'company',
      handledBy: automated ? 'automation' : 'human',
      occurredAt: new Date(at).toISOString(),
      topic: rnd() < 0.3 ? 'return' : rnd() < 0.5 ? 'billing' : 'onboarding',
      resolved: rnd() < 0.7,
    };
    if (!automated && rnd() < 0.5) {
      tp.transcript = rnd() < 0.5
        ? [{ speaker: 'agent', text: 'Hei Kari, hvordan går det med leveransen? Fortell meg mer.' }, { speaker: 'customer', text: 'Det går bra, men jeg savner oppfølging på fakturaen fra sist.' }]
        : [{ speaker: 'agent', text: 'Dear customer, your ticket is closed.' }, { speaker: 'customer', text: 'ok' }];
    }
    if (channel === 'survey') tp.survey = { kind: 'nps', score: Math.floor(rnd() * 11) };
    // Some outbound messages answer the previous inbound one.
    const prev = out[out.length - 1];
    if (!inbound && prev && prev.direction === 'inbound' && rnd() < 0.7) tp.replyToId = prev.id;
    out.push(tp);
  }
  return out;
}

describe('health as of a knowledge time', () => {
  let stack: Stack;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    stack = await startStack();
    const login = await request(stack.baseUrl).post('/api/v1/auth/login').send({ email: 'admin@closeness.test', password: 'admin-password-1' }).expect(200);
    token = login.body.token;
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  /** When the customer's first touchpoint, outcome or fact was recorded, at the API's millisecond precision. */
  const firstRecorded = async (customerId: string): Promise<string | null> => {
    const [r] = await stack.db.ds.query(
      `SELECT min(date_trunc('milliseconds', recorded_at)) AS t FROM events WHERE stream_id = $1 AND type IN ('TouchpointRecorded', 'OutcomeRecorded', 'InboundMessageWentUnanswered', 'RelationshipWentQuiet')`,
      [`customer-${customerId}`],
    );
    return r.t === null ? null : new Date(r.t).toISOString();
  };

  const streamVersion = async (customerId: string) =>
    Number((await stack.db.ds.query(`SELECT coalesce(max(stream_version), 0) AS v FROM events WHERE stream_id = $1`, [`customer-${customerId}`]))[0].v);
  const caughtUp = async (customerId: string) => {
    const v = await streamVersion(customerId);
    const rows = await stack.db.ds.query(`SELECT stream_version FROM customer_health WHERE customer_id = $1`, [customerId]);
    const tl = await stack.db.ds.query(`SELECT count(*)::int AS n FROM customer_timeline WHERE customer_id = $1`, [customerId]);
    return rows[0]?.stream_version === v && tl[0].n === v;
  };

  it('records the read model at 10 moments; health?asOf= recomputes each identically; drivers point into the stream; a rebuild writes identical rows', async () => {
    const created = await request(stack.baseUrl).post('/api/v1/customers').set(auth()).send({ externalId: 'asof-1', name: 'Kari Nordmann', annualValue: 120000, renewalDate: '2027-03-01' }).expect(201);
    const customerId = created.body.id;
    const touchpoints = scriptedYear(customerId, Date.now() - 60_000);
    const moments: any[] = [];
    const nows: any[] = [];
    for (let chunk = 0; chunk < 10; chunk++) {
      const part = touchpoints.slice(chunk * 12, chunk * 12 + 12);
      await request(stack.baseUrl).post('/api/v1/touchpoints/batch').set(auth()).send({ touchpoints: part }).expect(201);
      await eventually(() => caughtUp(customerId), 60_000);
      // The read model as the projection wrote it (evaluated at its latest recorded event) …
      const [row] = await stack.db.ds.query(`SELECT score, band, trend30d, churn_probability, churn_level, churn_drivers, drivers, notes, events_considered, evaluated_at FROM customer_health WHERE customer_id = $1`, [customerId]);
      moments.push({
        asOf: new Date(row.evaluated_at).toISOString(),
        score: row.score,
        band: row.band,
        trend30d: row.trend30d,
        churnRisk: { probability: Number(row.churn_probability), level: row.churn_level, drivers: row.churn_drivers },
        drivers: row.drivers,
        notes: row.notes,
        eventsConsidered: row.events_considered,
        firstRecordedAt: await firstRecorded(customerId),
      });
      // … and health now (no asOf): evaluated at the request time, from the same log.
      const before = Date.now();
      const now = await request(stack.baseUrl).get(`/api/v1/customers/${customerId}/health`).set(auth()).expect(200);
      expect(Date.parse(now.body.asOf)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(now.body.asOf)).toBeLessThanOrEqual(Date.now());
      expect(now.body.eventsConsidered).toBe(row.events_considered);
      nows.push(now.body);
    }
    expect(new Set(moments.map((m) => m.eventsConsidered)).size).toBeGreaterThan(5);

    for (const m of [...moments, ...nows]) {
      const asOf = await request(stack.baseUrl).get(`/api/v1/customers/${customerId}/health`).query({ asOf: m.asOf }).set(auth()).expect(200);
      expect(asOf.body).toEqual(m);
    }

    const ids = new Set((await stack.db.ds.query(`SELECT event_id FROM events WHERE stream_id = $1`, [`customer-${customerId}`])).map((r: any) => r.event_id));
    for (const m of moments) {
      for (const d of [...m.drivers, ...m.churnRisk.drivers]) for (const id of d.eventIds) expect(ids).toContain(id);
    }

    // The timeline shows score, class and signals for each touchpoint.
    const timeline = await request(stack.baseUrl).get(`/api/v1/customers/${customerId}/timeline`).query({ limit: 500 }).set(auth()).expect(200);
    const tps = timeline.body.items.filter((i: any) => i.type === 'TouchpointRecorded');
    expect(tps).toHaveLength(120);
    for (const i of tps) {
      expect(i.relational).toEqual(expect.objectContaining({ score: expect.any(Number), class: expect.stringMatching(/^(relational|neutral|transactional)$/) }));
      expect(Array.isArray(i.relational.signals)).toBe(true);
    }

    // Rebuild from scratch: identical read models.
    const snapshot = async () => ({
      health: await stack.db.ds.query(`SELECT * FROM customer_health ORDER BY customer_id`),
      timeline: await stack.db.ds.query(`SELECT t.*, r.score AS relational FROM customer_timeline t LEFT JOIN relational_scores r ON r.id = t.relational_id ORDER BY t.event_id`),
    });
    const before = await snapshot();
    await request(stack.baseUrl).post('/api/v1/ops/projections/customer-read-models/rebuild').set(auth()).expect(202);
    await eventually(async () => {
      const res = await request(stack.baseUrl).get('/api/v1/ops/projections').set(auth()).expect(200);
      const mine = res.body.filter((p: any) => p.name === 'customer-read-models');
      return mine.length === 1 && mine.every((p: any) => p.status === 'running' && p.lagEvents === 0) && (await caughtUp(customerId));
    }, 60_000);
    expect(await snapshot()).toEqual(before);
  }, 120_000);

  it('given an asOf before anything was recorded, then nothing is considered and firstRecordedAt names when the first touchpoint was recorded, while the curve shows the past', async () => {
    const created = await request(stack.baseUrl).post('/api/v1/customers').set(auth()).send({ externalId: 'asof-3', name: 'Ingrid' }).expect(201);
    const id = created.body.id;
    // Imported today: a year of touchpoints that occurred long before they were recorded.
    await request(stack.baseUrl).post('/api/v1/touchpoints/batch').set(auth()).send({ touchpoints: scriptedYear(id, Date.now() - 60_000).slice(0, 40) }).expect(201);
    await eventually(() => caughtUp(id), 60_000);
    const first = await firstRecorded(id);
    const asOf = new Date(Date.now() - 100 * 86_400_000).toISOString();
    const past = await request(stack.baseUrl).get(`/api/v1/customers/${id}/health`).query({ asOf }).set(auth()).expect(200);
    expect(past.body.eventsConsidered).toBe(0);
    expect(past.body.firstRecordedAt).toBe(first);
    expect(Date.parse(past.body.firstRecordedAt)).toBeGreaterThan(Date.parse(asOf));
    const curve = await request(stack.baseUrl).get(`/api/v1/customers/${id}/health/history`).query({ to: asOf, step: 'week' }).set(auth()).expect(200);
    expect(curve.body.points.some((p: any) => p.score !== 50)).toBe(true);
  }, 60_000);

  it('serves a business-time curve and refuses bad dates with 422', async () => {
    const created = await request(stack.baseUrl).post('/api/v1/customers').set(auth()).send({ externalId: 'asof-2', name: 'Ola' }).expect(201);
    const id = created.body.id;
    const year = scriptedYear(id, Date.now() - 60_000).slice(0, 30);
    await request(stack.baseUrl).post('/api/v1/touchpoints/batch').set(auth()).send({ touchpoints: year }).expect(201);
    const res = await request(stack.baseUrl).get(`/api/v1/customers/${id}/health/history`).query({ step: 'week' }).set(auth()).expect(200);
    expect(res.body.points.length).toBeGreaterThan(100);
    expect(res.body.points[0]).toEqual({ at: expect.any(String), score: expect.any(Number), band: expect.any(String), churnRisk: expect.any(Number) });
    await request(stack.baseUrl).get(`/api/v1/customers/${id}/health/history`).query({ from: 'yesterday' }).set(auth()).expect(422);
    await request(stack.baseUrl).get(`/api/v1/customers/${id}/health/history`).query({ from: '2026-02-01', to: '2026-01-01' }).set(auth()).expect(422);
    await request(stack.baseUrl).get(`/api/v1/customers/${id}/health`).query({ asOf: 'not-a-date' }).set(auth()).expect(422);
  }, 60_000);
});
