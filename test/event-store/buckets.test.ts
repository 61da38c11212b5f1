import { jest } from '@jest/globals';
import { EventStore, PROJECTION_BUCKETS, START, type Checkpoint, type StoredEvent } from '../../libs/event-store/src/index.js';
import { appendRaw } from '../../libs/event-store/src/testing.js';
import { freshDatabase } from '../support/env.js';
import { eventually, newEvent, rawClient } from './helpers.js';

jest.setTimeout(60_000);

/** The log in buckets (#24): the bucket stored at append, one bucket read in commit order from its own checkpoint, the gap-safe horizon per bucket. */
describe('EventStore buckets (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: EventStore;

  beforeAll(async () => {
    db = await freshDatabase();
    store = new EventStore(db.ds);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const bucketsOf = async () => new Map<string, number[]>(
    (await db.ds.query(`SELECT stream_id, array_agg(DISTINCT bucket)::int[] AS b FROM events GROUP BY stream_id`)).map((r: any) => [r.stream_id, r.b]),
  );

  /** Reads the given buckets from the start in pages of `limit`, as a bucket runner does. */
  const readAllBuckets = async (buckets: number[], limit: number) => {
    const from = new Map<number, Checkpoint>(buckets.map((b) => [b, START]));
    const out: StoredEvent[] = [];
    for (;;) {
      const page = await store.readBuckets(from, { limit });
      if (page.examined.length === 0) return out;
      out.push(...page.events);
      for (const [b, cp] of page.checkpoints) from.set(b, cp);
    }
  };

  it('given appends to many streams, then each stream lies in one bucket of 64 and the buckets are used', async () => {
    for (let i = 0; i < 200; i++) await appendRaw(store, `customer-b${i}`, [newEvent(), newEvent()]);
    const buckets = await bucketsOf();
    for (const b of buckets.values()) {
      expect(b).toHaveLength(1);
      expect(b[0]).toBeGreaterThanOrEqual(0);
      expect(b[0]).toBeLessThan(PROJECTION_BUCKETS);
    }
    expect(new Set([...buckets.values()].map((b) => b[0])).size).toBeGreaterThan(40);
  });

  it('given some buckets read in small pages, then exactly their events come, once each, in commit order', async () => {
    const buckets = await bucketsOf();
    const chosen = [0, 5, 17, 42, 63];
    const read = await readAllBuckets(chosen, 7);
    const expected = (await db.ds.query(`SELECT event_id FROM events WHERE bucket = ANY($1::smallint[]) ORDER BY transaction_id, global_position`, [chosen])).map((r: any) => r.event_id);
    expect(read.map((e) => e.id)).toEqual(expected);
    for (const e of read) expect(chosen).toContain(buckets.get(e.streamId)![0]);
  });

  it('given every bucket at one checkpoint, then one commit-order pass reads every event, once each, and the buckets stay at one checkpoint', async () => {
    const all = Array.from({ length: PROJECTION_BUCKETS }, (_, b) => b);
    const from = new Map<number, Checkpoint>(all.map((b) => [b, START]));
    const read: StoredEvent[] = [];
    for (;;) {
      const page = await store.readBuckets(from, { limit: 13 });
      if (page.examined.length === 0) break;
      read.push(...page.events);
      for (const [b, cp] of page.checkpoints) from.set(b, cp);
      expect(new Set([...from.values()].map((c) => `${c.transactionId}/${c.globalPosition}`)).size).toBe(1);
    }
    const expected = (await db.ds.query(`SELECT event_id FROM events ORDER BY transaction_id, global_position`)).map((r: any) => r.event_id);
    expect(read.map((e) => e.id)).toEqual(expected);
    // Once one bucket is apart, each is read from its own checkpoint again.
    const [{ bucket }] = await db.ds.query(`SELECT bucket FROM events ORDER BY global_position LIMIT 1`);
    const apart = new Map(from);
    apart.set(Number(bucket), START);
    const again = await store.readBuckets(apart, { limit: 1000 });
    const first = (await db.ds.query(`SELECT event_id FROM events WHERE bucket = $1 ORDER BY transaction_id, global_position`, [bucket])).map((r: any) => r.event_id);
    expect(first.length).toBeGreaterThan(0);
    expect(again.events.map((e) => e.id)).toEqual(first);
  });

  it('given a type filter, then only those types carry through but the checkpoints pass the others', async () => {
    const s = 'customer-typed';
    await appendRaw(store, s, [newEvent('Wanted'), newEvent('Other'), newEvent('Other')]);
    const [{ bucket }] = await db.ds.query(`SELECT bucket FROM events WHERE stream_id = $1 LIMIT 1`, [s]);
    const page = await eventually(async () => {
      const p = await store.readBuckets(new Map([[Number(bucket), START]]), { types: ['Wanted'] });
      return p.events.some((e) => e.streamId === s) ? p : undefined;
    });
    expect(page.events.every((e) => e.type === 'Wanted')).toBe(true);
    const [last] = await db.ds.query(`SELECT global_position FROM events WHERE bucket = $1 ORDER BY transaction_id DESC, global_position DESC LIMIT 1`, [bucket]);
    expect(page.checkpoints.get(Number(bucket))!.globalPosition).toBe(Number(last.global_position));
  });

  it('given a slow commit in a bucket, then no bucket reader passes it: it comes once it commits, before what committed after it', async () => {
    const slow = await rawClient(db.url);
    try {
      await slow.query('BEGIN');
      await slow.query(`SELECT pg_current_xact_id()`);
      // A stream in the slow transaction, and later commits in its bucket and in others.
      await appendRaw(store, 'customer-slow', [newEvent('Slow')], undefined, slow.q);
      for (let i = 0; i < 20; i++) await appendRaw(store, `customer-after${i}`, [newEvent('After')]);
      const all = Array.from({ length: PROJECTION_BUCKETS }, (_, b) => b);
      const before = await readAllBuckets(all, 1000);
      expect(before.some((e) => e.type === 'Slow' || e.type === 'After')).toBe(false);
      await slow.query('COMMIT');
      const after = await eventually(async () => {
        const r = await readAllBuckets(all, 5);
        return r.some((e) => e.type === 'Slow') && r.filter((e) => e.type === 'After').length === 20 ? r : undefined;
      });
      const slowAt = after.findIndex((e) => e.type === 'Slow');
      expect(after.findIndex((e) => e.type === 'After')).toBeGreaterThan(slowAt);
    } finally {
      await slow.end();
    }
  });

  it('given rows stored before the migration, then the migration gives them their bucket (the backfill)', async () => {
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM events WHERE bucket <> (hashtextextended(stream_id, 0) & 63)`);
    expect(n).toBe(0);
    const applied = async () => (await db.ds.query(`SELECT 1 FROM migrations WHERE name = 'ProjectionBuckets1766200000000'`)).length > 0;
    while (await applied()) await db.ds.undoLastMigration({ transaction: 'each' });
    await appendRaw(store, 'customer-before-buckets', [newEvent(), newEvent()]);
    await db.ds.runMigrations({ transaction: 'each' });
    const rows = await db.ds.query(`SELECT bucket, (hashtextextended(stream_id, 0) & 63)::int AS expected FROM events WHERE stream_id = 'customer-before-buckets'`);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.bucket).toBe(r.expected);
  });
});
