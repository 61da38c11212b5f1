import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { EventStore, ProjectionRunner, projectionStatuses, requestParkedRetry } from '../libs/event-store/src/index.js';
import { appendRaw } from '../libs/event-store/src/testing.js';
import { CustomerReadModelsProjection, StreamCache } from '../libs/read-models/src/index.js';
import { freshDatabase } from './support/env.js';
import { eventually, startStack, type Stack } from './support/stack.js';

/*
 * #19.1: one touchpoint dated in year 0000 made `customer-read-models` fail on every retry
 * (Postgres refuses the ISO text "0000-06-01T…" in a timestamptz column), so new customers
 * never appeared, /health/ready turned 503 and a rebuild stopped at the same event.
 * Two things are shown here: the domain no longer throws on such a time (the touchpoint is
 * applied, its time taken as unusable), and an event a projection still cannot apply (a bug
 * nobody foresaw; a trigger stands in for it) is parked with its error while the projection
 * goes on, is listed and counted, applies on retry after the fix, and does not stop a rebuild.
 */

jest.setTimeout(120_000);

const YEAR_ZERO = '0000-06-01T00:00:00Z';
const READ_MODELS = 'customer-read-models';

const touchpoint = (customerId: string, occurredAt: string, id: string = randomUUID()) => ({
  id,
  customerId,
  channel: 'email',
  direction: 'inbound',
  initiatedBy: 'customer',
  handledBy: 'human',
  occurredAt,
  summary: 'Asked about the invoice',
});

/** The poison as old data holds it: written straight into the log, past any validation. */
async function appendOld(store: EventStore, customerId: string, occurredAt: string, id: string = randomUUID()): Promise<string> {
  await appendRaw(store, `customer-${customerId}`, [{ id, type: 'TouchpointRecorded', data: touchpoint(customerId, occurredAt, id), metadata: { actorId: 'test:old-data', occurredAt } }]);
  return id;
}

/** A trigger that refuses one event's timeline row as Postgres refused year 0000 before the fix: the unforeseen bug. */
const breakEvent = (stack: Stack, eventId: string) =>
  stack.db.ds.query(`
    CREATE OR REPLACE FUNCTION poison_stand_in() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.event_id = '${eventId}'::uuid THEN
        RAISE EXCEPTION 'date/time field value out of range: "0000-06-01T00:00:00.000Z"' USING ERRCODE = '22008';
      END IF;
      RETURN NEW;
    END $$;
    DROP TRIGGER IF EXISTS poison_stand_in ON customer_timeline;
    CREATE TRIGGER poison_stand_in BEFORE INSERT ON customer_timeline FOR EACH ROW EXECUTE FUNCTION poison_stand_in();`);
const fixEvent = (stack: Stack) => stack.db.ds.query(`DROP TRIGGER IF EXISTS poison_stand_in ON customer_timeline`);

describe('a poison event never stops a projection (#19.1)', () => {
  let stack: Stack;
  let admin: string;
  let store: EventStore;
  const as = () => ({ Authorization: `Bearer ${admin}` });

  const register = async (name: string) =>
    (await request(stack.baseUrl).post('/api/v1/customers').set(as()).send({ externalId: `poison-${randomUUID()}`, name }).expect(201)).body.id as string;
  const visible = async (customerId: string) => (await request(stack.baseUrl).get(`/api/v1/customers/${customerId}`).set(as())).status === 200;
  const readModels = async () => ((await request(stack.baseUrl).get('/api/v1/ops/projections').set(as()).expect(200)).body as any[]).find((p) => p.name === READ_MODELS);
  const timelineIds = async (customerId: string) =>
    new Set<string>((await stack.db.ds.query(`SELECT event_id::text AS id FROM customer_timeline WHERE customer_id = $1`, [customerId])).map((r: any) => r.id));
  const caughtUp = async (customerId: string) =>
    (await stack.db.ds.query(
      `SELECT 1 FROM customer_health h WHERE h.customer_id = $1 AND h.stream_version = (SELECT max(stream_version) FROM events WHERE stream_id = 'customer-' || $1)`,
      [customerId],
    )).length === 1;

  beforeAll(async () => {
    // A short readiness bound: before the fix the stuck projection turned /health/ready 503 within it.
    stack = await startStack({ env: { PROJECTION_LAG_READY_SECONDS: '2' } });
    admin = (await request(stack.baseUrl).post('/api/v1/auth/login').send({ email: 'admin@closeness.test', password: 'admin-password-1' }).expect(200)).body.token;
    store = stack.api.get(EventStore);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('given a touchpoint in year 0000 in the log and through the API, when a customer registers afterwards, then it appears within seconds, readiness stays 200 and the touchpoint is applied', async () => {
    const old = await register('Old Data AS');
    const fromLog = await appendOld(store, old, YEAR_ZERO);
    // Through the API: accepted before validate's checks (201), refused at the door after them (422).
    const api = await request(stack.baseUrl).post('/api/v1/touchpoints').set(as()).send(touchpoint(old, YEAR_ZERO));
    expect([201, 422]).toContain(api.status);

    const later = await register('Registered Afterwards AS');
    await eventually(() => visible(later), 10_000);
    await eventually(() => caughtUp(old), 10_000);
    // Past the readiness bound: a stuck projection would show by now.
    await new Promise((r) => setTimeout(r, 2500));
    const ready = await request(stack.baseUrl).get('/health/ready');
    expect(ready.status).toBe(200);

    // Applied, not parked: its time is no business time, so the timeline shows when it was recorded.
    expect((await timelineIds(old)).has(fromLog)).toBe(true);
    const [row] = await stack.db.ds.query(`SELECT occurred_at, recorded_at FROM customer_timeline WHERE event_id = $1`, [fromLog]);
    expect(new Date(row.occurred_at).getTime()).toBe(new Date(row.recorded_at).getTime());
    const projection = await readModels();
    expect(projection).toMatchObject({ status: 'running', lagEvents: 0, parked: 0 });
    await request(stack.baseUrl).get(`/api/v1/customers/${old}/health`).set(as()).expect(200);
  });

  it('given an event the projection cannot apply, when it arrives, then it is parked with its error and counted, its stream waits behind it, other customers go on, and a retry after the fix applies it', async () => {
    const stuck = await register('Stuck Customer AS');
    const poison = randomUUID();
    await breakEvent(stack, poison);
    try {
      await appendOld(store, stuck, YEAR_ZERO, poison);
      const behind = await appendOld(store, stuck, new Date().toISOString());
      const other = await register('Other Customer AS');
      await eventually(() => visible(other), 10_000);

      const parked = await eventually(async () => {
        const p = await readModels();
        return p.parked === 2 && p;
      }, 10_000);
      expect(parked.status).toBe('running');
      expect(parked.lagEvents).toBe(0);
      expect(parked.parkedEvents).toEqual([
        expect.objectContaining({ eventId: poison, type: 'TouchpointRecorded', streamId: `customer-${stuck}`, status: 'parked', heldBy: null, error: expect.stringMatching(/out of range/) }),
        expect.objectContaining({ eventId: behind, status: 'held', heldBy: poison }),
      ]);
      const metrics = await request(stack.baseUrl).get('/metrics').set(as()).expect(200);
      expect(metrics.text).toMatch(new RegExp(`closeness_projection_parked_events\\{projection="${READ_MODELS}"\\} 2\\b`));
      await new Promise((r) => setTimeout(r, 2500));
      expect((await request(stack.baseUrl).get('/health/ready')).status).toBe(200);

      // Unknown ids answer 404; the fix, then the retry, applies the event and the one behind it.
      await request(stack.baseUrl).post(`/api/v1/ops/projections/${READ_MODELS}/parked/${randomUUID()}/retry`).set(as()).expect(404);
      await request(stack.baseUrl).post(`/api/v1/ops/projections/no-such/parked/${poison}/retry`).set(as()).expect(404);
      await fixEvent(stack);
      const accepted = await request(stack.baseUrl).post(`/api/v1/ops/projections/${READ_MODELS}/parked/${poison}/retry`).set(as()).expect(202);
      expect(accepted.body).toEqual({ name: READ_MODELS, eventId: poison, status: 'retry_requested' });
      await eventually(async () => (await readModels()).parked === 0, 10_000);
      const ids = await timelineIds(stuck);
      expect(ids.has(poison) && ids.has(behind)).toBe(true);
      expect(await caughtUp(stuck)).toBe(true);
    } finally {
      await fixEvent(stack);
    }
  });

  it('given an event the projection cannot apply, when the projection is rebuilt, then the rebuild gets past it and parks it again', async () => {
    const stuck = await register('Rebuilt Customer AS');
    const poison = await appendOld(store, stuck, YEAR_ZERO);
    await eventually(() => caughtUp(stuck), 60_000);
    const customers = Number((await stack.db.ds.query(`SELECT count(*) FROM customer_health`))[0].count);
    await breakEvent(stack, poison);
    try {
      await request(stack.baseUrl).post(`/api/v1/ops/projections/${READ_MODELS}/rebuild`).set(as()).expect(202);
      const rebuilt = await eventually(async () => {
        const p = await readModels();
        return p.status === 'running' && p.lagEvents === 0 && p.parked === 1 && p;
      }, 90_000);
      expect(rebuilt.parkedEvents).toEqual([expect.objectContaining({ eventId: poison, status: 'parked' })]);
      // Every other customer is back; the parked one keeps what came before the poison.
      expect(Number((await stack.db.ds.query(`SELECT count(*) FROM customer_health`))[0].count)).toBe(customers);
      expect((await timelineIds(stuck)).has(poison)).toBe(false);
      await fixEvent(stack);
      await request(stack.baseUrl).post(`/api/v1/ops/projections/${READ_MODELS}/parked/retry`).set(as()).expect(202);
      await eventually(async () => (await readModels()).parked === 0 && (await timelineIds(stuck)).has(poison), 60_000);
    } finally {
      await fixEvent(stack);
    }
  });
});

describe('one poison event in a batch of 1,000 (#19.1)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  afterAll(async () => {
    await db?.drop();
  });

  it('given 1,000 customer events in one batch with one the projection cannot apply, when projected, then the other 999 are applied once, the bad one is parked, and its customer ends as a clean rebuild after the fix', async () => {
    db = await freshDatabase();
    const store = new EventStore(db.ds);
    const customers = Array.from({ length: 50 }, () => randomUUID());
    const ids: string[] = [];
    const events: { stream: string; id: string }[] = [];
    for (const c of customers) {
      const id = randomUUID();
      await appendRaw(store, `customer-${c}`, [{ id, type: 'CustomerRegistered', data: { customerId: c, externalId: `b-${c}`, name: `Batch ${c.slice(0, 4)}` } }]);
      ids.push(id);
    }
    // 950 touchpoints spread over the 50 customers, interleaved, in one transaction each (one batch of 1,000 events for the runner).
    for (let i = 0; i < 950; i++) {
      const c = customers[i % customers.length];
      const id = await appendOld(store, c, new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString());
      events.push({ stream: `customer-${c}`, id });
      ids.push(id);
    }
    const poison = events[500];
    const sameStreamAfter = events.slice(501).filter((e) => e.stream === poison.stream).map((e) => e.id);
    await db.ds.query(`
      CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.event_id = '${poison.id}'::uuid THEN RAISE EXCEPTION 'cannot apply' USING ERRCODE = '22008'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_one BEFORE INSERT ON customer_timeline FOR EACH ROW EXECUTE FUNCTION refuse_one();
      CREATE TABLE applied_log (event_id uuid NOT NULL);
      CREATE FUNCTION log_applied() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO applied_log VALUES (NEW.event_id); RETURN NEW; END $$;
      CREATE TRIGGER log_applied AFTER INSERT ON customer_timeline FOR EACH ROW EXECUTE FUNCTION log_applied();`);

    const cache = new StreamCache(store);
    const projection = new CustomerReadModelsProjection(cache);
    const batches: number[] = [];
    const runner = new ProjectionRunner(db.ds, store, [projection], { onBatch: (_n, count) => batches.push(count) });
    // Foreign transactions on the shared server may hold the commit-safe horizon back for a while.
    const caughtUpAll = async () => {
      await runner.drain();
      return (await projectionStatuses(db.ds)).find((x) => x.name === READ_MODELS)?.lagEvents === 0;
    };
    await eventually(caughtUpAll, 60_000);

    // One batch when the horizon let all of them through at once (it may let them through in parts).
    expect(batches.reduce((a, b) => a + b, 0)).toBe(1000);
    const parked = await db.ds.query(`SELECT event_id::text AS id, held_by::text AS by FROM projection_parked_events WHERE projection = $1 ORDER BY global_position`, [READ_MODELS]);
    expect(parked).toEqual([{ id: poison.id, by: null }, ...sameStreamAfter.map((id) => ({ id, by: poison.id }))]);
    // Every other event committed exactly once (rows written by a rolled-back piece are not in the log table).
    const applied = await db.ds.query(`SELECT event_id::text AS id, count(*)::int AS n FROM applied_log GROUP BY event_id`);
    expect(applied.every((r: any) => r.n === 1)).toBe(true);
    expect(applied.length).toBe(1000 - 1 - sameStreamAfter.length);

    // The fix, the retry: the parked customer's rows equal those of a rebuild without the fault.
    await db.ds.query(`DROP TRIGGER refuse_one ON customer_timeline`);
    expect(await requestParkedRetry(db.ds, READ_MODELS, poison.id)).toBe(true);
    await eventually(async () => {
      await runner.drain();
      return Number((await db.ds.query(`SELECT count(*) FROM projection_parked_events`))[0].count) === 0;
    }, 60_000);
    const snapshot = () => db.ds.query(`SELECT h.customer_id, h.score, h.band, h.trend30d, h.drivers, h.stream_version, h.events_considered FROM customer_health h ORDER BY customer_id`);
    const timeline = () => db.ds.query(`SELECT event_id, relational_id, occurred_at FROM customer_timeline ORDER BY event_id`);
    const afterRetry = { health: await snapshot(), timeline: await timeline() };
    expect(afterRetry.timeline).toHaveLength(1000);
    await new ProjectionRunner(db.ds, store, [new CustomerReadModelsProjection(new StreamCache(store))]).rebuild(READ_MODELS);
    expect({ health: await snapshot(), timeline: await timeline() }).toEqual(afterRetry);
  });
});
