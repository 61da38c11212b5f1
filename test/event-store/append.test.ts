import type { DataSource } from 'typeorm';
import { ConcurrencyError, EventStore, IdempotencyConflictError, UpcasterRegistry } from '../../libs/event-store/src/index.js';
import { openDatabase } from '../../libs/shared/src/database/data-source.js';
import { freshDatabase } from '../support/env.js';
import { newEvent } from './helpers.js';
import { appendRaw } from '../../libs/event-store/src/testing.js';

describe('EventStore.append (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let wide: DataSource; // enough connections for 20 truly concurrent appends
  let store: EventStore;

  beforeAll(async () => {
    db = await freshDatabase();
    wide = await openDatabase(db.url, 25, 'closeness-test-wide');
    store = new EventStore(wide);
  });
  afterAll(async () => {
    await wide?.destroy();
    await db?.drop();
  });

  const count = async (where = 'true', params: unknown[] = []) => Number((await db.ds.query(`SELECT count(*) AS n FROM events WHERE ${where}`, params))[0].n);

  it('20 concurrent appends with the same expected version: exactly one succeeds, the rest get ConcurrencyError', async () => {
    const stream = 'customer-race';
    await appendRaw(store, stream, [newEvent()], 'no_stream');
    for (let round = 0; round < 3; round++) {
      const expected = round + 1;
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => appendRaw(store, stream, [newEvent()], expected)));
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(19);
      for (const f of failed) expect(f.reason).toBeInstanceOf(ConcurrencyError);
      expect((ok[0] as PromiseFulfilledResult<any>).value.nextVersion).toBe(expected + 1);
    }
    expect(await count('stream_id = $1', [stream])).toBe(4);
    const versions = (await store.readStream(stream)).map((e) => e.streamVersion);
    expect(versions).toEqual([1, 2, 3, 4]);
  });

  it('20 concurrent appends with `any` all succeed on distinct, gap-free versions', async () => {
    const stream = 'customer-any-race';
    const results = await Promise.all(Array.from({ length: 20 }, () => appendRaw(store, stream, [newEvent(), newEvent()], 'any')));
    const versions = results.flatMap((r) => r.events.map((e) => e.streamVersion)).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('20 concurrent no_stream appends to a new stream: exactly one creates it', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => appendRaw(store, 'customer-new-race', [newEvent()], 'no_stream')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyError)).toHaveLength(19);
  });

  it('checks each expected version kind', async () => {
    const s = 'customer-expect';
    await expect(appendRaw(store, s, [newEvent()], 'stream_exists')).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(appendRaw(store, s, [newEvent()], 1)).rejects.toMatchObject({ name: 'ConcurrencyError', actual: 0 });
    const first = await appendRaw(store, s, [newEvent(), newEvent()], 'no_stream');
    expect(first).toMatchObject({ nextVersion: 2, duplicate: false });
    expect(first.events.map((e) => e.streamVersion)).toEqual([1, 2]);
    await expect(appendRaw(store, s, [newEvent()], 'no_stream')).rejects.toMatchObject({ name: 'ConcurrencyError', actual: 2 });
    await expect(appendRaw(store, s, [newEvent()], 1)).rejects.toMatchObject({ actual: 2, expected: 1 });
    await expect(appendRaw(store, s, [newEvent()], 3)).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await appendRaw(store, s, [newEvent()], 2)).nextVersion).toBe(3);
    expect((await appendRaw(store, s, [newEvent()], 'stream_exists')).nextVersion).toBe(4);
    expect((await appendRaw(store, s, [newEvent()], 'any')).nextVersion).toBe(5);
    expect(await store.streamVersion(s)).toBe(5);
    expect(await count('stream_id = $1', [s])).toBe(5);
  });

  it('stores every envelope field', async () => {
    const e = newEvent('TouchpointRecorded', { channel: 'email', n: 3 });
    const res = await appendRaw(store, 'customer-envelope', [e], 'no_stream');
    const [stored] = await store.readStream('customer-envelope');
    expect(stored).toMatchObject({
      id: e.id,
      streamId: 'customer-envelope',
      streamVersion: 1,
      globalPosition: res.events[0].globalPosition,
      type: 'TouchpointRecorded',
      schemaVersion: 1,
      data: { channel: 'email', n: 3 },
      metadata: e.metadata,
    });
    expect(stored.recordedAt).toBeInstanceOf(Date);
    expect(BigInt(stored.transactionId)).toBeGreaterThan(0n);
  });

  it('re-appending the same ids writes nothing and returns the stored positions, whatever the expected version', async () => {
    const s = 'customer-idem';
    const batch = [newEvent(), newEvent(), newEvent()];
    const first = await appendRaw(store, s, batch, 'no_stream');
    const before = await count();
    const again = await appendRaw(store, s, batch, 'no_stream');
    expect(again.duplicate).toBe(true);
    expect(again.events).toEqual(first.events);
    expect(again.nextVersion).toBe(first.nextVersion);
    // a retry of a single event of the batch is a duplicate too
    const one = await appendRaw(store, s, [batch[1]], 7);
    expect(one).toMatchObject({ duplicate: true, events: [first.events[1]] });
    expect(await count()).toBe(before);
  });

  it('concurrent re-appends of the same new ids store them once; every caller gets the same positions', async () => {
    const batch = [newEvent(), newEvent()];
    const results = await Promise.all(Array.from({ length: 10 }, () => appendRaw(store, 'customer-idem-race', batch, 'any')));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    for (const r of results) expect(r.events).toEqual(results[0].events);
    expect(await count('stream_id = $1', ['customer-idem-race'])).toBe(2);
  });

  it('a batch that partly overlaps stored ids is refused and writes nothing', async () => {
    const s = 'customer-partial';
    const stored = [newEvent(), newEvent()];
    await appendRaw(store, s, stored);
    const before = await count();
    const fresh = newEvent();
    await expect(appendRaw(store, s, [stored[0], fresh], 'any')).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(appendRaw(store, s, [fresh, stored[1]], 'any')).rejects.toMatchObject({ storedIds: [stored[1].id] });
    expect(await count()).toBe(before);
    expect(await count('event_id = $1', [fresh.id])).toBe(0);
  });

  it('the same ids re-appended to another stream are refused', async () => {
    const e = newEvent();
    await appendRaw(store, 'customer-one', [e]);
    await expect(appendRaw(store, 'customer-two', [e])).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(await count('stream_id = $1', ['customer-two'])).toBe(0);
  });

  it('appends inside a caller transaction commit or roll back with it', async () => {
    await expect(
      db.ds.transaction(async (tx) => {
        await appendRaw(store, 'customer-tx', [newEvent()], 'no_stream', tx);
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await store.streamVersion('customer-tx')).toBe(0);
    await db.ds.transaction((tx) => appendRaw(store, 'customer-tx', [newEvent()], 'no_stream', tx));
    expect(await store.streamVersion('customer-tx')).toBe(1);
  });

  it('tells onAppended listeners what was written, and nothing for duplicates', async () => {
    const heard: string[] = [];
    const off = store.onAppended((events) => heard.push(...events.map((e) => e.type)));
    const batch = [newEvent('A'), newEvent('B')];
    await appendRaw(store, 'customer-listen', batch);
    await appendRaw(store, 'customer-listen', batch);
    off();
    expect(heard).toEqual(['A', 'B']);
  });

  it('writes new events at the current schema version of the registry', async () => {
    const s2 = new EventStore(wide, new UpcasterRegistry([{ type: 'Versioned', fromVersion: 1, upcast: (d) => d }]));
    await appendRaw(s2, 'customer-ver', [newEvent('Versioned')]);
    const rows = await db.ds.query(`SELECT schema_version FROM events WHERE stream_id = 'customer-ver'`);
    expect(rows[0].schema_version).toBe(2);
  });

  it('refuses an empty append', async () => {
    await expect(appendRaw(store, 'customer-empty', [])).rejects.toThrow(/at least one event/);
  });
});
