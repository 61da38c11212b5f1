import { jest } from '@jest/globals';
import { EventStore, ProjectionRunner, START, UpcasterRegistry, type StoredEvent } from '../../libs/event-store/src/index.js';
import { freshDatabase } from '../support/env.js';
import { eventually, newEvent, rawClient, RecordingProjection } from './helpers.js';
import { appendRaw } from '../../libs/event-store/src/testing.js';

jest.setTimeout(60_000);

describe('EventStore reads (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: EventStore;

  beforeAll(async () => {
    db = await freshDatabase();
    store = new EventStore(db.ds);
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Reads the whole visible log from `after` in small pages, as a subscriber does. */
  const readEverything = async (after = START, limit = 3) => {
    const out: StoredEvent[] = [];
    let checkpoint = after;
    for (;;) {
      const page = await store.readAll({ after: checkpoint, limit });
      out.push(...page.events);
      if (page.checkpoint === checkpoint) return { events: out, checkpoint };
      checkpoint = page.checkpoint;
    }
  };

  // xmin is cluster-wide: another database's open transaction on the shared server can hold a
  // reader back for a moment, so "delivered" is checked with eventually(), never one read.
  const readAtLeast = async (after: typeof START, n: number, limit = 3) =>
    eventually(async () => {
      const r = await readEverything(after, limit);
      return r.events.length >= n ? r : undefined;
    });

  /** The checkpoint past every event stored so far (waits out foreign transactions). */
  const caughtUp = async () => {
    const [{ n }] = await db.ds.query('SELECT count(*)::int AS n FROM events');
    return (await readAtLeast(START, n, 1000)).checkpoint;
  };

  describe('readStream', () => {
    const s = 'customer-read';
    beforeAll(async () => {
      await appendRaw(store, s, Array.from({ length: 10 }, (_, i) => newEvent('TestHappened', { n: i + 1 })), 'no_stream');
      await appendRaw(store, 'customer-other', [newEvent()]);
    });

    it('reads forwards from the start by default', async () => {
      const events = await store.readStream(s);
      expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(events.map((e) => e.data.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(new Set(events.map((e) => e.streamId))).toEqual(new Set([s]));
    });

    it('reads forwards from a version with a limit', async () => {
      expect((await store.readStream(s, { from: 4, limit: 3 })).map((e) => e.streamVersion)).toEqual([4, 5, 6]);
    });

    it('reads backwards from the end and from a version', async () => {
      expect((await store.readStream(s, { direction: 'backwards', limit: 3 })).map((e) => e.streamVersion)).toEqual([10, 9, 8]);
      expect((await store.readStream(s, { direction: 'backwards', from: 4 })).map((e) => e.streamVersion)).toEqual([4, 3, 2, 1]);
    });

    it('reads nothing for an unknown stream or past the end', async () => {
      expect(await store.readStream('customer-nobody')).toEqual([]);
      expect(await store.readStream(s, { from: 11 })).toEqual([]);
    });

    it('reads only what was recorded up to a moment', async () => {
      const all = await store.readStream(s);
      expect(await store.readStream(s, { recordedUpTo: new Date(all[0].recordedAt.getTime() - 1000) })).toEqual([]);
      expect(await store.readStream(s, { recordedUpTo: all[9].recordedAt })).toHaveLength(10);
    });
  });

  it('an event whose transaction took its position first but committed last is delivered to a live subscriber exactly once, in commit order', async () => {
    const early = await rawClient(db.url);
    try {
      const start = await caughtUp();
      const sub = new RecordingProjection('live-subscriber', ['Slow', 'Fast']);
      const runner = new ProjectionRunner(db.ds, store, [sub], { pollMs: 20 });
      await runner.drain();
      sub.seen.length = 0;

      // The slow transaction takes its global position first ...
      await early.query('BEGIN');
      const slow = newEvent('Slow');
      const slowPos = (await appendRaw(store, 'customer-slow', [slow], 'any', early.q)).events[0].globalPosition;
      // ... a later one takes a higher position and commits first.
      const fast = newEvent('Fast');
      const fastPos = (await appendRaw(store, 'customer-fast', [fast])).events[0].globalPosition;
      expect(fastPos).toBeGreaterThan(slowPos);

      // A naive reader by position would now move its checkpoint past `slow` for good:
      const naive = await db.ds.query('SELECT global_position FROM events WHERE global_position >= $1 ORDER BY global_position', [slowPos]);
      expect(naive.map((r: any) => Number(r.global_position))).toEqual([fastPos]);

      // The store's reader holds back instead: nothing past the open transaction is visible yet.
      await runner.drain();
      expect(sub.seen).toEqual([]);
      const held = await store.readAll({ after: start });
      expect(held.events).toEqual([]);

      await early.query('COMMIT');
      await eventually(async () => (await runner.drain(), sub.seen.length >= 2));
      await runner.drain();
      expect(sub.seen.map((e) => e.id)).toEqual([slow.id, fast.id]);

      // Live: the running subscriber does not see them again, and sees the next one once.
      await runner.start();
      const next = newEvent('Fast');
      await appendRaw(store, 'customer-fast', [next]);
      const end = Date.now() + 20_000;
      while (sub.seen.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      await runner.stop();
      expect(sub.seen.map((e) => e.id)).toEqual([slow.id, fast.id, next.id]);
    } finally {
      await early.end();
    }
  });

  it('many interleaved slow and fast writers: a paging reader sees every committed event exactly once', async () => {
    let checkpoint = await caughtUp();
    const seen: StoredEvent[] = [];
    // the subscriber reads while writers are still open, carrying its checkpoint along
    const readOn = async () => {
      const page = await readEverything(checkpoint, 2);
      seen.push(...page.events);
      checkpoint = page.checkpoint;
    };
    const clients = await Promise.all(Array.from({ length: 4 }, () => rawClient(db.url)));
    const expected = new Set<string>();
    try {
      for (let round = 0; round < 5; round++) {
        // open transactions that append and stay open while others commit
        for (const c of clients) {
          await c.query('BEGIN');
          const e = newEvent();
          expected.add(e.id);
          await appendRaw(store, `customer-slow-${round}-${clients.indexOf(c)}`, [e], 'any', c.q);
        }
        for (let i = 0; i < 3; i++) {
          const e = newEvent();
          expected.add(e.id);
          await appendRaw(store, `customer-quick-${round}-${i}`, [e]);
        }
        await readOn();
        // commit in reverse order of position, reading between commits
        for (const c of [...clients].reverse()) {
          await c.query('COMMIT');
          await readOn();
        }
        // a rolled-back append leaves a hole in global positions
        await clients[0].query('BEGIN');
        await appendRaw(store, 'customer-rolled-back', [newEvent()], 'any', clients[0].q);
        await clients[0].query('ROLLBACK');
      }
      await eventually(async () => (await readOn(), seen.length >= expected.size));
      await readOn();
      const events = seen;
      expect(events.map((e) => e.id).sort()).toEqual([...expected].sort());
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      expect(events.some((e) => e.streamId === 'customer-rolled-back')).toBe(false);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('rolled-back appends leave holes that never stall or confuse a reader', async () => {
    const start = await caughtUp();
    const c = await rawClient(db.url);
    try {
      const before = newEvent();
      await appendRaw(store, 'customer-holes', [before]);
      for (let i = 0; i < 5; i++) {
        await c.query('BEGIN');
        await appendRaw(store, 'customer-holes', [newEvent(), newEvent()], 'any', c.q);
        await c.query('ROLLBACK');
      }
      const after = newEvent();
      const res = await appendRaw(store, 'customer-holes', [after]);
      const positions = (await store.readStream('customer-holes')).map((e) => e.globalPosition);
      expect(positions[1] - positions[0]).toBeGreaterThan(1); // the hole is real
      expect(res.events[0].streamVersion).toBe(2); // stream versions have no holes

      const { events } = await readAtLeast(start, 2, 1);
      expect(events.map((e) => e.id)).toEqual([before.id, after.id]);

      const sub = new RecordingProjection('holes-subscriber', undefined, 1);
      const runner = new ProjectionRunner(db.ds, store, [sub]);
      await db.ds.query(`INSERT INTO projection_checkpoints (name, transaction_id, global_position) VALUES ($1, $2::xid8, $3)`, [
        sub.name,
        start.transactionId,
        start.globalPosition,
      ]);
      await eventually(async () => (await runner.drain(), sub.seen.length >= 2));
      expect(sub.seen.map((e) => e.id)).toEqual([before.id, after.id]);
    } finally {
      await c.end();
    }
  });

  it('orders by transaction id as a number, not as text (9 before 10 before 100)', async () => {
    const ordering = await freshDatabase();
    try {
      // transaction ids set by hand: all far below any running transaction, so all visible
      for (const [xid, pos] of [[100, 1], [10, 2], [9, 3]]) {
        await ordering.ds.query(
          `INSERT INTO events (global_position, transaction_id, event_id, stream_id, stream_version, type, data)
           VALUES ($1, $2::text::xid8, gen_random_uuid(), $3, 1, 'T', '{}')`,
          [pos, xid, `customer-xid-${xid}`],
        );
      }
      const reader = new EventStore(ordering.ds);
      const one = await reader.readAll({ limit: 1 });
      expect(one.events.map((e) => e.transactionId)).toEqual(['9']);
      const all: string[] = [];
      let checkpoint = START;
      for (;;) {
        const page = await reader.readAll({ after: checkpoint, limit: 1 });
        if (page.events.length === 0) break;
        all.push(...page.events.map((e) => e.transactionId));
        checkpoint = page.checkpoint;
      }
      expect(all).toEqual(['9', '10', '100']);
    } finally {
      await ordering.drop();
    }
  });

  it('readAll with types skips other types but moves the checkpoint past them', async () => {
    const start = await caughtUp();
    await appendRaw(store, 'customer-types', [newEvent('Wanted'), newEvent('Other'), newEvent('Other')]);
    const page = await eventually(async () => {
      const p = await store.readAll({ after: start, types: ['Wanted'] });
      return p.checkpoint.globalPosition > start.globalPosition + 2 ? p : undefined;
    });
    expect(page.events.map((e) => e.type)).toEqual(['Wanted']);
    // The wanted event comes whole (payload and metadata), as an unfiltered read gives it.
    const whole = (await store.readAll({ after: start })).events.find((e) => e.id === page.events[0].id);
    expect(page.events[0]).toEqual(whole);
    const rest = await store.readAll({ after: page.checkpoint });
    expect(rest.events).toEqual([]);
  });

  it('an upcaster upgrades a stored v1 event on every read path', async () => {
    const id = '6f1c2a8e-3d3b-4c1e-9a53-0c2d1e9b7a11';
    await db.ds.query(
      `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       VALUES ($1, 'customer-legacy', 1, 'LegacyNoted', 1, '{"medium":"phone","minutes":5}', '{}')`,
      [id],
    );
    const upcasting = new EventStore(
      db.ds,
      new UpcasterRegistry([{ type: 'LegacyNoted', fromVersion: 1, upcast: (d) => ({ channel: d.medium, durationSeconds: d.minutes * 60 }) }]),
    );
    const [fromStream] = await upcasting.readStream('customer-legacy');
    expect(fromStream).toMatchObject({ id, type: 'LegacyNoted', schemaVersion: 2, data: { channel: 'phone', durationSeconds: 300 } });
    const fromLog = await eventually(async () => {
      const r = await upcasting.readAll({ types: ['LegacyNoted'], limit: 100_000 });
      return r.events.length > 0 ? r.events : undefined;
    });
    expect(fromLog).toHaveLength(1);
    expect(fromLog[0]).toMatchObject({ schemaVersion: 2, data: { channel: 'phone', durationSeconds: 300 } });
    // the stored row is never rewritten
    const [row] = await db.ds.query(`SELECT schema_version, data FROM events WHERE event_id = $1`, [id]);
    expect(row).toEqual({ schema_version: 1, data: { medium: 'phone', minutes: 5 } });
    // new events of the type are written at v2 and pass through untouched
    await appendRaw(upcasting, 'customer-legacy', [newEvent('LegacyNoted', { channel: 'email', durationSeconds: 1 })], 1);
    const [, v2] = await upcasting.readStream('customer-legacy');
    expect(v2).toMatchObject({ schemaVersion: 2, data: { channel: 'email', durationSeconds: 1 } });
  });
});
