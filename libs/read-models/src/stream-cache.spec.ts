import type { StoredEvent } from '../../event-store/src/index.js';
import { StreamCache, type StreamReader } from './stream-cache.js';

/** A stand-in for the event store's stream reads (the cache's only query): streams of `length` events each. */
function fakeLog(length: number) {
  const reads: string[] = [];
  const log: StreamReader = {
    async readStreamRanges(ranges) {
      const events: StoredEvent[] = [];
      for (const { streamId: stream, after, upTo } of ranges) {
        reads.push(stream);
        for (let v = after + 1; v <= Math.min(upTo, length); v++) {
          events.push({ id: `${stream}-${v}`, streamId: stream, streamVersion: v, globalPosition: v, transactionId: '1', type: 'TouchpointRecorded', schemaVersion: 1, data: {}, metadata: {}, recordedAt: new Date(0) });
        }
      }
      return events;
    },
  };
  return { log, db: undefined, reads };
}

describe('StreamCache', () => {
  it('given a budget of 3 streams, when a fourth is loaded, then it keeps the one in hand and holds no more than the budget', async () => {
    const { db, log } = fakeLog(10);
    const cache = new StreamCache(log, 30);
    for (const s of ['customer-a', 'customer-b', 'customer-c']) await cache.load(db, new Map([[s, 10]]));
    const out = await cache.load(db, new Map([['customer-d', 10]]));
    expect(out.get('customer-d')).toHaveLength(10);
    expect(cache.size).toEqual({ streams: 3, events: 30 });
    expect(cache.needsRestore('customer-d', 10)).toBe(true); // loaded, not folded yet
    cache.foldState('customer-d', out.get('customer-d')!, 10);
    expect(cache.needsRestore('customer-d', 10)).toBe(false);
  });

  it('given a batch larger than the budget, when it is loaded, then every stream of it is returned whole', async () => {
    const { db, log } = fakeLog(10);
    const cache = new StreamCache(log, 20);
    const out = await cache.load(db, new Map(['customer-a', 'customer-b', 'customer-c', 'customer-d'].map((s) => [s, 10])));
    for (const s of out.values()) expect(s).toHaveLength(10);
    expect(cache.size.events).toBeLessThanOrEqual(20);
  });

  it('given customers touched in a cycle slightly larger than the cache, when the cycle repeats, then most loads are hits (LRU would miss every one)', async () => {
    const { db, log, reads } = fakeLog(10);
    const cache = new StreamCache(log, 9_800); // 980 of 1,000 streams fit
    const streams = Array.from({ length: 1000 }, (_, i) => `customer-${i}`);
    for (const s of streams) await cache.load(db, new Map([[s, 10]]));
    reads.length = 0;
    for (let round = 0; round < 5; round++) for (const s of streams) await cache.load(db, new Map([[s, 10]]));
    // Random eviction misses a few percent here (about 4% by the arithmetic); LRU misses 100%.
    expect(reads.length / 5000).toBeLessThan(0.25);
    expect(cache.size.events).toBeLessThanOrEqual(9_800);
  });
});
