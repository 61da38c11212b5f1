import type { Queryable, StoredEvent } from '../../event-store/src/index.js';
import { CustomerFoldState, type FoldEvent, type RelationalScore } from '../../relationship/src/index.js';

/** Where the cache reads streams from: the event store (one row mapping, one upcasting path). */
export interface StreamReader {
  readStreamRanges(ranges: readonly { streamId: string; after: number; upTo: number }[], tx?: Queryable): Promise<StoredEvent[]>;
}

/** A customer-stream event as the read models keep it in memory. */
export interface CachedEvent extends FoldEvent {
  streamVersion: number;
  globalPosition: number;
  recordedAt: Date;
  metadata: Record<string, unknown>;
}

interface Entry {
  /** events[i].streamVersion === i + 1: streams are contiguous from version 1. */
  events: CachedEvent[];
  /** The customer's fold, extended batch by batch (covers events[0 .. state.version)). */
  state?: CustomerFoldState;
  /** Where the stream's key sits in `keys` (for O(1) removal). */
  slot: number;
  /** The `load` call that last used it: entries of the batch in hand are never evicted. */
  used: number;
}

/** `load` up to this version: whatever the stream holds (an int4 bound for the query). */
const LATEST = 2_147_483_647;

/** Random picks that may land on entries of the current batch before one is evicted anyway. */
const EVICTION_TRIES = 64;

/**
 * A bounded in-memory copy of customer streams, shared by the projections of one worker. The
 * log is append-only, so a cached prefix never goes stale; only the tail past it is read.
 * Also keeps each customer's fold state, so a batch folds only what it brings.
 *
 * Over budget, a random stream is evicted (never one of the batch in hand), not the least
 * recently used: contact often sweeps the customer base in a cycle (a campaign, a nightly sync,
 * the silence job), and under LRU a cycle even slightly larger than the cache misses on every
 * customer (the one evicted is always the next one due). Random eviction keeps all but a few
 * percent of such a cycle (the spec shows both).
 */
export class StreamCache {
  private readonly entries = new Map<string, Entry>();
  private readonly keys: string[] = [];
  private total = 0;
  private epoch = 0;

  constructor(
    private readonly log: StreamReader,
    private readonly maxEvents = 1_000_000,
  ) {}

  /**
   * Takes events the caller already read (already upcast, e.g. a projection's batch) where they
   * continue a cached stream or start one at version 1, so `load` need not read them again.
   */
  offer(events: readonly StoredEvent[]): void {
    for (const e of events) {
      if (!e.streamId.startsWith('customer-')) continue;
      const have = this.entries.get(e.streamId)?.events.length ?? 0;
      if (e.streamVersion !== have + 1) continue;
      this.entry(e.streamId).events.push(cached(e));
      this.total++;
    }
  }

  /** The events of each stream from version 1 up to the version asked for, in stream order. */
  async load(tx: Queryable | undefined, upTo: Map<string, number>): Promise<Map<string, CachedEvent[]>> {
    this.epoch++;
    const need: { stream: string; from: number; to: number }[] = [];
    for (const [stream, to] of upTo) {
      const have = this.entries.get(stream)?.events.length ?? 0;
      if (have < to) need.push({ stream, from: have, to });
    }
    if (need.length > 0) {
      const read = await this.log.readStreamRanges(need.map((n) => ({ streamId: n.stream, after: n.from, upTo: n.to })), tx);
      for (const e of read) {
        const entry = this.entry(e.streamId);
        if (e.streamVersion !== entry.events.length + 1) continue; // already there (a concurrent load)
        entry.events.push(cached(e));
        this.total++;
      }
    }
    const out = new Map<string, CachedEvent[]>();
    for (const [stream, to] of upTo) {
      const entry = this.touch(stream);
      out.set(stream, entry ? entry.events.slice(0, to) : []);
    }
    this.evict();
    return out;
  }

  /**
   * Each stream whole, as stored now: one query reads only what lies past the cached prefix of
   * each (the caller holds whatever lock makes "now" meaningful, e.g. the customer's).
   */
  loadLatest(tx: Queryable | undefined, streams: readonly string[]): Promise<Map<string, CachedEvent[]>> {
    return this.load(tx, new Map(streams.map((s) => [s, LATEST])));
  }

  /**
   * The fold state of a stream, covering exactly its first `version` events: extended from
   * what is kept when possible, started afresh otherwise (evicted, or ahead of `version` after a
   * rolled-back batch or a rebuild). `events` are the stream's events from version 1.
   */
  foldState(stream: string, events: readonly CachedEvent[], version: number, known?: ReadonlyMap<string, RelationalScore>): CustomerFoldState {
    const e = this.entry(stream);
    if (!e.state || e.state.version > version) e.state = new CustomerFoldState();
    try {
      if (e.state.version === 0) e.state.extend(events.slice(0, version), known);
      else if (e.state.version < version) e.state.extend(events.slice(e.state.version, version));
    } catch (err) {
      // A fold that threw half-way is no fold of any prefix: the next use starts afresh.
      e.state = undefined;
      throw err;
    }
    return e.state;
  }

  /** Forgets a stream's fold state (its events stay): after a fold of it threw, or a write of what it gave failed. */
  dropFold(stream: string): void {
    const e = this.entries.get(stream);
    if (e) e.state = undefined;
  }

  /** Whether `foldState(stream, …, version)` would have to fold the stream from its start. */
  needsRestore(stream: string, version: number): boolean {
    const state = this.entries.get(stream)?.state;
    return version > 0 && (!state || state.version > version);
  }

  /** An empty cache over the same log and budget (a rebuild's shadow replay, which folds from the start). */
  sibling(): StreamCache {
    return new StreamCache(this.log, this.maxEvents);
  }

  clear(): void {
    this.entries.clear();
    this.keys.length = 0;
    this.total = 0;
  }

  /** Streams held and events in them (for tests and metrics). */
  get size(): { streams: number; events: number } {
    return { streams: this.entries.size, events: this.total };
  }

  private entry(stream: string): Entry {
    let e = this.entries.get(stream);
    if (!e) {
      e = { events: [], slot: this.keys.push(stream) - 1, used: this.epoch };
      this.entries.set(stream, e);
    }
    return e;
  }

  private touch(stream: string): Entry | undefined {
    const e = this.entries.get(stream);
    if (e) e.used = this.epoch;
    return e;
  }

  private evict(): void {
    let tries = 0;
    while (this.total > this.maxEvents && this.keys.length > 0) {
      const stream = this.keys[Math.floor(Math.random() * this.keys.length)];
      const e = this.entries.get(stream)!;
      // Entries of the batch in hand stay (their folds are about to be used); a batch larger
      // than the whole budget gives up on that after a few picks.
      if (e.used === this.epoch && tries++ < EVICTION_TRIES) continue;
      tries = 0;
      this.remove(stream, e);
    }
  }

  private remove(stream: string, e: Entry): void {
    const last = this.keys.pop()!;
    if (last !== stream) {
      this.keys[e.slot] = last;
      this.entries.get(last)!.slot = e.slot;
    }
    this.entries.delete(stream);
    this.total -= e.events.length;
  }
}

function cached(e: StoredEvent): CachedEvent {
  return {
    id: e.id,
    type: e.type,
    data: e.data,
    metadata: e.metadata ?? {},
    recordedAt: e.recordedAt instanceof Date ? e.recordedAt : new Date(e.recordedAt),
    streamVersion: e.streamVersion,
    globalPosition: e.globalPosition,
  };
}
