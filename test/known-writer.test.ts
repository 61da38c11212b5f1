import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventStore, type Queryable } from '../libs/event-store/src/index.js';
import { groupCommit, type GroupUnit as KnownUnit } from '../libs/event-store/src/testing.js';
import { DatabaseUnavailableError, toProblem } from '../libs/shared/src/index.js';
import { dataSourceOptions } from '../libs/shared/src/database/data-source.js';
import { freshDatabase } from './support/env.js';

/*
 * Group commit of the one-statement ingest path, against the real Postgres. Units submitted while
 * the writer's statements are busy go out together in one statement; each is admitted or refused
 * on its own, and a failure that is not a race never fails another unit.
 */
describe('KnownWriter (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: EventStore;
  let statements: { sql: string; params?: unknown[] }[];
  let writer: ReturnType<typeof groupCommit>;
  const sourceId = randomUUID();
  const customers = Array.from({ length: 6 }, (_, i) => ({ id: randomUUID(), ext: `kw-${i}` }));

  beforeAll(async () => {
    db = await freshDatabase();
    store = new EventStore(db.ds);
    await db.ds.query(`INSERT INTO sources (id, name, format, secret, api_token_hash) VALUES ($1, 'kw', 'touchpoint', 'whsec_x', $2)`, [sourceId, randomUUID()]);
    for (const c of customers) await db.ds.query(`INSERT INTO customers (id, external_id, name, version) VALUES ($1, $2, $2, 1)`, [c.id, c.ext]);
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(() => {
    statements = [];
    // Counts the statements the writer sends; every one still runs on the real database.
    const counted: Queryable = { query: (sql, params) => (statements.push({ sql, params }), db.ds.query(sql, params)) };
    writer = groupCommit(store, counted);
  });

  const unit = (c: { id: string; ext: string | null }, opts: { id?: string; key?: string; data?: unknown } = {}): KnownUnit => {
    const id = opts.id ?? randomUUID();
    return {
      items: [{ streamId: `customer-${c.id}`, events: [{ id, type: 'TouchpointRecorded', data: opts.data ?? { n: id }, metadata: {} }] }],
      pairIds: [c.id],
      pairExts: [c.ext],
      claim: opts.key ? { sourceId, dedupeKey: opts.key, eventIds: [id] } : undefined,
    };
  };
  const versions = async (c: { id: string }) =>
    (await db.ds.query(`SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`customer-${c.id}`])).map((r: any) => r.stream_version);

  it('units that arrive while statements run share one statement, each with its own results', async () => {
    const units = Array.from({ length: 12 }, (_, i) => unit(customers[i % 3], { key: `share-${i}` }));
    const results = await Promise.all(units.map((u) => writer.write(u)));
    // Two go out at once (nothing to wait for); the other ten wait and go together. The shared
    // statement may collide with the one still running on the same stream and run again.
    expect(statements.length).toBeGreaterThanOrEqual(3);
    expect(statements.length).toBeLessThanOrEqual(4);
    expect(statements.filter((st) => st.sql.includes('jsonb_to_recordset'))).not.toHaveLength(0);
    results.forEach((r, i) => {
      expect(r).toHaveLength(1);
      expect(r![0]).toMatchObject({ id: units[i].items[0].events[0].id, streamId: units[i].items[0].streamId, duplicate: false });
    });
    // Each stream's versions have no gaps and each caller is told the version stored for its
    // event. Calls that are in flight together have no order between them: a statement that
    // collided runs again after the one it lost to, so a busy machine can give the first call 4.
    for (const c of customers.slice(0, 3)) {
      const mine = results.filter((_, i) => i % 3 === customers.indexOf(c)).map((r) => r![0]);
      expect(mine.map((r) => r.streamVersion).sort()).toEqual([1, 2, 3, 4]);
      expect(await versions(c)).toEqual([1, 2, 3, 4]);
      const stored = await db.ds.query(`SELECT event_id, stream_version FROM events WHERE stream_id = $1`, [`customer-${c.id}`]);
      for (const r of mine) expect(stored.find((e: any) => e.event_id === r.id)?.stream_version).toBe(r.streamVersion);
    }
    const claims = await db.ds.query(`SELECT dedupe_key, event_ids FROM webhook_deliveries WHERE dedupe_key LIKE 'share-%' ORDER BY dedupe_key`);
    expect(claims).toHaveLength(12);
  });

  it('refuses only the units whose customer is missing or whose claim is taken; they write nothing', async () => {
    await writer.write(unit(customers[3], { key: 'taken' })); // stored before
    const gone = { id: randomUUID(), ext: 'kw-gone' };
    const moved = { id: customers[4].id, ext: 'kw-not-this-one' }; // a stale external id
    const batch = [
      unit(customers[3]),
      unit(customers[3]),
      unit(gone, { key: 'gone' }),
      unit(customers[3], { key: 'taken' }),
      unit(moved),
      unit(customers[3], { key: 'fresh' }),
    ];
    const results = await Promise.all(batch.map((u) => writer.write(u)));
    expect(results.map((r) => (r === null ? null : r.length))).toEqual([1, 1, null, null, null, 1]);
    expect(await db.ds.query(`SELECT dedupe_key FROM webhook_deliveries WHERE dedupe_key IN ('gone', 'fresh', 'taken') ORDER BY dedupe_key`)).toEqual([
      { dedupe_key: 'fresh' },
      { dedupe_key: 'taken' },
    ]);
    for (const k of [2, 3, 4]) expect(await db.ds.query(`SELECT 1 FROM events WHERE event_id = $1`, [batch[k].items[0].events[0].id])).toHaveLength(0);
    expect(await versions(customers[3])).toEqual([1, 2, 3, 4]);
    expect(await versions(customers[4])).toEqual([]);
  });

  it('one claim twice in the queue: never in the same statement, and exactly one of them is stored', async () => {
    const twice = [unit(customers[5], { key: 'twice' }), unit(customers[5], { key: 'twice' })];
    const results = await Promise.all([unit(customers[5]), unit(customers[5]), ...twice].map((u) => writer.write(u)));
    // They go in separate statements, which may run at once: either may win, never both.
    const won = [2, 3].filter((k) => results[k] !== null);
    expect(won).toHaveLength(1);
    const winner = twice[won[0] - 2].items[0].events[0].id;
    expect(await db.ds.query(`SELECT event_ids FROM webhook_deliveries WHERE dedupe_key = 'twice'`)).toEqual([{ event_ids: [winner] }]);
    const loser = twice[3 - won[0]].items[0].events[0].id;
    expect(await db.ds.query(`SELECT 1 FROM events WHERE event_id = $1`, [loser])).toHaveLength(0);
    // No statement carried both (one that collided with a neighbour on the stream may run again).
    const carrying = statements.map((st) => JSON.stringify(st.params).split('twice').length - 1).filter((n) => n > 0);
    expect(carrying.length).toBeGreaterThanOrEqual(2);
    expect(carrying.every((n) => n === 1)).toBe(true);
  });

  it('an event id in two units of one statement is written once; stored ids answer as duplicates', async () => {
    const id = randomUUID();
    const stored = unit(customers[0]);
    await writer.write(stored);
    const results = await Promise.all(
      [unit(customers[1]), unit(customers[1]), unit(customers[0], { id }), unit(customers[1], { id }), unit(customers[2], { id: stored.items[0].events[0].id })].map((u) => writer.write(u)),
    );
    expect(results[2]![0].duplicate).toBe(false);
    expect(results[3]![0]).toMatchObject({ duplicate: true, globalPosition: results[2]![0].globalPosition });
    expect(results[4]![0]).toMatchObject({ duplicate: true, streamId: stored.items[0].streamId });
    expect(await db.ds.query(`SELECT count(*)::int AS n FROM events WHERE event_id = $1`, [id])).toEqual([{ n: 1 }]);
  });

  it('a unit the database refuses fails alone; the units it shared a statement with are stored', async () => {
    const bad = unit(customers[2], { data: { text: 'nul \u0000 byte' } }); // jsonb refuses \u0000
    const batch = [unit(customers[1]), unit(customers[1]), unit(customers[2], { key: 'beside-1' }), bad, unit(customers[2], { key: 'beside-2' })];
    const settled = await Promise.allSettled(batch.map((u) => writer.write(u)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    for (const k of [2, 4]) expect(await db.ds.query(`SELECT 1 FROM events WHERE event_id = $1`, [batch[k].items[0].events[0].id])).toHaveLength(1);
    expect(await db.ds.query(`SELECT 1 FROM events WHERE event_id = $1`, [bad.items[0].events[0].id])).toHaveLength(0);
  });

  it('concurrent writers on the same streams: every unit lands once, versions contiguous', async () => {
    const other = groupCommit(store, db.ds);
    const c = customers[5];
    const before = (await versions(c)).length;
    const units = Array.from({ length: 40 }, (_, i) => unit(c, { key: `race-${i}` }));
    const results = await Promise.all(units.map((u, i) => (i % 2 ? writer : other).write(u)));
    expect(results.every((r) => r !== null && r[0].duplicate === false)).toBe(true);
    expect(await versions(c)).toEqual(Array.from({ length: before + 40 }, (_, i) => i + 1));
  });
  it('is planned once per connection: a lone event and a small shared statement are named statements with generic plans', async () => {
    // Postgres re-plans a named statement whose generic plan looks costlier than a custom one;
    // with a customers check over an array of unknown length that was every call, and the plan
    // hashed a sequential scan of the customers table. One connection, so its prepared
    // statements are the writer's.
    const one = new DataSource(dataSourceOptions(db.url, 1, 'closeness-test-one'));
    await one.initialize();
    try {
      const w = groupCommit(new EventStore(one), one);
      for (let i = 0; i < 8; i++) expect(await w.write(unit(customers[0], { key: `planned-${i}` }))).not.toBeNull();
      for (let round = 0; round < 8; round++) {
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => w.write(unit(customers[i % 6], { key: `planned-${round}-${i}` }))));
        expect(results.every((r) => r !== null)).toBe(true);
      }
      const plans = await one.query(
        `SELECT statement LIKE '%jsonb_to_recordset%' AS shared, generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO webhook_deliveries%' ORDER BY 1`,
      );
      expect(plans.map((p: any) => p.shared)).toEqual([false, true]);
      for (const p of plans) {
        expect(Number(p.generic_plans)).toBeGreaterThan(0);
        expect(Number(p.custom_plans)).toBeLessThanOrEqual(5);
      }
    } finally {
      await one.destroy();
    }
  });
  it('while Postgres holds its statements, units waiting past the limit are refused as unavailable (503) and write nothing', async () => {
    const w = groupCommit(store, db.ds, 300);
    const locker = db.ds.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    await locker.query('LOCK TABLE webhook_deliveries IN ACCESS EXCLUSIVE MODE');
    let released = false;
    try {
      const held = [unit(customers[1], { key: 'held-1' }), unit(customers[2], { key: 'held-2' })];
      const waiting = [3, 4, 5].map((i) => unit(customers[i], { key: `waiting-${i}` }));
      const heldResults = held.map((u) => w.write(u));
      const started = Date.now();
      const refused = await Promise.allSettled(waiting.map((u) => w.write(u)));
      expect(Date.now() - started).toBeLessThan(3000);
      for (const r of refused) {
        expect(r.status).toBe('rejected');
        const err = (r as PromiseRejectedResult).reason;
        expect(err).toBeInstanceOf(DatabaseUnavailableError);
        expect(toProblem(err).body.status).toBe(503);
        expect(toProblem(err).headers['Retry-After']).toBeDefined();
      }
      await locker.rollbackTransaction();
      released = true;
      // The statements that were running finish once Postgres lets them.
      for (const r of await Promise.all(heldResults)) expect(r).toHaveLength(1);
      const keys = (await db.ds.query(`SELECT dedupe_key FROM webhook_deliveries WHERE dedupe_key LIKE 'held-%' OR dedupe_key LIKE 'waiting-%' ORDER BY 1`)).map((r: any) => r.dedupe_key);
      expect(keys).toEqual(['held-1', 'held-2']);
      for (const u of waiting) expect(await db.ds.query(`SELECT 1 FROM events WHERE event_id = $1`, [u.items[0].events[0].id])).toHaveLength(0);
    } finally {
      if (!released) await locker.rollbackTransaction().catch(() => undefined);
      await locker.release();
    }
  });
});
