import { appendUnitsWithPreconditions, checksOwnership, claimKey, isAppendConflict, retryAppendConflicts, type AppendManyItem, type AppendManyResult, type PreconditionedUnit } from './append-many.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './errors.js';
import type { EventStore } from './event-store.js';
import type { Precondition, Queryable } from './types.js';

interface Pending {
  unit: PreconditionedUnit;
  events: number;
  key?: string;
  /** Goes in a statement of its own (its ids are checked against their writer). */
  solo: boolean;
  /** When it was queued (ms). */
  at: number;
  resolve(results: AppendManyResult[] | null): void;
  reject(err: unknown): void;
}

/** At most this many statements at once; callers beyond wait and go together. */
const IN_FLIGHT = 2;
/** A statement carries up to this many events (a larger unit goes alone). */
const MAX_EVENTS = 1000;
/**
 * A unit that has waited this long for a statement is refused as "database unavailable" (503 with
 * Retry-After; nothing was written): when Postgres hangs, the statements never finish and nothing
 * else would end the wait. The same limit as the pool's connection timeout.
 */
const QUEUE_WAIT_MS = 5_000;

/**
 * Group commit, `EventStore.handle`'s strategy for writes with preconditions outside a
 * transaction (the one-statement ingest path). A unit goes out at once when fewer than IN_FLIGHT
 * statements are running (so a lone call waits for nothing); the units that arrive meanwhile go
 * together in the next statement, each admitted or refused on its own: its preconditions must
 * hold, else nothing of it is written and it answers null. Under a storm of small deliveries this
 * turns one statement, one commit and one round trip per delivery into one per batch.
 *
 * A statement that collides with a concurrent writer (a stream version taken) rolls back whole
 * and is run again. Any other failure of a shared statement runs its units one by one, so a unit
 * only ever fails for its own reasons.
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private expiry: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly db: Queryable,
    private readonly maxWaitMs = QUEUE_WAIT_MS,
  ) {}

  write(items: AppendManyItem[], preconditions: readonly Precondition[]): Promise<AppendManyResult[] | null> {
    return new Promise((resolve, reject) => {
      const events = items.reduce((n, it) => n + it.events.length, 0);
      this.queue.push({ unit: { items, preconditions }, events, key: claimKey(preconditions), solo: checksOwnership(preconditions), at: Date.now(), resolve, reject });
      this.pump();
      if (this.queue.length > 0 && !this.expiry) {
        // One timer for the whole queue, only while something waits.
        this.expiry = setInterval(() => this.expire(), Math.max(10, Math.min(1000, this.maxWaitMs / 4)));
        this.expiry.unref();
      }
    });
  }

  private expire() {
    const limit = Date.now() - this.maxWaitMs;
    for (let k = 0; k < this.queue.length; ) {
      const p = this.queue[k];
      if (p.at > limit) {
        k++;
        continue;
      }
      this.queue.splice(k, 1);
      p.reject(new DatabaseUnavailableError(`no ingest statement could start within ${this.maxWaitMs} ms`));
    }
    if (this.queue.length === 0) {
      clearInterval(this.expiry);
      this.expiry = undefined;
    }
  }

  private pump() {
    while (this.inFlight < IN_FLIGHT && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The oldest units that fit one statement; a claim already in it waits for the next one. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const keys = new Set<string>();
    let events = 0;
    let k = 0;
    while (k < this.queue.length) {
      const p = this.queue[k];
      if (batch.length > 0 && (events + p.events > MAX_EVENTS || p.solo || batch[0].solo)) break;
      if (p.key !== undefined && keys.has(p.key)) {
        k++;
        continue;
      }
      this.queue.splice(k, 1);
      batch.push(p);
      events += p.events;
      if (p.key !== undefined) keys.add(p.key);
    }
    return batch;
  }

  private async run(batch: Pending[]) {
    if (batch.length === 1) {
      const [p] = batch;
      return retryAppendConflicts(() => this.alone(p.unit)).then(p.resolve, p.reject);
    }
    try {
      const results = await retryAppendConflicts(() => appendUnitsWithPreconditions(this.store, batch.map((p) => p.unit), this.db));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      // Still racing after the retries, or no database: the same for every unit of it.
      if (isAppendConflict(err) || isDatabaseUnavailable(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      // Not a race: find out whose failure it is, each unit in a statement of its own.
      await Promise.all(batch.map((p) => retryAppendConflicts(() => this.alone(p.unit)).then(p.resolve, p.reject)));
    }
  }

  private async alone(unit: PreconditionedUnit): Promise<AppendManyResult[] | null> {
    const [r] = await appendUnitsWithPreconditions(this.store, [unit], this.db);
    return r;
  }
}
