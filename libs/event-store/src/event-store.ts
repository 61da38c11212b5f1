import { randomUUID } from 'node:crypto';
import { appendMany, appendUnitsWithPreconditions, isAppendConflict, retryAppendConflicts, type AppendManyItem, type AppendManyResult } from './append-many.js';
import { GroupCommit } from './group-commit.js';
import { preparedQuery } from './prepared.js';
import {
  ConcurrencyError,
  IdempotencyConflictError,
  MissingMetadataError,
  START,
  type AppendResult,
  type Checkpoint,
  type CommandContext,
  type Decider,
  type EventMetadata,
  type ExpectedVersion,
  type Handled,
  type HandledEvent,
  type NewEvent,
  type Precondition,
  type Queryable,
  type StoredEvent,
} from './types.js';
import { UpcasterRegistry } from './upcasters.js';

export type { Queryable } from './types.js';

/** A Queryable that can open a transaction (a TypeORM DataSource). */
interface TransactionalDb extends Queryable {
  transaction?<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

export interface EventStoreOptions {
  /** "now" for deciders (default: the system clock). */
  clock?: () => Date;
  /** Ids for decided events that bring none (default: random v4). */
  ids?: () => string;
  /** How long a group-commit unit may wait for a statement before it is refused as unavailable (ms). */
  groupCommitWaitMs?: number;
}

/** How often `transaction` runs its function again after a conflict with a concurrent writer. */
const TRANSACTION_RETRIES = 8;
/** How often `handle` reads, folds and decides again when the stream moved meanwhile (outside a transaction). */
const HANDLE_RETRIES = 8;

/** What `onAppended` listeners learn about each written event. */
export interface AppendedEvent {
  type: string;
  streamId: string;
}

export interface ReadStreamOptions {
  /** Inclusive stream version to start from (forwards: default 1; backwards: default the end). */
  from?: number;
  direction?: 'forwards' | 'backwards';
  limit?: number;
  /** Only events recorded at or before this moment (knowledge time). */
  recordedUpTo?: Date;
}

export interface ReadAllOptions {
  after?: Checkpoint;
  limit?: number;
  /** Only these types are returned; the returned checkpoint still moves past the others. */
  types?: string[];
}

/** The log is split into this many buckets by a hash of the stream id (`events.bucket`, computed by Postgres). */
export const PROJECTION_BUCKETS = 64;

export interface ReadBucketsResult {
  events: StoredEvent[];
  /**
   * Per bucket read, where its next read starts: past the last row examined in it, or, for
   * buckets read together, past the last row of the batch. A bucket that does not move is absent.
   */
  checkpoints: Map<number, Checkpoint>;
  /** Every row examined, handled type or not, in commit order (to cut the checkpoints at a prefix of the batch). */
  examined: { bucket: number; transactionId: string; globalPosition: number }[];
}

export interface ReadAllResult {
  events: StoredEvent[];
  /** Where the next read starts: past the last event examined, handled type or not. */
  checkpoint: Checkpoint;
}

// recorded_at comes as epoch milliseconds: building a Date from a number is much cheaper than
// the driver's timestamp text parser, which shows when a projection reads the whole log.
const COLUMNS = `event_id, stream_id, stream_version, global_position, transaction_id::text AS transaction_id,
  type, schema_version, data, metadata, (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at_ms`;

/** COLUMNS of `events e` in a join. */
const PREFIXED_COLUMNS = `e.event_id, e.stream_id, e.stream_version, e.global_position, e.transaction_id::text AS transaction_id,
  e.type, e.schema_version, e.data, e.metadata, (extract(epoch FROM e.recorded_at) * 1000)::float8 AS recorded_at_ms`;

/** COLUMNS with the payload only for the wanted types ($4); the others come back as bare positions. */
const TYPED_COLUMNS = `event_id, stream_id, stream_version, global_position, transaction_id::text AS transaction_id, type, schema_version,
  CASE WHEN type = ANY($4::text[]) THEN data END AS data, CASE WHEN type = ANY($4::text[]) THEN metadata END AS metadata,
  (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at_ms`;

const isUniqueViolation = (err: unknown, constraint: string) => {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.code ?? e.driverError?.code;
  const c = e.constraint ?? e.driverError?.constraint;
  return code === '23505' && c === constraint;
};

/**
 * The only code that knows the event tables. Every write goes through `handle` (a decider, a
 * command, who asked, and typed preconditions); the store picks the statement: one event is a
 * one-row INSERT, one stream's events one statement, several streams one multi-stream statement,
 * and writes with preconditions outside a transaction share statements (group commit).
 */
export class EventStore {
  private readonly listeners = new Set<(appended: AppendedEvent[]) => void>();
  /** Transactions opened by `transaction`, with what they appended (told to listeners after commit). */
  private readonly open = new WeakMap<object, AppendedEvent[]>();
  private readonly clock: () => Date;
  private readonly ids: () => string;
  private readonly group: GroupCommit;

  constructor(
    private readonly db: Queryable,
    readonly upcasters: UpcasterRegistry = new UpcasterRegistry(),
    options: EventStoreOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.ids = options.ids ?? randomUUID;
    this.group = new GroupCommit(this, db, options.groupCommitWaitMs);
  }

  /**
   * Handles one command: reads and folds `stream` when the decider folds state, decides with
   * `now` from the clock, writes the decided events with the caller's metadata
   * (`correlationId`, `causationId`, `actorId`, required) and the expected version, and tells
   * listeners after commit. Outside a transaction a concurrent writer makes it read, fold and
   * decide again; inside `transaction`, that function runs again instead.
   *
   * `stream` is where state is read from and where events without a `streamId` go; undefined
   * when every decided event names its stream. Preconditions are checked in the same statement:
   * when one fails nothing is written and the answer is `admitted: false`.
   */
  async handle<C, S = undefined>(
    stream: string | undefined,
    decider: Decider<C, S>,
    command: C,
    context: CommandContext,
    preconditions: readonly Precondition[] = [],
  ): Promise<Handled<S>> {
    const tx = context.tx;
    if (tx && !this.open.has(tx)) throw new Error('handle: pass a transaction opened by EventStore.transaction');
    const folds = decider.evolve !== undefined && stream !== undefined;
    for (let attempt = 0; ; attempt++) {
      let state = decider.initialState ? decider.initialState() : (undefined as S);
      let version: number | undefined;
      if (folds) {
        const read = await this.readStream(stream!, {}, tx);
        for (const e of read) state = decider.evolve!(state, e);
        version = read.length > 0 ? read[read.length - 1].streamVersion : 0;
      }
      const now = this.clock();
      const decided = decider.decide(command, state, { now, nextId: this.ids });
      if (decided.length === 0) return { admitted: true, state, nextVersion: version ?? 0, events: [], duplicate: false };

      const base = this.baseMetadata(context);
      const items: AppendManyItem[] = [];
      const itemOf = new Map<string, number>();
      // Where each decided event sits among the items (grouped by stream): [item, index in it].
      const order: { streamId: string; event: NewEvent; item: number; at: number }[] = [];
      for (const d of decided) {
        const streamId = d.streamId ?? stream;
        if (streamId === undefined) throw new Error(`handle: event ${d.type} names no stream`);
        const metadata: EventMetadata = d.occurredAt !== undefined ? { ...base, occurredAt: d.occurredAt, ...d.metadata } : d.metadata ? { ...base, ...d.metadata } : base;
        requireMetadata(metadata);
        const event: NewEvent = { id: d.id ?? this.ids(), type: d.type, data: d.data, metadata };
        let item = itemOf.get(streamId);
        if (item === undefined) {
          item = items.push({ streamId, events: [] }) - 1;
          itemOf.set(streamId, item);
        }
        order.push({ streamId, event, item, at: items[item].events.push(event) - 1 });
      }
      const expected: ExpectedVersion = version !== undefined ? (version === 0 ? 'no_stream' : version) : (context.expectedVersion ?? 'any');

      let results: AppendManyResult[] | null;
      try {
        results = await this.write(items, stream, expected, tx, preconditions);
      } catch (err) {
        if (err instanceof ConcurrencyError && folds && !tx && attempt < HANDLE_RETRIES) continue;
        throw err;
      }
      if (results === null) return { admitted: false, state, nextVersion: version ?? 0, events: [], duplicate: false };

      // Results come one per event in item order.
      const offsets: number[] = [];
      items.reduce((n, it, k) => ((offsets[k] = n), n + it.events.length), 0);
      const events: HandledEvent[] = order.map(({ streamId, event, item, at }) => {
        const r = results[offsets[item] + at];
        return { id: event.id, streamId, type: event.type, data: event.data, streamVersion: r.streamVersion, globalPosition: r.globalPosition, duplicate: r.duplicate };
      });
      const written = events.filter((e) => !e.duplicate);
      if (written.length > 0) this.appended(written.map((e) => ({ type: e.type, streamId: e.streamId })), tx);
      if (folds) {
        events.forEach((e, k) => {
          if (e.streamId !== stream || e.duplicate) return;
          state = decider.evolve!(state, { ...e, transactionId: '0', schemaVersion: this.upcasters.currentVersion(e.type), metadata: order[k].event.metadata!, recordedAt: now });
        });
      }
      const mine = events.filter((e) => e.streamId === stream);
      return {
        admitted: true,
        state,
        nextVersion: mine.length > 0 ? Math.max(...mine.map((e) => e.streamVersion)) : (version ?? 0),
        events,
        duplicate: written.length === 0,
      };
    }
  }

  /**
   * Runs `fn` in one transaction; `handle` calls given `{ tx }` write inside it, with the
   * caller's own rows. The whole function runs again (up to 8 times, after a short random pause)
   * when a concurrent writer took a stream version it expected or stored the same ids first: the
   * next run reads the winner's rows. Listeners hear of the appended events after the commit.
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const db = this.db as TransactionalDb;
    if (typeof db.transaction !== 'function') throw new Error('EventStore.transaction needs a database that opens transactions (a TypeORM DataSource)');
    for (let n = 0; ; n++) {
      const appended: AppendedEvent[] = [];
      try {
        const result = await db.transaction(async (tx) => {
          this.open.set(tx, appended);
          try {
            return await fn(tx);
          } finally {
            this.open.delete(tx);
          }
        });
        if (appended.length > 0) this.emitAppended(appended);
        return result;
      } catch (err) {
        if (!(err instanceof ConcurrencyError || isAppendConflict(err)) || n >= TRANSACTION_RETRIES) throw err;
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 10 * (n + 1)));
      }
    }
  }

  private baseMetadata(ctx: CommandContext): EventMetadata {
    return { correlationId: ctx.correlationId, causationId: ctx.causationId ?? ctx.correlationId, actorId: ctx.actorId, ...ctx.metadata };
  }

  /** After commit (or, inside `transaction`, queued until its commit). */
  private appended(appended: AppendedEvent[], tx: Queryable | undefined) {
    if (tx) this.open.get(tx)!.push(...appended);
    else this.emitAppended(appended);
  }

  /** Picks the statement for what was decided. Null: a precondition failed, nothing was written. */
  private async write(items: AppendManyItem[], stream: string | undefined, expected: ExpectedVersion, tx: Queryable | undefined, preconditions: readonly Precondition[]): Promise<AppendManyResult[] | null> {
    if (preconditions.length > 0) {
      if (expected !== 'any') throw new Error('handle: preconditions go with expected version "any"');
      if (!tx) return this.group.write(items, preconditions);
      const [result] = await appendUnitsWithPreconditions(this, [{ items, preconditions }], tx);
      return result;
    }
    if (items.length === 1) {
      const r = await this.appendStream(items[0].streamId, items[0].events, items[0].streamId === stream ? expected : 'any', tx);
      return r.events.map((e) => ({ id: e.id, streamId: r.streamId, streamVersion: e.streamVersion, globalPosition: e.globalPosition, duplicate: r.duplicate }));
    }
    if (expected !== 'any') throw new Error('handle: a command over several streams goes with expected version "any"');
    return tx ? appendMany(this, items, tx) : retryAppendConflicts(() => appendMany(this, items, this.db));
  }

  /**
   * The one-stream statement (`handle`'s strategy for one stream; tests reach it through
   * `testing.ts`). Re-appending ids that are all stored already returns the stored positions
   * and writes nothing; a partial overlap throws IdempotencyConflictError. Listeners are not
   * told: the caller tells them once the write is committed.
   */
  private async appendStream(streamId: string, events: NewEvent[], expected: ExpectedVersion = 'any', tx?: Queryable): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const db = tx ?? this.db;
    const ids = events.map((e) => e.id);
    const types = events.map((e) => e.type);
    const versions = events.map((e) => e.schemaVersion ?? this.upcasters.currentVersion(e.type));
    const data = events.map((e) => JSON.stringify(e.data ?? null));
    const metadata = events.map((e) => JSON.stringify(e.metadata ?? {}));
    const mode = typeof expected === 'number' ? 'exact' : expected;
    const exact = typeof expected === 'number' ? expected : -1;

    if (events.length === 1) {
      const fast = await this.appendOne(db, streamId, ids[0], types[0], versions[0], data[0], metadata[0], expected, !!tx);
      if (fast) return fast;
      // Nothing written: a duplicate id, a version conflict or a lost race. The general statement
      // below tells them apart (and writes if the race has cleared).
    }
    for (let attempt = 0; ; attempt++) {
      let rows: any[];
      try {
        rows = await preparedQuery(db,
          `WITH dup AS (
             SELECT event_id, stream_id, stream_version, global_position FROM events WHERE event_id = ANY($2::uuid[])
           ), cur AS (
             SELECT coalesce(max(stream_version), 0) AS v FROM events WHERE stream_id = $1
           ), ins AS (
             INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
             SELECT t.id, $1, cur.v + t.ord, t.type, t.sv, t.data, t.meta
             FROM unnest($2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS t(id, type, sv, data, meta, ord), cur
             WHERE NOT EXISTS (SELECT 1 FROM dup)
               AND CASE $7::text WHEN 'any' THEN true WHEN 'no_stream' THEN cur.v = 0
                                 WHEN 'stream_exists' THEN cur.v > 0 ELSE cur.v = $8::int END
             RETURNING event_id, stream_id, stream_version, global_position
           )
           SELECT 'ins' AS kind, event_id, stream_id, stream_version, global_position, (SELECT v FROM cur) AS cur FROM ins
           UNION ALL
           SELECT 'dup', event_id, stream_id, stream_version, global_position, (SELECT v FROM cur) FROM dup
           UNION ALL
           SELECT 'cur', NULL, NULL, NULL, NULL, v FROM cur`,
          [streamId, ids, types, versions, data, metadata, mode, exact],
        );
      } catch (err) {
        // A concurrent writer stored the same ids first: answer as a duplicate (checked below).
        if (isUniqueViolation(err, 'events_event_id_key') && attempt < 3 && !tx) continue;
        if (isUniqueViolation(err, 'events_stream_version_key')) {
          if (mode === 'any' && attempt < 50 && !tx) continue; // each round one contender wins
          throw new ConcurrencyError(streamId, expected, -1);
        }
        throw err;
      }
      const inserted = rows.filter((r) => r.kind === 'ins');
      const dups = rows.filter((r) => r.kind === 'dup');
      const current = Number(rows.find((r) => r.kind === 'cur')?.cur ?? 0);
      if (dups.length > 0) {
        if (dups.length !== ids.length || dups.some((d) => d.stream_id !== streamId)) {
          throw new IdempotencyConflictError(streamId, dups.map((d) => d.event_id));
        }
        const byId = new Map(dups.map((d) => [d.event_id, d]));
        const stored = ids.map((id) => byId.get(id)!);
        return {
          streamId,
          nextVersion: Math.max(...stored.map((d) => Number(d.stream_version))),
          duplicate: true,
          events: stored.map((d) => ({ id: d.event_id, streamVersion: Number(d.stream_version), globalPosition: Number(d.global_position) })),
        };
      }
      if (inserted.length === 0) throw new ConcurrencyError(streamId, expected, current);
      inserted.sort((a, b) => a.stream_version - b.stream_version);
      return {
        streamId,
        nextVersion: Number(inserted[inserted.length - 1].stream_version),
        duplicate: false,
        events: inserted.map((r) => ({ id: r.event_id, streamVersion: Number(r.stream_version), globalPosition: Number(r.global_position) })),
      };
    }
  }

  /**
   * One event, the common case (an API call, a webhook, a decision): a single-row INSERT that
   * checks the expected version and the id inline. It costs Postgres a fraction of the general
   * statement (no arrays to unnest, no union), as a named statement planned once per connection.
   * Undefined when nothing was written, for the caller to decide why.
   */
  private async appendOne(db: Queryable, streamId: string, id: string, type: string, schemaVersion: number, data: string, metadata: string, expected: ExpectedVersion, inTx: boolean): Promise<AppendResult | undefined> {
    const mode = typeof expected === 'number' ? 'exact' : expected;
    const exact = typeof expected === 'number' ? expected : -1;
    for (let attempt = 0; ; attempt++) {
      try {
        const rows = await preparedQuery(
          db,
          `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
           SELECT $2::uuid, $1::text, cur.v + 1, $3::text, $4::int, $5::jsonb, $6::jsonb
           FROM (SELECT coalesce(max(stream_version), 0) AS v FROM events WHERE stream_id = $1::text) AS cur
           WHERE NOT EXISTS (SELECT 1 FROM events WHERE event_id = $2::uuid)
             AND CASE $7::text WHEN 'any' THEN true WHEN 'no_stream' THEN cur.v = 0
                               WHEN 'stream_exists' THEN cur.v > 0 ELSE cur.v = $8::int END
           RETURNING stream_version, global_position`,
          [streamId, id, type, schemaVersion, data, metadata, mode, exact],
        );
        if (rows.length === 0) return undefined;
        const streamVersion = Number(rows[0].stream_version);
        return { streamId, nextVersion: streamVersion, duplicate: false, events: [{ id, streamVersion, globalPosition: Number(rows[0].global_position) }] };
      } catch (err) {
        // Inside a caller's transaction the failed statement aborted it: no second statement.
        if (inTx) {
          if (isUniqueViolation(err, 'events_stream_version_key')) throw new ConcurrencyError(streamId, expected, -1);
          throw err;
        }
        if (isUniqueViolation(err, 'events_event_id_key')) return undefined; // stored concurrently: a duplicate
        if (isUniqueViolation(err, 'events_stream_version_key')) {
          if (mode === 'any' && attempt < 50) continue; // each round one contender wins
          return undefined;
        }
        throw err;
      }
    }
  }

  /** The stream's current version (0 when it does not exist). */
  async streamVersion(streamId: string, tx?: Queryable): Promise<number> {
    const rows = await (tx ?? this.db).query('SELECT coalesce(max(stream_version), 0) AS v FROM events WHERE stream_id = $1', [streamId]);
    return Number(rows[0].v);
  }

  async readStream(streamId: string, opts: ReadStreamOptions = {}, tx?: Queryable): Promise<StoredEvent[]> {
    const backwards = opts.direction === 'backwards';
    const params: unknown[] = [streamId];
    let where = 'stream_id = $1';
    if (opts.from !== undefined) {
      params.push(opts.from);
      where += backwards ? ` AND stream_version <= $${params.length}` : ` AND stream_version >= $${params.length}`;
    }
    if (opts.recordedUpTo) {
      params.push(opts.recordedUpTo);
      // JS dates carry milliseconds, Postgres microseconds: compare at the caller's precision so
      // an event's own recordedAt read back includes that event.
      where += ` AND date_trunc('milliseconds', recorded_at) <= $${params.length}`;
    }
    let sql = `SELECT ${COLUMNS} FROM events WHERE ${where} ORDER BY stream_version ${backwards ? 'DESC' : 'ASC'}`;
    if (opts.limit !== undefined) {
      params.push(opts.limit);
      sql += ` LIMIT $${params.length}`;
    }
    const rows = await (tx ?? this.db).query(sql, params);
    return rows.map((r: any) => this.toEvent(r));
  }

  /**
   * Many streams' events in one query: for each range, versions `from` (exclusive) up to `to`
   * (inclusive), ordered by stream and version (the stream cache reads only the tails it lacks).
   */
  async readStreamRanges(ranges: readonly { streamId: string; after: number; upTo: number }[], tx?: Queryable): Promise<StoredEvent[]> {
    if (ranges.length === 0) return [];
    const rows = await (tx ?? this.db).query(
      `SELECT ${PREFIXED_COLUMNS}
       FROM unnest($1::text[], $2::int[], $3::int[]) AS s(stream_id, from_v, to_v)
       JOIN events e ON e.stream_id = s.stream_id AND e.stream_version > s.from_v AND e.stream_version <= s.to_v
       ORDER BY e.stream_id, e.stream_version`,
      [ranges.map((r) => r.streamId), ranges.map((r) => r.after), ranges.map((r) => r.upTo)],
    );
    return rows.map((r: any) => this.toEvent(r));
  }

  /** Events by id (the read models keep ids, the payload stays here), in no particular order. */
  async readEvents(ids: readonly string[], tx?: Queryable): Promise<StoredEvent[]> {
    if (ids.length === 0) return [];
    const rows = await (tx ?? this.db).query(`SELECT ${COLUMNS} FROM events WHERE event_id = ANY($1::uuid[])`, [ids]);
    return rows.map((r: any) => this.toEvent(r));
  }

  /** A page of streams whose id starts with `prefix`, after `after` in id order, with their versions. */
  async streamHeads(prefix: string, after: string, limit: number, tx?: Queryable): Promise<{ streamId: string; version: number }[]> {
    const rows: { stream_id: string; v: number }[] = await (tx ?? this.db).query(
      `SELECT stream_id, max(stream_version)::int AS v FROM events
       WHERE stream_id LIKE $1 AND stream_id > $2 GROUP BY stream_id ORDER BY stream_id LIMIT $3`,
      [`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, after, limit],
    );
    return rows.map((r) => ({ streamId: r.stream_id, version: Number(r.v) }));
  }

  /** Per projection checkpoint: its status and the age of the oldest event it has not taken (null: none). */
  async checkpointLags(tx?: Queryable): Promise<{ name: string; status: string; lagSeconds: number | null }[]> {
    // One index probe per checkpoint.
    const rows: { name: string; status: string; lag: number | null }[] = await (tx ?? this.db).query(`
      SELECT c.name, c.status,
             CASE WHEN NOT EXISTS (SELECT 1 FROM projection_bucket_checkpoints b WHERE b.name = c.name) THEN
               (SELECT extract(epoch FROM now() - e.recorded_at)::float8 FROM events e
                 WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
                 ORDER BY e.transaction_id, e.global_position LIMIT 1)
             ELSE
               -- A partitioned projection: its oldest untaken event in any bucket (one probe per bucket).
               (SELECT extract(epoch FROM now() - min((SELECT e.recorded_at FROM events e WHERE e.bucket = b.bucket
                  AND (e.transaction_id, e.global_position) > (b.transaction_id, b.global_position)
                  ORDER BY e.transaction_id, e.global_position LIMIT 1)))::float8
                FROM projection_bucket_checkpoints b WHERE b.name = c.name)
             END AS lag
        FROM projection_checkpoints c`);
    return rows.map((r) => ({ name: r.name, status: r.status, lagSeconds: r.lag === null ? null : Number(r.lag) }));
  }

  /**
   * Reads the whole log after `after` in commit order. Only transactions older than the oldest
   * one still running are visible, so a reader never passes an event that commits later.
   */
  async readAll(opts: ReadAllOptions = {}, tx?: Queryable): Promise<ReadAllResult> {
    const after = opts.after ?? START;
    const limit = opts.limit ?? 1000;
    // ORDER BY names the table's columns: a bare `transaction_id` would mean the ::text alias in
    // COLUMNS, sorting xids as strings ('10' < '9') and skipping events past a digit boundary.
    // With a type filter the batch still spans `limit` rows of the log (the checkpoint must pass
    // the others), but only the wanted rows carry their payload: a projection of a few event
    // types does not parse every event's JSON.
    const rows = await (tx ?? this.db).query(
      opts.types
        ? `SELECT ${TYPED_COLUMNS} FROM events
           WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
             AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY events.transaction_id, events.global_position
           LIMIT $3`
        : `SELECT ${COLUMNS} FROM events
           WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
             AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY events.transaction_id, events.global_position
           LIMIT $3`,
      opts.types ? [after.transactionId, after.globalPosition, limit, opts.types] : [after.transactionId, after.globalPosition, limit],
    );
    if (rows.length === 0) return { events: [], checkpoint: after };
    const last = rows[rows.length - 1];
    const checkpoint = { transactionId: last.transaction_id, globalPosition: Number(last.global_position) };
    const wanted = opts.types ? new Set(opts.types) : undefined;
    const events = (wanted ? rows.filter((r: any) => wanted.has(r.type)) : rows).map((r: any) => this.toEvent(r));
    return { events, checkpoint };
  }

  /**
   * Reads several buckets of the log, each from its own checkpoint, merged in commit order and
   * at most `limit` rows in all. The same horizon as `readAll` holds in each bucket: only
   * transactions older than the oldest one still running are visible, so no event that commits
   * later is ever passed. A bucket's rows are a prefix of its rows after its checkpoint.
   *
   * When the read covers every bucket and they share one checkpoint (a rebuild in a process
   * holding them all, one worker process), they are read in one pass along the log's commit
   * order instead: every bucket then moves to the last row of the pass, so they stay together.
   */
  async readBuckets(from: ReadonlyMap<number, Checkpoint>, opts: { limit?: number; types?: string[] } = {}, tx?: Queryable): Promise<ReadBucketsResult> {
    const buckets = [...from.keys()];
    if (buckets.length === 0) return { events: [], checkpoints: new Map(), examined: [] };
    const limit = opts.limit ?? 1000;
    const first = from.get(buckets[0])!;
    const together = [...from.values()].every((c) => c.transactionId === first.transactionId && c.globalPosition === first.globalPosition);
    if (together && buckets.length === PROJECTION_BUCKETS) return this.readBucketsTogether(buckets, first, limit, opts.types, tx);
    // Each bucket reads at most its share of the batch (but enough that one busy bucket still
    // moves): reading `limit` rows from every bucket and keeping `limit` of them read up to 64×
    // the batch while the log was backlogged (a rebuild ran at 1/15 of its unpartitioned speed).
    // Any prefix of a bucket is a valid step, so a smaller share never skips an event.
    const perBucket = Math.max(Math.ceil(limit / buckets.length), Math.min(limit, 64));
    const cols = (opts.types ? TYPED_COLUMNS : COLUMNS).replace(/\$4/g, '$5');
    const rows = await (tx ?? this.db).query(
      `SELECT x.* FROM unnest($1::smallint[], $2::xid8[], $3::bigint[]) AS c(bucket, tx, pos)
       CROSS JOIN LATERAL (
         SELECT bucket, ${cols} FROM events
         WHERE events.bucket = c.bucket AND (events.transaction_id, events.global_position) > (c.tx, c.pos)
           AND events.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY events.transaction_id, events.global_position
         LIMIT ${perBucket}) x
       ORDER BY x.transaction_id::xid8, x.global_position
       LIMIT $4`,
      [buckets, buckets.map((b) => from.get(b)!.transactionId), buckets.map((b) => from.get(b)!.globalPosition), limit, ...(opts.types ? [opts.types] : [])],
    );
    const checkpoints = new Map<number, Checkpoint>();
    const examined: ReadBucketsResult['examined'] = [];
    for (const r of rows) {
      const at = { transactionId: r.transaction_id, globalPosition: Number(r.global_position) };
      checkpoints.set(Number(r.bucket), at);
      examined.push({ bucket: Number(r.bucket), ...at });
    }
    const wanted = opts.types ? new Set(opts.types) : undefined;
    const events = (wanted ? rows.filter((r: any) => wanted.has(r.type)) : rows).map((r: any) => this.toEvent(r));
    return { events, checkpoints, examined };
  }

  /**
   * `readBuckets` for every bucket at one checkpoint: one range scan of the commit-order index,
   * as `readAll` does. Reading each bucket on its own cost 7×
   * the Postgres time for a rebuild's batch (a bucket's rows lie on as many heap pages as rows,
   * and the merge of 50,000 wide rows sorted on disk). Every bucket read moves to the last row
   * examined: nothing of it lies between its own last row and that one, and nothing before that
   * row can still commit (the horizon).
   */
  private async readBucketsTogether(buckets: number[], after: Checkpoint, limit: number, types: string[] | undefined, tx?: Queryable): Promise<ReadBucketsResult> {
    const cols = types ? TYPED_COLUMNS : COLUMNS;
    const rows = await (tx ?? this.db).query(
      `SELECT bucket, ${cols} FROM events
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY events.transaction_id, events.global_position
       LIMIT $3`,
      [after.transactionId, after.globalPosition, limit, ...(types ? [types] : [])],
    );
    const examined: ReadBucketsResult['examined'] = rows.map((r: any) => ({ bucket: Number(r.bucket), transactionId: r.transaction_id, globalPosition: Number(r.global_position) }));
    const checkpoints = new Map<number, Checkpoint>();
    const last = examined[examined.length - 1];
    if (last) for (const b of buckets) checkpoints.set(b, { transactionId: last.transactionId, globalPosition: last.globalPosition });
    const wanted = types ? new Set(types) : undefined;
    const events = (wanted ? rows.filter((r: any) => wanted.has(r.type)) : rows).map((r: any) => this.toEvent(r));
    return { events, checkpoints, examined };
  }

  /**
   * Called (in-process) after every append that wrote something (metrics, the NOTIFY sender).
   * With a caller's `tx` this runs before that transaction commits: listeners must not read it back.
   */
  onAppended(listener: (appended: AppendedEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitAppended(appended: AppendedEvent[]) {
    for (const l of this.listeners) {
      try {
        l(appended);
      } catch {
        // a metrics hook must never fail an append that is already stored
      }
    }
  }

  private toEvent(r: any): StoredEvent {
    return this.upcasters.upcast({
      id: r.event_id,
      streamId: r.stream_id,
      streamVersion: Number(r.stream_version),
      globalPosition: Number(r.global_position),
      transactionId: r.transaction_id,
      type: r.type,
      schemaVersion: Number(r.schema_version),
      data: r.data,
      metadata: r.metadata ?? {},
      recordedAt: new Date(Math.floor(Number(r.recorded_at_ms))),
    });
  }
}

/** The seam refuses an event that does not say who caused it and in which flow. */
function requireMetadata(metadata: EventMetadata): void {
  const missing: string[] = [];
  if (typeof metadata.correlationId !== 'string' || metadata.correlationId === '') missing.push('correlationId');
  if (typeof metadata.actorId !== 'string' || metadata.actorId === '') missing.push('actorId');
  if (missing.length > 0) throw new MissingMetadataError(missing);
}
