import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { EventStore, PROJECTION_BUCKETS, ProjectionRunner, requestRebuild, type BucketLeases, type Projection, type Queryable } from '../libs/event-store/src/index.js';
import { appendRaw } from '../libs/event-store/src/testing.js';
import { CustomerReadModelsProjection, FollowUpSummaryProjection, StreamCache } from '../libs/read-models/src/index.js';
import { FollowUpsProjection } from '../apps/worker/src/projections/follow-ups.projection.js';
import { ProjectionsController, type RebuildProgressDto } from '../apps/api/src/ops/projections/projections.controller.js';
import { freshDatabase, PG_BASE } from './support/env.js';
import { eventually } from './support/eventually.js';

/**
 * A rebuild replays the log into shadow tables while the live tables keep serving and keep
 * applying new events, then swaps the shadow in with its checkpoints in one transaction (docs/
 * operations.md, "Rebuilding a projection"). Real Postgres: readers polling the live tables
 * during a rebuild under ingestion never see fewer rows, the result equals a from-scratch build
 * row for row, a runner that stops mid-rebuild is continued by a new one, a swap that cannot
 * get its locks leaves everything as it was, and migrations still run after a swap. A rebuild's
 * failures are its own (the live projection stays running and applying), and the swapped-in
 * tables keep the live ones' grants and row-level-security policies.
 */
jest.setTimeout(180_000);

const READ_MODELS = 'customer-read-models';
const NAMES = [READ_MODELS, 'customer-follow-ups', 'follow-ups'];
const TABLES = ['customer_timeline', 'customer_health', 'relational_scores', 'customer_follow_up_summary', 'follow_ups'];

describe('rebuild into shadow tables (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: EventStore;
  const customers: string[] = [];

  const CHANNELS = ['email', 'phone', 'chat', 'support_ticket', 'meeting'];
  const touchpoint = (customerId: string, n: number) => {
    const id = randomUUID();
    return {
      id,
      type: 'TouchpointRecorded',
      data: {
        id, customerId, channel: CHANNELS[n % CHANNELS.length], direction: n % 3 === 0 ? 'outbound' : 'inbound', initiatedBy: n % 3 === 0 ? 'company' : 'customer',
        handledBy: 'human', occurredAt: new Date(Date.UTC(2026, 0, 1) + (n % 90) * 86_400_000).toISOString(), topic: n % 2 ? 'billing' : 'delivery',
      },
    };
  };
  const register = async () => {
    const id = randomUUID();
    customers.push(id);
    await appendRaw(store, `customer-${id}`, [{ id: randomUUID(), type: 'CustomerRegistered', data: { customerId: id, externalId: `sr-${customers.length}`, name: `Kari ${customers.length}`, createdVia: 'api' } }]);
    return id;
  };
  const raise = async (customerId: string, n: number) => {
    const taskId = randomUUID();
    await appendRaw(store, `follow-up-${taskId}`, [{
      id: randomUUID(),
      type: 'FollowUpTaskRaised',
      data: { taskId, customerId, assigneeId: null, rule: 'unanswered_inbound', reason: 'r', suggestedAction: 's', priority: 'normal', dueAt: '2026-02-01T00:00:00.000Z', raisedAt: '2026-01-30T00:00:00.000Z', triggeredBy: [] },
    }]);
    if (n % 2 === 0) await appendRaw(store, `follow-up-${taskId}`, [{ id: randomUUID(), type: 'FollowUpTaskCompleted', data: { taskId, customerId, completedAt: '2026-01-31T00:00:00.000Z' } }], 1);
  };

  /** The read-model projections, fresh instances; the customer read models in small batches, so a rebuild takes many. */
  const projections = (batchSize = 150): Projection[] => {
    const crm = new CustomerReadModelsProjection(new StreamCache(store));
    Object.defineProperty(crm, 'batchSize', { value: batchSize });
    return [crm, new FollowUpSummaryProjection(), new FollowUpsProjection()];
  };

  /** Every read-model table, every column but the wall-clock `follow_ups.updated_at`, in key order; scores as the timeline refers to them. */
  const readModels = async (ds: Queryable) => ({
    customer_timeline: await ds.query(`SELECT * FROM customer_timeline ORDER BY event_id`),
    customer_health: await ds.query(`SELECT * FROM customer_health ORDER BY customer_id`),
    referenced_scores: await ds.query(`SELECT id, score FROM relational_scores WHERE id IN (SELECT relational_id FROM customer_timeline) ORDER BY id`),
    customer_follow_up_summary: await ds.query(`SELECT * FROM customer_follow_up_summary ORDER BY task_id`),
    follow_ups: (await ds.query(`SELECT * FROM follow_ups ORDER BY id`)).map(({ updated_at: _, ...r }: any) => r),
  });

  /** From scratch, as a first deployment builds them: empty tables, checkpoints at the start, an ordinary drain (no rebuild machinery). */
  const fromScratch = async () => {
    const saved = await readModels(db.ds);
    await db.ds.query(`TRUNCATE ${TABLES.join(', ')}`);
    await db.ds.query(`DELETE FROM projection_checkpoints WHERE name = ANY($1::text[])`, [NAMES]);
    await new ProjectionRunner(db.ds, store, projections(100_000)).drain();
    const scratch = await readModels(db.ds);
    return { saved, scratch };
  };

  const counts = async (ds: Queryable) => (await ds.query(`SELECT (SELECT count(*)::int FROM customer_health) AS health, (SELECT count(*)::int FROM customer_timeline) AS timeline`))[0] as { health: number; timeline: number };
  const rebuilding = async () => Number((await db.ds.query(`SELECT count(*)::int AS n FROM projection_rebuilds`))[0].n);
  const schemas = async () => (await db.ds.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'closeness_rebuild_%' ORDER BY 1`)).map((r: any) => r.nspname);
  /** Names of the tables' indexes and constraints (migrations refer to them by name). */
  const catalog = () =>
    db.ds.query(
      `SELECT c.relname, i.relname AS index, n.nspname FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relname = ANY($1::text[]) AND n.nspname = 'public'
       UNION ALL SELECT conrelid::regclass::text, conname || ' ' || pg_get_constraintdef(oid), '' FROM pg_constraint WHERE conrelid::regclass::text = ANY($1::text[])
       ORDER BY 1, 2`,
      [TABLES],
    );

  beforeAll(async () => {
    db = await freshDatabase();
    store = new EventStore(db.ds);
    for (let i = 0; i < 30; i++) await register();
    for (let n = 0; n < 20; n++) for (const c of customers.slice(0, 30)) await appendRaw(store, `customer-${c}`, [touchpoint(c, n)]);
    for (let n = 0; n < 10; n++) await raise(customers[n], n);
    await new ProjectionRunner(db.ds, store, projections()).drain();
  });
  /** A role of this file's own (roles are cluster-wide): dropped by its test, and here if that test did not get to it. */
  const role = `closeness_test_ro_${randomUUID().slice(0, 8)}`;
  afterAll(async () => {
    await db?.drop();
    const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
    await admin.connect().then(() => admin.query(`DROP ROLE IF EXISTS ${role}`)).catch(() => undefined).finally(() => admin.end().catch(() => undefined));
  });

  it('given ingestion and readers during a rebuild of every read model, then the live tables never lose a row, progress is shown, and the rebuilt models equal a from-scratch build row for row', async () => {
    const before = await counts(db.ds);
    expect(before.health).toBe(30);
    const indexesBefore = await catalog();
    const runner = new ProjectionRunner(db.ds, store, projections(), { pollMs: 20 });
    await runner.start();
    // Readers: the portfolio and timeline row counts never drop (ingestion only adds).
    let reading = true;
    let high = before;
    const drops: string[] = [];
    // What GET /ops/projections answers (the controller over the same database).
    const ops = new ProjectionsController(db.ds);
    const progress: RebuildProgressDto[] = [];
    const reader = (async () => {
      while (reading) {
        const now = await counts(db.ds);
        if (now.health < high.health || now.timeline < high.timeline) drops.push(`${JSON.stringify(high)} -> ${JSON.stringify(now)}`);
        high = { health: Math.max(high.health, now.health), timeline: Math.max(high.timeline, now.timeline) };
        const p = (await ops.list()).find((s) => s.name === READ_MODELS);
        if (p?.rebuild) progress.push(p.rebuild);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    let ingesting = true;
    let n = 0;
    const ingestion = (async () => {
      while (ingesting) {
        n++;
        const c = n % 5 === 0 ? await register() : customers[n % customers.length];
        await appendRaw(store, `customer-${c}`, [touchpoint(c, n)]);
        if (n % 7 === 0) await raise(c, n);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 300));
      for (const name of NAMES) await requestRebuild(db.ds, name);
      await eventually(async () => {
        const [{ pending }] = await db.ds.query(`SELECT count(*)::int AS pending FROM projection_checkpoints WHERE name = ANY($1::text[]) AND status <> 'running'`, [NAMES]);
        return pending === 0 && (await rebuilding()) === 0;
      }, 120_000, 20);
    } finally {
      ingesting = false;
      await ingestion;
      reading = false;
      await reader;
      await runner.stop();
    }
    expect(drops).toEqual([]);
    // Progress while it ran: 64 buckets, a count of them done, events applied of those in the log, a rate.
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) {
      expect(new Date(p.startedAt).toISOString()).toBe(p.startedAt);
      expect(p).toMatchObject({ buckets: 64, bucketsDone: expect.any(Number), eventsApplied: expect.any(Number), eventsTotal: expect.any(Number), eventsPerSecond: expect.any(Number) });
      expect(p.bucketsDone).toBeLessThanOrEqual(64);
      expect(p.eventsApplied).toBeLessThanOrEqual(p.eventsTotal);
    }
    expect(progress[0].eventsTotal).toBeGreaterThanOrEqual(before.timeline);
    // The swap left no shadow behind and the indexes and constraints as the migrations made them.
    expect(await schemas()).toEqual([]);
    expect(await catalog()).toEqual(indexesBefore);
    await new ProjectionRunner(db.ds, store, projections()).drain();
    const { saved, scratch } = await fromScratch();
    expect(saved.customer_health.length).toBe(customers.length);
    expect(saved.customer_timeline.length).toBeGreaterThan(before.timeline);
    expect(saved).toEqual(scratch);
  });

  it('given a runner that stops between shadow batches, when a new one starts, then the rebuild goes on from the shadow checkpoints and ends identical', async () => {
    const reference = await readModels(db.ds);
    await requestRebuild(db.ds, READ_MODELS);
    const first = new ProjectionRunner(db.ds, store, projections(100));
    const [crm] = first.projections;
    for (let i = 0; i < 4; i++) await (first as any).step(crm);
    // Stopped here (as a crash between batches leaves it): the live tables whole, the shadow part-way.
    expect(await rebuilding()).toBe(1);
    expect(await counts(db.ds)).toEqual({ health: reference.customer_health.length, timeline: reference.customer_timeline.length });
    const [shadow] = await schemas();
    const part = (await db.ds.query(`SELECT count(*)::int AS n FROM "${shadow}".customer_timeline`))[0].n;
    expect(part).toBeGreaterThan(0);
    expect(part).toBeLessThan(reference.customer_timeline.length);
    const [{ applied }] = await db.ds.query(`SELECT sum(events)::int AS applied FROM projection_rebuild_checkpoints WHERE name = $1`, [READ_MODELS]);
    expect(applied).toBe(part);

    await new ProjectionRunner(db.ds, store, projections(100)).drain();
    expect(await rebuilding()).toBe(0);
    expect(await schemas()).toEqual([]);
    expect(await readModels(db.ds)).toEqual(reference);
  });

  it('given a reader holding a live table, when the swap cannot take its lock in time, then nothing is swapped and the next attempt swaps the whole shadow', async () => {
    const reference = await readModels(db.ds);
    const reader = new pg.Client({ connectionString: db.url });
    await reader.connect();
    const runner = new ProjectionRunner(db.ds, store, projections(100_000));
    const [crm] = runner.projections;
    try {
      await reader.query('BEGIN');
      await reader.query('LOCK TABLE customer_health IN ACCESS SHARE MODE');
      await requestRebuild(db.ds, READ_MODELS);
      // Begins, replays the whole log in one batch, and tries to swap: the lock wait times out, the swap's transaction rolls back whole.
      await (runner as any).step(crm);
      expect(await rebuilding()).toBe(1);
      const [shadow] = await schemas();
      expect((await db.ds.query(`SELECT count(*)::int AS n FROM "${shadow}".customer_timeline`))[0].n).toBe(reference.customer_timeline.length);
      expect(await counts(db.ds)).toEqual({ health: reference.customer_health.length, timeline: reference.customer_timeline.length });
    } finally {
      await reader.query('ROLLBACK');
      await reader.end();
    }
    await runner.drain();
    expect(await rebuilding()).toBe(0);
    expect(await readModels(db.ds)).toEqual(reference);
  });

  it('given a bucket another process has not replayed yet, when the swap takes the tail of every bucket, then it takes all of that bucket, not just one batch share of it', async () => {
    // One customer with more events than a bucket's share of a tail batch (50,000 / 64 = 782).
    const big = await register();
    await appendRaw(store, `customer-${big}`, Array.from({ length: 1_000 }, (_, n) => touchpoint(big, n)), 1);
    await new ProjectionRunner(db.ds, store, projections()).drain();
    const reference = await readModels(db.ds);
    const [{ bucket }] = await db.ds.query(`SELECT bucket FROM events WHERE stream_id = $1 LIMIT 1`, [`customer-${big}`]);
    // This process holds every bucket but that one (the other process holding it is slow); near
    // the head, it swaps, taking the slow bucket's events in the swap's transaction.
    const others = Array.from({ length: PROJECTION_BUCKETS }, (_, b) => b).filter((b) => b !== Number(bucket));
    const leases = { owned: () => others, start: async () => undefined, stop: async () => undefined } as unknown as BucketLeases;
    await new ProjectionRunner(db.ds, store, projections(50_000), { leases }).rebuild(READ_MODELS);
    expect(await rebuilding()).toBe(0);
    // As current as the tables it replaced the moment it swapped, before any live batch ran.
    const [{ behind }] = await db.ds.query(
      `SELECT count(*)::int AS behind FROM events e JOIN projection_bucket_checkpoints c ON c.name = $1 AND c.bucket = e.bucket
       WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)`,
      [READ_MODELS],
    );
    expect(behind).toBe(0);
    expect(await readModels(db.ds)).toEqual(reference);
  });

  it('given shadow batches that keep failing, then the live projection stays running and keeps applying new events, the rebuild shows its own error and attempts and backs off, and after the fix it swaps in', async () => {
    const reference = await readModels(db.ds);
    // A fault only the shadow tables meet (a full tablespace, say): the trigger is copied to the
    // shadow's customer_health and refuses every row written outside the live schema.
    await db.ds.query(`
      CREATE FUNCTION test_shadow_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_SCHEMA <> 'public' THEN RAISE EXCEPTION 'could not extend file: No space left on device (stand-in)' USING ERRCODE = '53100'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_shadow_fault BEFORE INSERT OR UPDATE ON customer_health FOR EACH ROW EXECUTE FUNCTION test_shadow_fault();`);
    const ops = new ProjectionsController(db.ds);
    const readModelsStatus = async () => (await ops.list()).find((s) => s.name === READ_MODELS)!;
    const runner = new ProjectionRunner(db.ds, store, projections(), { pollMs: 20 });
    await runner.start();
    try {
      await requestRebuild(db.ds, READ_MODELS);
      const failing = await eventually(async () => {
        const s = await readModelsStatus();
        return s.rebuild?.status === 'failing' && s.rebuild.attempts >= 2 && s;
      }, 60_000);
      // The live projection is not the one failing; the rebuild says what fails and when it tries again.
      expect(failing).toMatchObject({ status: 'running', lastError: null });
      expect(failing.rebuild).toMatchObject({ lastError: expect.stringMatching(/No space left on device/), eventsApplied: 0 });
      expect(Date.parse(failing.rebuild!.retryAt!)).toBeGreaterThan(Date.parse(failing.rebuild!.failingSince!));
      // Meanwhile new events still reach the live tables.
      const late = await register();
      await appendRaw(store, `customer-${late}`, [touchpoint(late, 1)], 1);
      await eventually(async () => (await db.ds.query(`SELECT 1 FROM customer_health WHERE customer_id = $1 AND stream_version = 2`, [late])).length === 1, 30_000);
      const meanwhile = await readModelsStatus();
      expect(meanwhile).toMatchObject({ status: 'running', lastError: null, rebuild: { status: 'failing' } });

      // The fix: the rebuild goes through at its next try and swaps in.
      await db.ds.query(`CREATE OR REPLACE FUNCTION test_shadow_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`);
      await eventually(async () => (await rebuilding()) === 0, 90_000);
      expect(await readModelsStatus()).toMatchObject({ status: 'running', lastError: null });
    } finally {
      await runner.stop();
      // The swapped-in table carries the trigger too.
      await db.ds.query(`DROP TRIGGER IF EXISTS test_shadow_fault ON customer_health; DROP FUNCTION IF EXISTS test_shadow_fault() CASCADE`);
    }
    await new ProjectionRunner(db.ds, store, projections()).drain();
    const after = await readModels(db.ds);
    expect(after.customer_health.length).toBe(reference.customer_health.length + 1);
    const { saved, scratch } = await fromScratch();
    expect(saved).toEqual(scratch);
  });

  it('given a read-only role granted on read-model tables (table and column privileges) and a row-level-security policy, when rebuilt, then the swapped-in tables carry the grants and the policy', async () => {
    const oid = async () => Number((await db.ds.query(`SELECT 'customer_health'::regclass::oid AS oid`))[0].oid);
    const before = await oid();
    // About half the customers (random ids): the role sees some rows, not all, and not none.
    const [{ visible, all }] = await db.ds.query(`SELECT count(*) FILTER (WHERE customer_id::text < '8')::int AS visible, count(*)::int AS "all" FROM customer_health`);
    expect(visible).toBeGreaterThan(0);
    expect(visible).toBeLessThan(all);
    await db.ds.query(`CREATE ROLE ${role} NOLOGIN`);
    await db.ds.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await db.ds.query(`GRANT SELECT ON customer_health TO ${role}`);
    await db.ds.query(`GRANT SELECT (event_id, customer_id) ON customer_timeline TO ${role}`);
    await db.ds.query(`ALTER TABLE customer_health ENABLE ROW LEVEL SECURITY`);
    await db.ds.query(`CREATE POLICY test_some_only ON customer_health FOR SELECT TO ${role} USING (customer_id::text < '8')`);
    /** What the role may do: rows it sees of customer_health (null: refused), and whether it may read timeline columns it was and was not granted. */
    const asRole = async () => {
      const q = async (sql: string) =>
        db.ds.transaction(async (tx) => {
          await tx.query(`SET LOCAL ROLE ${role}`);
          return tx.query(sql);
        }).then((rows) => rows, (err) => (String(err.message).includes('permission denied') ? null : Promise.reject(err)));
      const health = await q(`SELECT count(*)::int AS n FROM customer_health`);
      const granted = await q(`SELECT event_id, customer_id FROM customer_timeline LIMIT 1`);
      const ungranted = await q(`SELECT relational_id FROM customer_timeline LIMIT 1`);
      return { health: health?.[0].n ?? null, granted: granted !== null, ungranted: ungranted !== null };
    };
    const policies = () => db.ds.query(`SELECT policyname, cmd, roles::text[] AS roles, qual FROM pg_policies WHERE tablename = 'customer_health'`);
    try {
      const expected = { health: visible, granted: true, ungranted: false };
      expect(await asRole()).toEqual(expected);
      const policiesBefore = await policies();
      await new ProjectionRunner(db.ds, store, projections()).rebuild(READ_MODELS);
      expect(await rebuilding()).toBe(0);
      // Swapped in (a new table), and the role may do exactly what it could before.
      expect(await oid()).not.toBe(before);
      expect(await asRole()).toEqual(expected);
      expect(await policies()).toEqual(policiesBefore);
      const [{ rls }] = await db.ds.query(`SELECT relrowsecurity AS rls FROM pg_class WHERE oid = 'customer_health'::regclass`);
      expect(rls).toBe(true);
    } finally {
      await db.ds.query(`DROP POLICY IF EXISTS test_some_only ON customer_health`);
      await db.ds.query(`ALTER TABLE customer_health DISABLE ROW LEVEL SECURITY`);
      await db.ds.query(`DROP OWNED BY ${role}`);
      await db.ds.query(`DROP ROLE ${role}`);
    }
  });

  it('given a rebuild whose shadow tables cannot be created, then the live projection keeps applying, the status says why the rebuild waits, and once the cause is fixed it begins and swaps in', async () => {
    // A projection of its own over two tables, one of them missing (a migration not run yet): beginning fails, applying does not.
    await db.ds.query(`CREATE TABLE test_begin_rows (event_id uuid PRIMARY KEY)`);
    const touchpoints: Projection = {
      name: 'test-begin',
      types: ['TouchpointRecorded'],
      tables: ['test_begin_rows', 'test_begin_extra'],
      async apply(events, tx) {
        await tx.query(`INSERT INTO test_begin_rows (event_id) SELECT unnest($1::uuid[])`, [events.map((e) => e.id)]);
      },
      async reset(tx) {
        await tx.query(`TRUNCATE test_begin_rows`);
      },
    };
    const rows = async () => Number((await db.ds.query(`SELECT count(*) FROM test_begin_rows`))[0].count);
    const logged = async () => Number((await db.ds.query(`SELECT count(*) FROM events WHERE type = 'TouchpointRecorded'`))[0].count);
    const status = async () => (await new ProjectionsController(db.ds).list()).find((s) => s.name === 'test-begin')!;
    const runner = new ProjectionRunner(db.ds, store, [touchpoints], { pollMs: 20 });
    await runner.start();
    try {
      await eventually(async () => (await rows()) === (await logged()), 30_000);
      await requestRebuild(db.ds, 'test-begin');
      await eventually(async () => /rebuild could not begin/.test((await status()).lastError ?? ''), 30_000);
      expect(await status()).toMatchObject({ status: 'rebuild_requested', lastError: expect.stringMatching(/test_begin_extra/) });
      // The live projection goes on meanwhile.
      const c = customers[0];
      const version = Number((await db.ds.query(`SELECT max(stream_version) AS v FROM events WHERE stream_id = $1`, [`customer-${c}`]))[0].v);
      await appendRaw(store, `customer-${c}`, [touchpoint(c, 7)], version);
      await eventually(async () => (await rows()) === (await logged()), 30_000);
      expect((await status()).status).toBe('rebuild_requested');

      await db.ds.query(`CREATE TABLE test_begin_extra (id int PRIMARY KEY)`);
      const oid = Number((await db.ds.query(`SELECT 'test_begin_rows'::regclass::oid AS oid`))[0].oid);
      await eventually(async () => {
        const s = await status();
        return s.status === 'running' && !s.rebuild && (await rebuilding()) === 0;
      }, 60_000);
      expect((await status()).lastError).toBeNull();
      // Swapped in (a new table), whole.
      expect(Number((await db.ds.query(`SELECT 'test_begin_rows'::regclass::oid AS oid`))[0].oid)).not.toBe(oid);
      expect(await rows()).toBe(await logged());
    } finally {
      await runner.stop();
      await db.ds.query(`DROP TABLE IF EXISTS test_begin_rows, test_begin_extra`);
      await db.ds.query(`DELETE FROM projection_checkpoints WHERE name = 'test-begin'`);
    }
    // The read models take the touchpoint appended above (the next tests start from them).
    await new ProjectionRunner(db.ds, store, projections()).drain();
  });

  it('given a view on a read-model table (which a swap would drop), then the rebuild resets in place and the view survives', async () => {
    const reference = await readModels(db.ds);
    // A shadow left behind by a rebuild whose checkpoint row was deleted goes at the next beginning.
    await db.ds.query(`CREATE SCHEMA closeness_rebuild_leftover`);
    await db.ds.query(`CREATE VIEW test_red_customers AS SELECT customer_id FROM customer_health WHERE band = 'red'`);
    try {
      await new ProjectionRunner(db.ds, store, projections()).rebuild('customer-follow-ups');
      expect(await schemas()).toEqual([]);
      await new ProjectionRunner(db.ds, store, projections()).rebuild(READ_MODELS);
      expect(await rebuilding()).toBe(0);
      expect((await db.ds.query(`SELECT count(*)::int AS n FROM test_red_customers`))[0].n).toBe(reference.customer_health.filter((h: any) => h.band === 'red').length);
      expect(await readModels(db.ds)).toEqual(reference);
    } finally {
      await db.ds.query(`DROP VIEW IF EXISTS test_red_customers`);
    }
  });

  it('given a swapped-in rebuild, then the migrations that name its indexes still run down and up, and the model versions are recorded', async () => {
    const applied = async (name: string) => (await db.ds.query(`SELECT 1 FROM migrations WHERE name = $1`, [name])).length > 0;
    // ChurnedCustomers drops and recreates customer_health's indexes by name.
    while (await applied('ChurnedCustomers1766500000000')) await db.ds.undoLastMigration({ transaction: 'each' });
    await db.ds.runMigrations({ transaction: 'each' });
    expect(await applied('ProjectionRebuilds1766600000000')).toBe(true);
    const versions = await db.ds.query(`SELECT name FROM read_model_versions ORDER BY name`);
    expect(versions.map((r: any) => r.name)).toEqual([READ_MODELS, `${READ_MODELS}:health`]);
    // And a rebuild after them still swaps.
    await new ProjectionRunner(db.ds, store, projections()).rebuild(READ_MODELS);
    expect(await rebuilding()).toBe(0);
    expect((await counts(db.ds)).health).toBe(customers.length);
  });
});
