import { jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import {
  AppendNotifier,
  EventStore,
  LISTEN_APPLICATION_NAME,
  ProjectionRunner,
  projectionStatuses,
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
    for (const p of ['straight', 'crashy', 'live']) await TableProjection.createTables(db.ds, p);
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

    // Crash 1: apply throws in the third batch after writing some of its rows.
    let batches = 0;
    const crashy = new TableProjection('crashy', 'crashy', 7, async () => {
      if (++batches === 3) throw new Error('boom mid-batch');
    });
    const first = new ProjectionRunner(db.ds, store, [crashy]);
    await expect(first.drain()).rejects.toThrow('boom mid-batch');
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM crashy_log`))[0].n).toBe(14); // two batches, not 2.x
    const [cp] = await db.ds.query(`SELECT global_position FROM projection_checkpoints WHERE name = 'crashy'`);
    const [last] = await db.ds.query(`SELECT l.event_id, e.global_position FROM crashy_log l JOIN events e USING (event_id) ORDER BY seq DESC LIMIT 1`);
    expect(Number(cp.global_position)).toBe(Number(last.global_position)); // checkpoint moved with the rows

    // Crash 2: the process loses its connection in the middle of a batch (the backend is killed).
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

  it('refuses two projections with the same name in one runner', () => {
    expect(() => new ProjectionRunner(db.ds, store, [new RecordingProjection('x'), new RecordingProjection('x')])).toThrow(/Two projections named x/);
  });
});
