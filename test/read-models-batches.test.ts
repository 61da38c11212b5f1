import { randomUUID } from 'node:crypto';
import { EventStore, ProjectionRunner, type Projection } from '../libs/event-store/src/index.js';
import { CustomerReadModelsProjection, FollowUpSummaryProjection, StreamCache } from '../libs/read-models/src/index.js';
import { freshDatabase } from './support/env.js';
import { eventually } from './support/eventually.js';
import { appendRaw } from '../libs/event-store/src/testing.js';

/**
 * The customer read-model projection keeps each customer's fold in memory between batches and
 * sends its writes while it folds on. These tests hold it to the one promise that matters: the
 * read models equal a rebuild from scratch, however the log was cut into batches, and a batch
 * that fails half-way leaves nothing behind (in Postgres or in memory).
 */
describe('customer read models across batches', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: EventStore;

  beforeAll(async () => {
    db = await freshDatabase();
    store = new EventStore(db.ds);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const CHANNELS = ['email', 'phone', 'chat', 'chatbot', 'support_ticket', 'return'];
  const touchpoint = (customerId: string, day: number, n: number, over: Record<string, unknown> = {}) => {
    const id = randomUUID();
    return {
      id,
      type: 'TouchpointRecorded',
      data: {
        id,
        customerId,
        channel: CHANNELS[n % CHANNELS.length],
        direction: n % 3 === 0 ? 'outbound' : 'inbound',
        initiatedBy: n % 3 === 0 ? 'company' : 'customer',
        handledBy: n % 4 === 0 ? 'automation' : 'human',
        occurredAt: new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString(),
        topic: n % 2 ? 'billing' : 'return',
        ...over,
      },
    };
  };

  async function seed(customers: number, perCustomer: number): Promise<string[]> {
    const ids = Array.from({ length: customers }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      await appendRaw(store, `customer-${id}`, [{ id: randomUUID(), type: 'CustomerRegistered', data: { customerId: id, externalId: `b-${i}`, name: `Kari ${i}`, createdVia: 'api' } }]);
    }
    // Interleaved across customers, with late arrivals, replies and a rename half-way.
    const last = new Map<string, string>();
    for (let n = 1; n < perCustomer; n++) {
      for (const [i, id] of ids.entries()) {
        const day = n % 7 === 0 ? n - 20 : n * 2; // every 7th arrives late, inside earlier windows
        const replyToId = n % 5 === 0 ? last.get(id) : undefined;
        const e = touchpoint(id, day, n + i, replyToId ? { replyToId } : {});
        last.set(id, e.id);
        await appendRaw(store, `customer-${id}`, [e]);
        if (n === Math.floor(perCustomer / 2) && i === 0) {
          await appendRaw(store, `customer-${id}`, [{ id: randomUUID(), type: 'CustomerDetailsChanged', data: { customerId: id, changes: { name: 'Kari Nordmann' } } }]);
        }
      }
    }
    // Commit-safe reads see an event once no older transaction is open anywhere on the server.
    const total = customers * perCustomer + 1;
    await eventually(async () => (await store.readAll({ limit: total + 10 })).events.length >= total, 60_000);
    return ids;
  }

  const snapshot = async () => ({
    timeline: await db.ds.query(`SELECT t.event_id, t.customer_id, t.position, t.stream_version, t.type, t.occurred_at, t.recorded_at, r.score AS relational
       FROM customer_timeline t LEFT JOIN relational_scores r ON r.id = t.relational_id ORDER BY t.event_id`),
    health: await db.ds.query(`SELECT * FROM customer_health ORDER BY customer_id`),
  });

  /** Runs the projection over the whole log with the given batch size; returns the read models. */
  async function project(batchSize: number, cache = new StreamCache(store)): Promise<Awaited<ReturnType<typeof snapshot>>> {
    const projection = new CustomerReadModelsProjection(cache);
    Object.defineProperty(projection, 'batchSize', { value: batchSize });
    const runner = new ProjectionRunner(db.ds, store, [projection, new FollowUpSummaryProjection()]);
    await runner.rebuild(projection.name);
    return snapshot();
  }

  it('gives the same timeline and health rows in batches of 7, 50 and 100,000 events', async () => {
    await seed(6, 40);
    const whole = await project(100_000);
    expect(whole.timeline.length).toBe(6 * 40 + 1);
    expect(whole.health.length).toBe(6);
    expect(await project(7)).toEqual(whole);
    expect(await project(50)).toEqual(whole);
  }, 120_000);

  /** The read-model projection on a fresh cache, in batches of `batchSize`, with its own runner. */
  const runnerWithBatches = (batchSize: number) => {
    const cache = new StreamCache(store);
    const projection: Projection = new CustomerReadModelsProjection(cache);
    Object.defineProperty(projection, 'batchSize', { value: batchSize });
    // The rebuild's shadow replay on this cache too, so that clearing it restarts the rebuild's folds.
    Object.defineProperty(projection, 'forShadow', { value: () => projection });
    return { cache, projection, runner: new ProjectionRunner(db.ds, store, [projection]) };
  };

  it('restores customers whose fold is not in memory (a restart each batch) from the log and the stored scores, with the same rows', async () => {
    const reference = await project(100_000);
    const { cache, projection, runner } = runnerWithBatches(13);
    await db.ds.query(`UPDATE projection_checkpoints SET status = 'rebuild_requested' WHERE name = $1`, [projection.name]);
    const step = (p: Projection) => (runner as any).step(p) as Promise<number>;
    while ((await step(projection)) > 0) cache.clear();
    expect(await snapshot()).toEqual(reference);
  }, 120_000);

  it('leaves nothing behind when a batch fails half-way, and the retry writes the same rows', async () => {
    const reference = await project(100_000);
    const { projection, runner } = runnerWithBatches(60);
    // Health rows of the batch are written after its timeline rows: fail the third batch there.
    await db.ds.query(`CREATE TABLE fail_after (n int)`);
    await db.ds.query(`INSERT INTO fail_after VALUES (2)`);
    await db.ds.query(`
      CREATE FUNCTION fail_third_batch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT n FROM fail_after) = 0 THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$`);
    await db.ds.query(`CREATE TRIGGER fail_third_batch BEFORE INSERT OR UPDATE ON customer_health FOR EACH ROW EXECUTE FUNCTION fail_third_batch()`);
    try {
      await db.ds.query(`UPDATE projection_checkpoints SET status = 'rebuild_requested' WHERE name = $1`, [projection.name]);
      const step = (p: Projection) => (runner as any).step(p) as Promise<number>;
      await step(projection);
      await db.ds.query(`UPDATE fail_after SET n = n - 1`);
      await step(projection);
      await db.ds.query(`UPDATE fail_after SET n = n - 1`);
      // The rebuild replays into shadow tables (with the trigger copied onto them) and its own checkpoints.
      const [{ shadow_schema: shadow }] = await db.ds.query(`SELECT shadow_schema FROM projection_rebuilds WHERE name = $1`, [projection.name]);
      const shadowCheckpoints = () => db.ds.query(`SELECT bucket, global_position FROM projection_rebuild_checkpoints WHERE name = $1 ORDER BY bucket`, [projection.name]);
      const shadowRows = async () => (await db.ds.query(`SELECT count(*)::int AS n FROM "${shadow}".customer_timeline`))[0].n;
      const before = await shadowCheckpoints();
      const rowsBefore = await shadowRows();
      expect(rowsBefore).toBeGreaterThan(0);
      // The failure is the rebuild's (the live projection is not failing): recorded on it, with a back-off.
      expect(await step(projection)).toBe(0);
      const [failed] = await db.ds.query(`SELECT last_error, attempts FROM projection_rebuilds WHERE name = $1`, [projection.name]);
      expect(failed).toEqual({ last_error: expect.stringMatching(/injected failure/), attempts: 1 });
      expect((await db.ds.query(`SELECT status FROM projection_checkpoints WHERE name = $1`, [projection.name]))[0].status).toBe('running');
      // Nothing of the failed batch: neither rows nor checkpoints moved.
      expect(await shadowCheckpoints()).toEqual(before);
      expect(await shadowRows()).toBe(rowsBefore);
      await db.ds.query(`UPDATE fail_after SET n = -1`);
      await db.ds.query(`UPDATE projection_rebuilds SET retry_at = now() WHERE name = $1`, [projection.name]); // its back-off over
      while ((await step(projection)) > 0);
      expect(await db.ds.query(`SELECT 1 FROM projection_rebuilds WHERE name = $1`, [projection.name])).toEqual([]); // swapped in
    } finally {
      await db.ds.query(`DROP TRIGGER fail_third_batch ON customer_health`);
      await db.ds.query(`DROP FUNCTION fail_third_batch()`);
      await db.ds.query(`DROP TABLE fail_after`);
    }
    // The same cache (with the fold states of the failed batch in memory) gives the same rows.
    expect(await snapshot()).toEqual(reference);
  }, 120_000);

  it('gives each follow-up task its summary row in its final state when raises, closes, snoozes and escalations share one batch', async () => {
    const customer = randomUUID();
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const raised = (taskId: string, rule: string) => ({
      id: randomUUID(),
      type: 'FollowUpTaskRaised',
      data: { taskId, customerId: customer, assigneeId: null, rule, priority: 'normal', dueAt: '2026-02-01T00:00:00.000Z', raisedAt: '2026-01-30T00:00:00.000Z' },
    });
    const on = (taskId: string, type: string, data: Record<string, unknown>) => ({ id: randomUUID(), type, data: { taskId, customerId: customer, ...data } });
    // Each task's events in its own stream, appended in this order: the log interleaves them.
    await appendRaw(store, `follow-up-${a}`, [raised(a, 'transactional_streak')]);
    await appendRaw(store, `follow-up-${b}`, [raised(b, 'unanswered_inbound')]);
    await appendRaw(store, `follow-up-${a}`, [on(a, 'FollowUpTaskCompleted', { completedAt: '2026-01-31T00:00:00.000Z' })], 1);
    await appendRaw(store, `follow-up-${c}`, [raised(c, 'relationship_quiet')]);
    await appendRaw(store, `follow-up-${c}`, [on(c, 'FollowUpTaskSnoozed', { until: '2026-02-10T00:00:00.000Z' })], 1);
    await appendRaw(store, `follow-up-${b}`, [on(b, 'FollowUpTaskEscalated', { priority: 'high', escalatedTo: null, escalatedAt: '2026-02-02T00:00:00.000Z' })], 1);
    await appendRaw(store, `follow-up-${d}`, [raised(d, 'repeat_contact')]);
    // A raise delivered twice (a re-run job) leaves the first row as it is.
    await appendRaw(store, `follow-up-${a}`, [raised(a, 'transactional_streak')], 2);
    const summary = new FollowUpSummaryProjection();
    await db.ds.query(`DELETE FROM projection_checkpoints WHERE name = $1`, [summary.name]);
    const runner = new ProjectionRunner(db.ds, store, [summary]);
    await runner.drain();
    const rows = await db.ds.query(`SELECT task_id, rule, priority, status, closed_at IS NOT NULL AS closed, snoozed_until FROM customer_follow_up_summary WHERE customer_id = $1 ORDER BY rule`, [customer]);
    expect(rows).toEqual([
      { task_id: c, rule: 'relationship_quiet', priority: 'normal', status: 'snoozed', closed: false, snoozed_until: new Date('2026-02-10T00:00:00.000Z') },
      { task_id: d, rule: 'repeat_contact', priority: 'normal', status: 'open', closed: false, snoozed_until: null },
      { task_id: a, rule: 'transactional_streak', priority: 'normal', status: 'done', closed: true, snoozed_until: null },
      { task_id: b, rule: 'unanswered_inbound', priority: 'high', status: 'open', closed: false, snoozed_until: null },
    ]);
  });
});
