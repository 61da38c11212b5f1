import { jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import {
  AppendNotifier,
  EventStore,
  LISTEN_APPLICATION_NAME,
  ProjectionRunner,
  projectionStatuses,
  requestParkedRetry,
  requestRebuild,
  type Projection,
  type Queryable,
  type StoredEvent,
} from '../../libs/event-store/src/index.js';
import { openDatabase } from '../../libs/shared/src/database/data-source.js';
import { freshDatabase } from '../support/env.js';
import { eventually, newEvent, RecordingProjection, TableProjection } from './helpers.js';
import { appendRaw } from '../../libs/event-store/src/testing.js';

jest.setTimeout(90_000);

describe('ProjectionRunner (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: EventStore;
  const extra: DataSource[] = [];
  let total = 0;

  const open = async (pool = 4) => {
    const ds = await openDatabase(db.url, pool, 'closeness-test-runner');
    extra.push(ds);
    return ds;
  };
  const appendMany = async (n: number, tag: string) => {
    for (let i = 0; i < n; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => appendRaw(store, `customer-${tag}-${(i + j) % 13}`, [newEvent('TestHappened', { n: i + j + 1 })])),
      );
    }
    total += n;
  };
  /** Drains until the projection's table holds every event (foreign transactions may hold the horizon back). */
  const drainAll = (runner: ProjectionRunner, prefix: string) =>
    eventually(async () => {
      await runner.drain();
      const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM ${prefix}_log`);
      return n === total;
    });

  beforeAll(async () => {
    db = await freshDatabase();
    store = new EventStore(db.ds);
    for (const p of ['straight', 'crashy', 'thrown', 'live']) await TableProjection.createTables(db.ds, p);
    await appendMany(200, 'seed');
  });
  afterAll(async () => {
    for (const ds of extra) await ds.destroy().catch(() => undefined);
    await db?.drop();
  });

  it('a projection killed between events and restarted ends identical to one that ran straight through, and to a rebuild', async () => {
    const straight = new ProjectionRunner(db.ds, store, [new TableProjection('straight', 'straight')]);
    await drainAll(straight, 'straight');
    const expected = await TableProjection.contents(db.ds, 'straight');
    expect(expected.log).toHaveLength(200);

    // An apply that throws once in the third batch, after writing some of its rows: the batch is
    // rolled back whole and applied again (the error is no connection fault), each event once.
    let thrown = 0;
    const throwsOnce = new TableProjection('thrown', 'thrown', 7, async () => {
      if (++thrown === 3) throw new Error('boom mid-batch');
    });
    await drainAll(new ProjectionRunner(db.ds, store, [throwsOnce]), 'thrown');
    expect(await TableProjection.contents(db.ds, 'thrown')).toEqual(expected);
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM projection_parked_events WHERE projection = 'thrown'`))[0].n).toBe(0);

    // Crash 1: the process loses its connection in the third batch (the backend is killed) after writing some of its rows.
    let batches = 0;
    const first = await open();
    const crashy = new TableProjection('crashy', 'crashy', 7, async (_e: StoredEvent[], tx: Queryable) => {
      if (++batches === 3) await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
    });
    await expect(new ProjectionRunner(first, new EventStore(first), [crashy]).drain()).rejects.toThrow();
    await first.destroy().catch(() => undefined);
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM crashy_log`))[0].n).toBe(14); // two batches, not 2.x
    const [cp] = await db.ds.query(`SELECT global_position FROM projection_checkpoints WHERE name = 'crashy'`);
    const [last] = await db.ds.query(`SELECT l.event_id, e.global_position FROM crashy_log l JOIN events e USING (event_id) ORDER BY seq DESC LIMIT 1`);
    expect(Number(cp.global_position)).toBe(Number(last.global_position)); // checkpoint moved with the rows

    // Crash 2: again, in the next process's fourth batch.
    const doomed = await open();
    batches = 0;
    const killer = new TableProjection('crashy', 'crashy', 7, async (_e: StoredEvent[], tx: Queryable) => {
      if (++batches === 4) await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
    });
    await expect(new ProjectionRunner(doomed, new EventStore(doomed), [killer]).drain()).rejects.toThrow();
    await doomed.destroy().catch(() => undefined);
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM crashy_log`))[0].n).toBe(14 + 21);

    // Restart in a "new process" and finish.
    const fresh = await open();
    const restarted = new ProjectionRunner(fresh, new EventStore(fresh), [new TableProjection('crashy', 'crashy')]);
    await drainAll(restarted, 'crashy');
    expect(await TableProjection.contents(db.ds, 'crashy')).toEqual(expected);

    // Rebuild: reset its table and checkpoint and replay the whole log.
    await db.ds.query(`UPDATE crashy_totals SET total = -1`); // damage that only a real reset repairs
    const replayed = await restarted.rebuild('crashy');
    expect(replayed).toBeGreaterThanOrEqual(200);
    await drainAll(restarted, 'crashy');
    expect(await TableProjection.contents(db.ds, 'crashy')).toEqual(expected);
  });

  it('a live runner retries a failing batch, catches up, and a requested rebuild replays in the background', async () => {
    let failOnce = true;
    const live = new TableProjection('live', 'live', 5, async () => {
      if (failOnce) {
        failOnce = false;
        throw new Error('transient');
      }
    });
    const runner = new ProjectionRunner(db.ds, store, [live], { pollMs: 20 });
    await runner.start();
    try {
      await eventually(async () => (await db.ds.query(`SELECT count(*)::int AS n FROM live_log`))[0].n === total);
      const [status] = (await projectionStatuses(db.ds)).filter((s) => s.name === 'live');
      expect(status).toMatchObject({ status: 'running', lastError: null });
      const straight = await TableProjection.contents(db.ds, 'straight');
      expect(await TableProjection.contents(db.ds, 'live')).toEqual(straight);

      expect(await requestRebuild(db.ds, 'live')).toBe(true);
      expect(await requestRebuild(db.ds, 'no-such-projection')).toBe(false);
      await eventually(async () => {
        const [s] = (await projectionStatuses(db.ds)).filter((x) => x.name === 'live');
        const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM live_log`);
        return s.status === 'running' && n === total;
      });
      expect(await TableProjection.contents(db.ds, 'live')).toEqual(straight);
    } finally {
      await runner.stop();
    }
  });

  it('two runners on the same projection never apply an event twice (SKIP LOCKED)', async () => {
    await db.ds.query(`CREATE TABLE twice_log (event_id uuid NOT NULL, runner text NOT NULL)`);
    const twice = (runnerName: string): Projection => ({
      name: 'twice',
      batchSize: 10,
      async apply(events, tx) {
        await tx.query(`INSERT INTO twice_log (event_id, runner) SELECT unnest($1::uuid[]), $2`, [events.map((e) => e.id), runnerName]);
        await tx.query('SELECT pg_sleep(0.002)'); // widen the window in which the other runner tries
      },
      async reset(tx) {
        await tx.query('DELETE FROM twice_log');
      },
    });
    const [a, b] = [await open(), await open()];
    const runners = [new ProjectionRunner(a, new EventStore(a), [twice('a')], { pollMs: 5 }), new ProjectionRunner(b, new EventStore(b), [twice('b')], { pollMs: 5 })];
    await Promise.all(runners.map((r) => r.start()));
    try {
      await appendMany(150, 'twice');
      await eventually(async () => (await db.ds.query(`SELECT count(*)::int AS n FROM twice_log`))[0].n >= total, 60_000);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
    const [{ n, distinct }] = await db.ds.query(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM twice_log`);
    expect(n).toBe(total);
    expect(distinct).toBe(total);
  });

  it('wakes on LISTEN/NOTIFY without waiting for the poll', async () => {
    const sub = new RecordingProjection('notified', ['Ping']);
    const ds = await open();
    const localStore = new EventStore(ds);
    const notifier = new AppendNotifier(ds, localStore);
    // a poll interval far beyond the test's patience: only a notification can deliver in time
    const runner = new ProjectionRunner(ds, localStore, [sub], { pollMs: 600_000, listenUrl: db.url });
    await runner.start();
    try {
      await eventually(async () => (await db.ds.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [LISTEN_APPLICATION_NAME])).length === 1);
      for (let i = 1; i <= 3; i++) {
        const e = newEvent('Ping');
        await appendRaw(localStore, 'customer-ping', [e]);
        await eventually(async () => sub.seen.length === i, 30_000);
        expect(sub.seen[i - 1].id).toBe(e.id);
      }
    } finally {
      notifier.close();
      await runner.stop();
    }
    expect(await db.ds.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [LISTEN_APPLICATION_NAME])).toHaveLength(0);
  });

  it('falls back to polling without notifications, and when the LISTEN connection dies', async () => {
    const sub = new RecordingProjection('polled', ['Poll']);
    const runner = new ProjectionRunner(db.ds, store, [sub], { pollMs: 30, listenUrl: db.url });
    await runner.start();
    try {
      await eventually(async () => (await db.ds.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [LISTEN_APPLICATION_NAME])).length === 1);
      await db.ds.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [LISTEN_APPLICATION_NAME]);
      // no AppendNotifier here: nothing sends NOTIFY, so delivery is by polling
      const e = newEvent('Poll');
      await appendRaw(store, 'customer-poll', [e]);
      await eventually(async () => sub.seen.length === 1);
      expect(sub.seen[0].id).toBe(e.id);
      // and the LISTEN connection comes back by itself
      await eventually(async () => (await db.ds.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [LISTEN_APPLICATION_NAME])).length === 1);
    } finally {
      await runner.stop();
    }
  });

  it('given a batch with an event whose apply throws, when run, then that event is parked, later events of its stream wait behind it, every other event is applied once, and a retry after the fix applies them in order', async () => {
    await TableProjection.createTables(db.ds, 'picky');
    let broken = true;
    const target = 'customer-seed-5';
    const streamEvents = (await db.ds.query(`SELECT event_id::text AS id FROM events WHERE stream_id = $1 ORDER BY stream_version`, [target])).map((r: any) => r.id as string);
    const bad = streamEvents[3];
    // A bug that hits one event: a TypeError from odd data (no connection fault).
    const picky = new TableProjection('picky', 'picky', 50, async (events: StoredEvent[]) => {
      if (broken && events.some((e) => e.id === bad)) (null as any).boom();
    });
    const parkedCalls: number[][] = [];
    const runner = new ProjectionRunner(db.ds, store, [picky], { onParked: (_n, failed, held) => parkedCalls.push([failed, held]) });
    await runner.drain();
    const parked = await db.ds.query(`SELECT event_id::text AS id, held_by::text AS by, error FROM projection_parked_events WHERE projection = 'picky' ORDER BY global_position`);
    expect(parked.map((r: any) => [r.id, r.by])).toEqual([[bad, null], ...streamEvents.slice(4).map((id: string) => [id, bad])]);
    expect(parked[0].error).toMatch(/boom/);
    const [{ n, distinct }] = await db.ds.query(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM picky_log`);
    expect(n).toBe(distinct);
    const [{ all }] = await db.ds.query(`SELECT count(*)::int AS all FROM events`);
    expect(n).toBe(all - parked.length);
    expect(parkedCalls.reduce((a, [f, h]) => a + f + h, 0)).toBe(parked.length);
    const [status] = (await projectionStatuses(db.ds)).filter((x) => x.name === 'picky');
    expect(status).toMatchObject({ status: 'running', lagEvents: 0, parked: parked.length });

    // Still broken: a retry keeps it parked, with one more attempt.
    expect(await requestParkedRetry(db.ds, 'picky', bad)).toBe(true);
    await runner.drain();
    expect((await db.ds.query(`SELECT attempts FROM projection_parked_events WHERE projection = 'picky' AND event_id = $1`, [bad]))[0].attempts).toBe(2);
    broken = false;
    expect(await requestParkedRetry(db.ds, 'picky', bad)).toBe(true);
    await runner.drain();
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM projection_parked_events WHERE projection = 'picky'`))[0].n).toBe(0);
    const log = await db.ds.query(`SELECT event_id::text AS id FROM picky_log WHERE stream_id = $1 ORDER BY seq`, [target]);
    expect(log.map((r: any) => r.id)).toEqual(streamEvents); // the stream in its own order
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM picky_log`))[0].n).toBe(all);
  });

  it('given a fault that fails every event (no poison), when run, then nothing is parked and the batch fails whole, to be retried', async () => {
    await TableProjection.createTables(db.ds, 'allbad');
    const allBad = new TableProjection('allbad', 'allbad', 20, async () => {
      throw new Error('a bug that hits everything');
    });
    await expect(new ProjectionRunner(db.ds, store, [allBad]).drain()).rejects.toThrow('a bug that hits everything');
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM projection_parked_events WHERE projection = 'allbad'`))[0].n).toBe(0);
    expect(Number((await db.ds.query(`SELECT global_position FROM projection_checkpoints WHERE name = 'allbad'`))[0].global_position)).toBe(0);
  });

  it('refuses two projections with the same name in one runner', () => {
    expect(() => new ProjectionRunner(db.ds, store, [new RecordingProjection('x'), new RecordingProjection('x')])).toThrow(/Two projections named x/);
  });
});
