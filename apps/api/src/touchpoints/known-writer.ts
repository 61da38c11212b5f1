import { appendMany, appendUnits, isAppendConflict, retryAppendConflicts, type AppendManyItem, type AppendManyResult, type EventStore, type Queryable } from '../../../../libs/event-store/src/index.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../../../../libs/shared/src/index.js';

/** A webhook delivery's durable dedupe row, written in the same statement as its events. */
export interface DeliveryClaim {
  sourceId: string;
  dedupeKey: string;
  eventIds: string[];
}

/** One caller's events for customers believed to exist, all or nothing. */
export interface KnownUnit {
  items: AppendManyItem[];
  /** (customer id, external id or null) pairs that must all exist. */
  pairIds: string[];
  pairExts: (string | null)[];
  claim?: DeliveryClaim;
}

interface Pending {
  unit: KnownUnit;
  events: number;
  key?: string;
  /** When it was queued (ms). */
  at: number;
  resolve(results: AppendManyResult[] | null): void;
  reject(err: unknown): void;
}

/** At most this many statements of the writer at once; callers beyond wait and go together. */
const IN_FLIGHT = 2;
/** A statement carries up to this many events (a larger unit goes alone). */
const MAX_EVENTS = 1000;
/**
 * A unit that has waited this long for a statement is refused as "database unavailable" (503 with
 * Retry-After; nothing was written): when Postgres hangs, the writer's statements never finish
 * and nothing else would end the wait. The same limit as the pool's connection timeout.
 */
const QUEUE_WAIT_MS = 5_000;

/**
 * Group commit for the one-statement ingest path. A unit goes out at once when fewer than
 * IN_FLIGHT statements are running (so a lone call waits for nothing); the units that arrive
 * meanwhile go together in the next statement, each admitted or refused on its own: its
 * customers must exist and its claim must be new, else nothing of it is written and it answers
 * null (the caller takes the general path). Under a storm of small deliveries this turns one
 * statement, one commit and one round trip per delivery into one per batch.
 *
 * A statement that collides with a concurrent writer (a stream version taken) rolls back whole
 * and is run again. Any other failure of a shared statement runs its units one by one, so a unit
 * only ever fails for its own reasons.
 */
export class KnownWriter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private expiry: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly db: Queryable,
    private readonly maxWaitMs = QUEUE_WAIT_MS,
  ) {}

  write(unit: KnownUnit): Promise<AppendManyResult[] | null> {
    return new Promise((resolve, reject) => {
      const events = unit.items.reduce((n, it) => n + it.events.length, 0);
      const key = unit.claim ? `${unit.claim.sourceId}\u0000${unit.claim.dedupeKey}` : undefined;
      this.queue.push({ unit, events, key, at: Date.now(), resolve, reject });
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
      if (batch.length > 0 && events + p.events > MAX_EVENTS) break;
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
      const results = await retryAppendConflicts(() => this.together(batch.map((p) => p.unit)));
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

  /** One unit: for a single event, a named one-row statement that Postgres plans once per connection. */
  private alone(unit: KnownUnit): Promise<AppendManyResult[] | null> {
    const { pairIds, pairExts, claim } = unit;
    return appendMany(this.store, unit.items, this.db, (p) => {
      // Every pair found, each by its primary key. A named statement is planned once per
      // connection only if its generic plan costs what a custom plan does: with an array of
      // unknown length it never did, so Postgres planned the whole statement again on every call
      // (most of its CPU per webhook), and that plan hashed a sequential scan of the customers
      // table. One pair (a single touchpoint) is checked by plain parameters; more by an EXISTS
      // per element, which stays an index probe whatever the plan.
      const ok =
        pairIds.length === 1
          ? `EXISTS (SELECT 1 FROM customers c WHERE c.id = ${p(pairIds[0])}::uuid AND (${p(pairExts[0])}::text IS NULL OR c.external_id = ${p(pairExts[0])}::text))`
          : `(SELECT bool_and(EXISTS (SELECT 1 FROM customers c WHERE c.id = k.id AND (k.ext IS NULL OR c.external_id = k.ext)))
               FROM unnest(${p(pairIds)}::uuid[], ${p(pairExts)}::text[]) AS k(id, ext))`;
      if (!claim) return `SELECT 1 WHERE ${ok}`;
      return `INSERT INTO webhook_deliveries (source_id, dedupe_key, outcome, event_ids)
              SELECT ${p(claim.sourceId)}::uuid, ${p(claim.dedupeKey)}::text, 'accepted', ${p(claim.eventIds)}::uuid[] WHERE ${ok}
              ON CONFLICT DO NOTHING RETURNING 1`;
    });
  }

  /** Several units in one statement, each admitted on its own (customers found, claim new). */
  private together(units: KnownUnit[]): Promise<(AppendManyResult[] | null)[]> {
    const claims = units.map((u, i) => ({ unit: i + 1, source_id: u.claim?.sourceId ?? null, dedupe_key: u.claim?.dedupeKey ?? null, event_ids: u.claim?.eventIds ?? null }));
    const pairs = units.flatMap((u, i) => u.pairIds.map((id, k) => ({ unit: i + 1, id, ext: u.pairExts[k] })));
    return appendUnits(
      this.store,
      units.map((u) => u.items),
      this.db,
      (p) => `units AS (
           SELECT * FROM jsonb_to_recordset(${p(JSON.stringify(claims))}::jsonb) AS x(unit int, source_id uuid, dedupe_key text, event_ids uuid[])
         ), pairs AS (
           SELECT * FROM jsonb_to_recordset(${p(JSON.stringify(pairs))}::jsonb) AS x(unit int, id uuid, ext text)
         ), missing AS (
           -- A lateral probe per pair: an index lookup whatever the size of the customers table.
           SELECT k.unit FROM pairs k
           LEFT JOIN LATERAL (SELECT 1 AS hit FROM customers c WHERE c.id = k.id AND (k.ext IS NULL OR c.external_id = k.ext) LIMIT 1) h ON true
           WHERE h.hit IS NULL
         ), known AS (
           SELECT u.* FROM units u WHERE u.unit NOT IN (SELECT unit FROM missing)
         ), claimed AS (
           INSERT INTO webhook_deliveries (source_id, dedupe_key, outcome, event_ids)
           -- take() never puts one key in a statement twice; should it, the first unit claims it
           SELECT DISTINCT ON (source_id, dedupe_key) source_id, dedupe_key, 'accepted', event_ids FROM known WHERE dedupe_key IS NOT NULL
           ORDER BY source_id, dedupe_key, unit -- one lock order for concurrent statements
           ON CONFLICT DO NOTHING RETURNING source_id, dedupe_key, event_ids
         ), adm AS (
           SELECT k.unit FROM known k
           WHERE k.dedupe_key IS NULL
              OR EXISTS (SELECT 1 FROM claimed c WHERE c.source_id = k.source_id AND c.dedupe_key = k.dedupe_key AND c.event_ids = k.event_ids)
         )`,
    );
  }
}
