import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { BucketLeases } from './bucket-leases.js';
import { PROJECTION_BUCKETS, type EventStore, type Queryable } from './event-store.js';
import { createShadow, dropShadow, inSchema, quoteIdent, shadowBlockers, swapShadow } from './shadow-tables.js';
import type { Checkpoint, StoredEvent } from './types.js';

/** Advisory lock namespace (first key) of the projection locks; the second key is hashtext(name). */
const PROJECTION_LOCK_SPACE = 72_615_002;
/** Advisory lock namespace of one (projection, bucket); the second key is hashtext('<name>:<bucket>'). */
const BUCKET_LOCK_SPACE = 72_615_003;
/** Advisory lock namespace of one (projection, shadow bucket) during a rebuild into shadow tables. */
const SHADOW_BUCKET_LOCK_SPACE = 72_615_004;
/** The shadow checkpoint row of a projection that runs whole. */
const WHOLE = -1;
/**
 * The shadow is swapped in once at most this many committed events (and no more than a batch)
 * remain past its checkpoints: the swap's transaction applies them first (the live projection
 * waits that long), so the tables swapped in are as current as the ones they replace.
 */
const SWAP_WITHIN = 5_000;
/**
 * Batches the swap's transaction takes at most to reach the head (events keep arriving). Each
 * bucket reads at most its share of a batch (readBuckets), so a bucket another process left
 * behind can need several: up to SWAP_WITHIN in one bucket takes 7 at 50,000 a batch.
 */
const SWAP_TAIL_BATCHES = 16;
/** How long the swap waits for a reader's lock on a live table before it gives up and tries again later (readers queue behind it meanwhile). */
const SWAP_LOCK_TIMEOUT = '3s';
/** How often a projection with no rebuild under way looks for one another process began (ms). */
const SHADOW_LOOK_MS = 1000;
/** Back-off after the n-th failure in a row of a batch (live or a rebuild's): 200 ms, doubling, at most 30 s. */
const backoffMs = (attempts: number) => Math.min(30_000, 100 * 2 ** Math.min(attempts, 9));
const ALL_BUCKETS = Array.from({ length: PROJECTION_BUCKETS }, (_, b) => b);

export const EVENTS_CHANNEL = 'closeness_events';
/** The LISTEN connection's application_name (visible in pg_stat_activity). */
export const LISTEN_APPLICATION_NAME = 'closeness-listen';

/**
 * A read model (or a relay) fed from the log in commit order. `apply` runs inside the same
 * transaction that moves the checkpoint, so each event takes effect exactly once.
 */
export interface Projection {
  readonly name: string;
  /** Event types it handles; others are skipped but still move the checkpoint. */
  readonly types?: readonly string[];
  /**
   * Runs per bucket of the log (`events.bucket`, a hash of the stream id): the events of one
   * stream in commit order, those of different buckets in any order and in parallel (several
   * worker processes). Only for a projection whose rows of one stream depend on that stream alone.
   */
  readonly partitioned?: boolean;
  /** How many events one transaction takes (default 1000). */
  readonly batchSize?: number;
  apply(events: StoredEvent[], tx: Queryable): Promise<void>;
  /** Deletes everything the projection wrote, for a rebuild. */
  reset(tx: Queryable): Promise<void>;
  /**
   * The tables it owns (unqualified names, none read by another projection). Given: a rebuild
   * replays the log into shadow copies of them while these keep serving and the projection keeps
   * applying new events to them, then swaps the copies in, with the checkpoints, in one
   * transaction. Absent: a rebuild resets in place (a relay: its replay's side effects are the
   * point, and it owns no rows a user reads).
   */
  readonly tables?: readonly string[];
  /** An instance for the shadow replay, with in-memory state of its own (default: this one). */
  forShadow?(): Projection;
}

/** A rebuild into shadow tables under way: how far it is. */
export interface RebuildProgress {
  startedAt: Date;
  /** The shadow's buckets (1 for a projection that runs whole), and how many have applied every event committed in them so far. */
  buckets: number;
  bucketsDone: number;
  /** Events of the projection's types applied to the shadow, of those in the log when it began (more arrive meanwhile). */
  eventsApplied: number;
  eventsTotal: number;
  eventsPerSecond: number;
  /** Seconds until the shadow reaches the events counted at its start, at the rate so far (null: no rate yet). */
  etaSeconds: number | null;
  /**
   * The rebuild's own health, apart from the live projection's `status` (a shadow batch or a
   * swap that fails leaves the live tables serving and the live projection running): `failing`
   * while its last try failed and it waits out its back-off.
   */
  status: 'running' | 'failing';
  /** The error of its last failed try while `failing`, else null. */
  lastError: string | null;
  /** Failed tries in a row (0 once one goes through). */
  attempts: number;
  /** Since when it has been failing (null: it is not). */
  failingSince: Date | null;
  /** When it tries again (null: it is not failing). */
  retryAt: Date | null;
}

export interface ProjectionStatus {
  name: string;
  position: number;
  transactionId: string;
  lagEvents: number;
  lagSeconds: number;
  status: string;
  lastError: string | null;
  updatedAt: Date;
  /** Events parked in the projection's quarantine (failed ones and the ones held behind them). */
  parked: number;
  /**
   * A partitioned projection's buckets (absent for one that runs whole): how many there are, and
   * how many have applied every event committed in them so far (during a rebuild: the buckets done).
   */
  buckets?: { count: number; applied: number };
  /** A partitioned projection: the processes holding its buckets' leases now, and how many each holds. */
  leaseHolders?: { owner: string; buckets: number }[];
  /** Only while a rebuild into shadow tables runs (the live tables serve meanwhile). */
  rebuild?: RebuildProgress;
}

/** One event a projection could not apply, or one held behind such an event of its stream. */
export interface ParkedEvent {
  projection: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  position: number;
  type: string;
  /** null: this event failed itself; else the parked event of its stream it waits behind. */
  heldBy: string | null;
  error: string;
  attempts: number;
  retryRequested: boolean;
  parkedAt: Date;
  lastAttemptAt: Date;
}

/**
 * Thrown by a projection's `apply` to name the event it could not apply: the runner parks that
 * one at once instead of searching the batch for it.
 */
export class EventApplyError extends Error {
  constructor(
    readonly eventId: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'EventApplyError';
  }
}

export interface RunnerLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ProjectionRunnerOptions {
  /** Poll interval when no notification arrives (ms). */
  pollMs?: number;
  /** Connection string for the LISTEN connection; without it the runner only polls. */
  listenUrl?: string;
  logger?: RunnerLogger;
  /** Called after each committed batch (metrics). */
  onBatch?: (name: string, count: number, checkpoint: Checkpoint) => void;
  /** Called when events are parked (metrics): how many failed themselves, how many are held behind them. */
  onParked?: (name: string, failed: number, held: number) => void;
  /** Which buckets this process runs its partitioned projections for; without it, all 64 (tests, the rebuild CLI). */
  leases?: BucketLeases;
}

export async function ensureCheckpoints(db: Queryable, names: string[]): Promise<void> {
  await db.query(
    `INSERT INTO projection_checkpoints (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`,
    [names],
  );
}

/**
 * The checkpoint of a projection that runs whole, as last committed (null: no such projection).
 * Inside the runner's transaction, from `apply` it is where the batch begins, and from `reset`
 * where the projection had got to before the rebuild (the runner moves it after both).
 */
export async function projectionCheckpoint(db: Queryable, name: string): Promise<Checkpoint | null> {
  const [row] = await db.query(`SELECT transaction_id::text AS transaction_id, global_position FROM projection_checkpoints WHERE name = $1`, [name]);
  return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : null;
}

/** Asks the runner (in whichever worker holds the projection) to reset and replay it. */
export async function requestRebuild(db: Queryable, name: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE projection_checkpoints SET status = 'rebuild_requested', updated_at = now() WHERE name = $1 RETURNING name`,
    [name],
  );
  return (Array.isArray(rows[0]) ? rows[0] : rows).length > 0;
}

/**
 * Every projection's checkpoint, lag and status. A partitioned projection's own row stays at the
 * start (its progress is in its bucket checkpoints): its `position` is the furthest any bucket
 * has applied, with `buckets` and, given the lease group its processes share (`leaseRunner`),
 * `leaseHolders`.
 */
export async function projectionStatuses(db: Queryable, opts: { leaseRunner?: string } = {}): Promise<ProjectionStatus[]> {
  const rows = await db.query(`
    SELECT c.name, c.transaction_id::text AS transaction_id, c.status, c.last_error, c.updated_at, c.parked,
           coalesce((SELECT max(b.global_position) FROM projection_bucket_checkpoints b WHERE b.name = c.name), c.global_position) AS global_position,
           (SELECT count(*) FROM projection_bucket_checkpoints b WHERE b.name = c.name) AS bucket_count,
           -- Caught up: one index probe per bucket for a committed event past its checkpoint.
           (SELECT count(*) FROM projection_bucket_checkpoints b WHERE b.name = c.name AND NOT EXISTS (SELECT 1 FROM events e WHERE e.bucket = b.bucket
              AND (e.transaction_id, e.global_position) > (b.transaction_id, b.global_position))) AS buckets_applied,
           CASE WHEN NOT EXISTS (SELECT 1 FROM projection_bucket_checkpoints b WHERE b.name = c.name) THEN
             (SELECT count(*) FROM (SELECT 1 FROM events e
                WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position) LIMIT 1000000) x)
           ELSE
             -- Partitioned: each bucket from its own checkpoint, through the bucket index.
             (SELECT sum((SELECT count(*) FROM (SELECT 1 FROM events e WHERE e.bucket = b.bucket
                AND (e.transaction_id, e.global_position) > (b.transaction_id, b.global_position) LIMIT 1000000) x))
              FROM projection_bucket_checkpoints b WHERE b.name = c.name)
           END AS lag_events,
           CASE WHEN NOT EXISTS (SELECT 1 FROM projection_bucket_checkpoints b WHERE b.name = c.name) THEN
             (SELECT extract(epoch FROM now() - min(e.recorded_at)) FROM (SELECT recorded_at FROM events e
                WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
                ORDER BY e.transaction_id, e.global_position LIMIT 1) e)
           ELSE
             (SELECT extract(epoch FROM now() - min((SELECT e.recorded_at FROM events e WHERE e.bucket = b.bucket
                AND (e.transaction_id, e.global_position) > (b.transaction_id, b.global_position)
                ORDER BY e.transaction_id, e.global_position LIMIT 1)))
              FROM projection_bucket_checkpoints b WHERE b.name = c.name)
           END AS lag_seconds
    FROM projection_checkpoints c ORDER BY c.name`);
  const holders: { owner: string; buckets: number }[] = opts.leaseRunner
    ? (
        await db.query(
          `SELECT owner, count(*)::int AS buckets FROM projection_bucket_leases WHERE runner = $1 AND owner IS NOT NULL AND expires_at > now() GROUP BY owner ORDER BY owner`,
          [opts.leaseRunner],
        )
      ).map((r: any) => ({ owner: r.owner, buckets: Number(r.buckets) }))
    : [];
  const rebuilds = await rebuildProgress(db);
  return rows.map((r: any) => ({
    ...(rebuilds.has(r.name) ? { rebuild: rebuilds.get(r.name) } : {}),
    ...(Number(r.bucket_count) > 0
      ? { buckets: { count: Number(r.bucket_count), applied: Number(r.buckets_applied) }, ...(opts.leaseRunner ? { leaseHolders: holders } : {}) }
      : {}),
    name: r.name,
    position: Number(r.global_position),
    transactionId: r.transaction_id,
    lagEvents: Number(r.lag_events),
    lagSeconds: r.lag_seconds === null ? 0 : Math.max(0, Number(r.lag_seconds)),
    status: r.status,
    lastError: r.last_error,
    updatedAt: r.updated_at,
    parked: Number(r.parked ?? 0),
  }));
}

/** The rebuilds into shadow tables under way (of one projection, or all), by projection. */
export async function rebuildProgress(db: Queryable, name?: string): Promise<Map<string, RebuildProgress>> {
  const rows = await db.query(
    `SELECT r.name, r.started_at, r.events_total, extract(epoch FROM now() - r.started_at) AS elapsed, r.last_error, r.attempts, r.failing_since, r.retry_at,
            (SELECT coalesce(sum(c.events), 0) FROM projection_rebuild_checkpoints c WHERE c.name = r.name) AS applied,
            (SELECT count(*) FROM projection_rebuild_checkpoints c WHERE c.name = r.name) AS buckets,
            -- Done: no committed event past the shadow's checkpoint (bucket -1: the whole log).
            (SELECT count(*) FROM projection_rebuild_checkpoints c WHERE c.name = r.name AND CASE WHEN c.bucket < 0
               THEN NOT EXISTS (SELECT 1 FROM events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position))
               ELSE NOT EXISTS (SELECT 1 FROM events e WHERE e.bucket = c.bucket AND (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) END) AS done
     FROM projection_rebuilds r WHERE $1::text IS NULL OR r.name = $1`,
    [name ?? null],
  );
  const out = new Map<string, RebuildProgress>();
  for (const r of rows) {
    const applied = Number(r.applied);
    const total = Math.max(Number(r.events_total), applied);
    const rate = Number(r.elapsed) > 0 ? applied / Number(r.elapsed) : 0;
    out.set(r.name, {
      startedAt: r.started_at,
      buckets: Number(r.buckets),
      bucketsDone: Number(r.done),
      eventsApplied: applied,
      eventsTotal: total,
      eventsPerSecond: Math.round(rate),
      etaSeconds: rate > 0 ? Math.round((total - applied) / rate) : null,
      status: Number(r.attempts) > 0 ? 'failing' : 'running',
      lastError: r.last_error,
      attempts: Number(r.attempts),
      failingSince: r.failing_since,
      retryAt: r.retry_at,
    });
  }
  return out;
}

/** The parked events of a projection (or of all), in log order; at most `limit`. */
export async function parkedEvents(db: Queryable, projection?: string, limit = 100): Promise<ParkedEvent[]> {
  const rows = await db.query(
    `SELECT projection, event_id, stream_id, stream_version, global_position, event_type, held_by, error, attempts, retry_requested, parked_at, last_attempt_at
     FROM projection_parked_events WHERE ($1::text IS NULL OR projection = $1)
     ORDER BY projection, transaction_id, global_position LIMIT $2`,
    [projection ?? null, limit],
  );
  return rows.map((r: any) => ({
    projection: r.projection,
    eventId: r.event_id,
    streamId: r.stream_id,
    streamVersion: Number(r.stream_version),
    position: Number(r.global_position),
    type: r.event_type,
    heldBy: r.held_by,
    error: r.error,
    attempts: Number(r.attempts),
    retryRequested: r.retry_requested,
    parkedAt: r.parked_at,
    lastAttemptAt: r.last_attempt_at,
  }));
}

/**
 * Asks the runner to apply a parked event again (after a fix), with the events of its stream
 * held behind it; `eventId` omitted: every parked event of the projection. False when there
 * is no such parked event. The worker does it under the projection's lock, in log order.
 */
export async function requestParkedRetry(db: Queryable, projection: string, eventId?: string): Promise<boolean> {
  const rows = await db.query(
    `WITH target AS (
       SELECT stream_id FROM projection_parked_events WHERE projection = $1 AND ($2::uuid IS NULL OR event_id = $2::uuid)
     ), marked AS (
       UPDATE projection_parked_events SET retry_requested = true
       WHERE projection = $1 AND stream_id IN (SELECT stream_id FROM target) RETURNING 1
     )
     UPDATE projection_checkpoints SET retry_requested = true, updated_at = now()
     WHERE name = $1 AND EXISTS (SELECT 1 FROM marked) RETURNING name`,
    [projection, eventId ?? null],
  );
  const found = (Array.isArray(rows[0]) ? rows[0] : rows).length > 0;
  if (found) await db.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
  return found;
}

/**
 * Thrown by a projection for a failure of something it depends on (Redis refusing a relay's
 * jobs): the batch is retried whole with back-off, never isolated, so nothing is parked for it.
 */
export class DependencyUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'DependencyUnavailableError';
  }
}

const PG_TRANSIENT_CLASSES = new Set(['08', '40', '53', '54', '55', '57', '58', 'XX', 'F0', 'HV', '42']);

/**
 * Whether a failure says nothing about the events in hand: the database or Redis went away,
 * a deadlock, a timeout, a missing table (a migration not applied yet). Such a batch is retried
 * whole with back-off; any other error is the events' own and the batch is isolated.
 */
export function isTransientFailure(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; name?: string; message?: string } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (err instanceof EventApplyError) return false;
  if (err instanceof DependencyUnavailableError) return true;
  const code = typeof e.code === 'string' ? e.code : typeof e.driverError?.code === 'string' ? e.driverError.code : undefined;
  if (code && /^[0-9A-Z]{5}$/.test(code)) return PG_TRANSIENT_CLASSES.has(code.slice(0, 2));
  if (code && /^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE …
  if (e.name === 'TypeError' || e.name === 'RangeError' || e.name === 'SyntaxError' || e.name === 'ReferenceError') return false;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  return /redis|connection|connect|terminat|timeout|timed out|socket|reachable|closed|shutting down|writeable|offline queue|^(READONLY|LOADING|OOM|BUSY|CLUSTERDOWN|NOAUTH|MOVED|ASK|TRYAGAIN)\b/i.test(e.message ?? '');
}

/** Savepoints one isolating transaction may use (Postgres keeps 64 subtransactions per backend in shared memory). */
const MAX_SAVEPOINTS = 48;

interface Isolated {
  /** Events [0, decided) of the batch are applied, parked or held; the checkpoint moves past them only. */
  decided: number;
  parked: { event: StoredEvent; error: string }[];
  held: { event: StoredEvent; by: string }[];
}

const pgCode = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
};

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/** xid8 values as decimal text, compared as numbers. */
const compareXid = (a: string, b: string) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * Runs projections: each catches up in batches, then waits for a NOTIFY or the poll interval.
 * Several workers may run the same projections: a row lock on the checkpoint (SKIP LOCKED)
 * lets exactly one of them advance each projection at a time.
 */
export class ProjectionRunner {
  private running = false;
  private wake: (() => void) | undefined;
  // Set by a NOTIFY that arrives while a batch runs, so the next sleep returns at once instead
  // of losing the wake-up and waiting a whole poll interval.
  private notified = false;
  private loop: Promise<void> | undefined;
  private listener: pg.Client | undefined;
  private readonly pollMs: number;

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    readonly projections: Projection[],
    private readonly opts: ProjectionRunnerOptions = {},
  ) {
    const names = new Set<string>();
    for (const p of projections) {
      if (names.has(p.name)) throw new Error(`Two projections named ${p.name}`);
      names.add(p.name);
    }
    this.pollMs = opts.pollMs ?? 500;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await ensureCheckpoints(this.ds, this.projections.map((p) => p.name));
    this.running = true;
    await this.opts.leases?.start();
    await this.listen();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    await this.opts.leases?.stop();
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  /** Processes until every projection has applied what is committed and any rebuild of theirs into shadow tables is swapped in, waiting (up to maxWaitMs) while a transaction elsewhere holds the commit-safe horizon back, or another process the shadow's buckets. For tests and CLI. */
  async drain(maxWaitMs = 30_000): Promise<number> {
    await ensureCheckpoints(this.ds, this.projections.map((p) => p.name));
    const names = this.projections.map((p) => p.name);
    const deadline = Date.now() + maxWaitMs;
    let total = 0;
    for (;;) {
      let progressed = 0;
      for (const p of this.projections) progressed += await this.step(p);
      total += progressed;
      if (progressed > 0) continue;
      // Nothing readable, yet events this reader can see are past a checkpoint: they are committed,
      // but a transaction elsewhere on the server (xids are cluster-wide) still holds the
      // commit-safe horizon below them. They become readable when it ends.
      if (Date.now() >= deadline || !(await this.committedBeyond(names))) return total;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async committedBeyond(names: string[]): Promise<boolean> {
    const partitioned = new Set(this.projections.filter((p) => p.partitioned).map((p) => p.name));
    const rows = await this.ds.query(
      `SELECT EXISTS (SELECT 1 FROM projection_rebuilds r WHERE r.name = ANY($1::text[]) OR r.name = ANY($2::text[]))
       OR EXISTS (SELECT 1 FROM projection_checkpoints c WHERE c.name = ANY($1::text[]) AND c.status <> 'rebuild_requested'
         AND EXISTS (SELECT 1 FROM events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)))
       OR EXISTS (SELECT 1 FROM projection_bucket_checkpoints c JOIN projection_checkpoints m ON m.name = c.name
         WHERE c.name = ANY($2::text[]) AND m.status <> 'rebuild_requested'
           AND EXISTS (SELECT 1 FROM events e WHERE e.bucket = c.bucket AND (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position))) AS beyond`,
      [names.filter((n) => !partitioned.has(n)), names.filter((n) => partitioned.has(n))],
    );
    return rows[0]?.beyond === true;
  }

  /**
   * Rebuilds a projection from the whole log in this process (the same parking policy as a live
   * run): into shadow tables swapped in at the end when it has `tables`, else reset in place.
   * Another process running the projection meanwhile keeps serving and shares the shadow's
   * buckets. `onProgress` hears how far the shadow is, every `progressMs`.
   */
  async rebuild(name: string, opts: { onProgress?: (p: RebuildProgress) => void; progressMs?: number } = {}): Promise<number> {
    const p = this.projections.find((x) => x.name === name);
    if (!p) throw new Error(`No projection named ${name}`);
    await ensureCheckpoints(this.ds, [name]);
    await requestRebuild(this.ds, name);
    let total = 0;
    let reported = Date.now();
    let shadowed = false;
    for (;;) {
      const n = await this.step(p, true);
      total += n;
      if (opts.onProgress && Date.now() - reported >= (opts.progressMs ?? 2000)) {
        reported = Date.now();
        const progress = (await rebuildProgress(this.ds, name)).get(name);
        if (progress) opts.onProgress(progress);
      }
      const [state] = await this.ds.query(
        `SELECT status = 'rebuild_requested' AS requested, EXISTS (SELECT 1 FROM projection_rebuilds r WHERE r.name = c.name) AS shadow FROM projection_checkpoints c WHERE name = $1`,
        [name],
      );
      if (state?.shadow === true) shadowed = true;
      if (state?.requested === true || state?.shadow === true) {
        // Another process holds the shadow's buckets right now.
        if (n === 0) await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      // Into shadow tables: done once swapped in. In place: once the replay has caught up.
      if (shadowed || n === 0) return total;
    }
  }

  private async run(): Promise<void> {
    // A failing projection backs off on its own; the others keep running meanwhile.
    const failures = new Map<string, { attempts: number; retryAt: number }>();
    let quick = 0;
    while (this.running) {
      const wasNotified = this.notified;
      this.notified = false;
      let progressed = 0;
      for (const p of this.projections) {
        if (!this.running) break;
        const failing = failures.get(p.name);
        if (failing && Date.now() < failing.retryAt) continue;
        try {
          progressed += await this.step(p);
          failures.delete(p.name);
        } catch (err) {
          const attempts = (failing?.attempts ?? 0) + 1;
          failures.set(p.name, { attempts, retryAt: Date.now() + backoffMs(attempts) });
          this.opts.logger?.error({ err, projection: p.name, attempt: attempts }, 'projection batch failed; will retry');
          await this.recordFailure(p.name, err).catch(() => undefined);
        }
      }
      if (progressed === 0 && this.running) {
        const nextRetry = Math.min(...[...failures.values()].map((f) => f.retryAt - Date.now()));
        // Only failing projections left to wait for: a NOTIFY must not make them spin.
        const allFailing = failures.size === this.projections.length;
        // After a NOTIFY that found nothing visible yet (an older transaction still open
        // somewhere on the server holds the horizon back), look again soon, not a poll later.
        quick = wasNotified ? 1 : quick > 0 && quick < 8 ? quick + 1 : 0;
        const wait = quick > 0 ? Math.min(this.pollMs, 25 * 2 ** quick) : this.pollMs;
        await this.sleep(Math.max(10, Math.min(wait, nextRetry)), allFailing);
      } else {
        quick = 0;
      }
    }
  }

  /**
   * One batch. The batch is applied whole; when that fails with an error of the events' own
   * (not a lost connection, see `isTransientFailure`), it is applied again in isolation, so
   * the events that fail are parked and the rest is applied once.
   */
  private async step(p: Projection, wait = false): Promise<number> {
    const live = await this.isolating(p, (isolate) => (p.partitioned ? this.stepBuckets(p, wait, isolate) : this.stepOnce(p, wait, isolate)));
    return p.tables ? live + (await this.stepShadow(p, wait)) : live;
  }

  private async isolating(p: Projection, once: (isolate: boolean) => Promise<number>): Promise<number> {
    try {
      return await once(false);
    } catch (err) {
      if (isTransientFailure(err)) throw err;
      this.opts.logger?.error({ err, projection: p.name }, 'projection batch failed; isolating the events that fail');
      return once(true);
    }
  }

  private readonly bucketsSeeded = new Set<string>();

  /**
   * One transaction of a partitioned projection over the buckets this process holds: each bucket
   * under its own advisory lock (and the projection's lock shared), read from its own checkpoint
   * in commit order, applied together, each bucket's checkpoint moved in the same commit. A
   * rebuild or a retry of parked events takes the projection's lock exclusively (no bucket runs
   * meanwhile, in any process).
   */
  private async stepBuckets(p: Projection, wait: boolean, isolate: boolean): Promise<number> {
    if (!this.bucketsSeeded.has(p.name)) {
      // Buckets start where the projection's single checkpoint was (a deployment that ran it whole).
      await this.ds.query(
        `INSERT INTO projection_bucket_checkpoints (name, bucket, transaction_id, global_position)
         SELECT c.name, b, c.transaction_id, c.global_position FROM projection_checkpoints c, generate_series(0, ${PROJECTION_BUCKETS - 1}) b
         WHERE c.name = $1 ON CONFLICT DO NOTHING`,
        [p.name],
      );
      this.bucketsSeeded.add(p.name);
    }
    const wanted = this.opts.leases ? this.opts.leases.owned() : ALL_BUCKETS;
    return this.ds.transaction(async (tx) => {
      const [main] = await tx.query(`SELECT status, parked, retry_requested FROM projection_checkpoints WHERE name = $1`, [p.name]);
      if (!main) return 0;
      const exclusive = main.status === 'rebuild_requested' || main.retry_requested === true;
      const fn = `pg_${wait ? '' : 'try_'}advisory_xact_lock${exclusive ? '' : '_shared'}`;
      const [lock] = await tx.query(`SELECT ${fn}(${PROJECTION_LOCK_SPACE}, hashtext($1))::text AS locked`, [p.name]);
      if (lock?.locked === 'false') return 0;
      let reset = false;
      let begun = false;
      let parkedChanged = false;
      let retried = 0;
      let buckets: number[];
      if (exclusive) {
        const [again] = await tx.query(`SELECT status, parked, retry_requested FROM projection_checkpoints WHERE name = $1`, [p.name]);
        const begin = again.status === 'rebuild_requested' ? await this.beginShadow(p, tx) : undefined;
        if (begin === 'begun') {
          // The live tables go on as they are, this batch included.
          begun = true;
        } else if (begin === 'in place') {
          await p.reset(tx);
          await tx.query(`DELETE FROM projection_parked_events WHERE projection = $1`, [p.name]);
          await tx.query(`UPDATE projection_bucket_checkpoints SET transaction_id = '0', global_position = 0, updated_at = now() WHERE name = $1`, [p.name]);
          await tx.query(`UPDATE projection_checkpoints SET status = 'running', transaction_id = '0', global_position = 0, parked = 0, retry_requested = false, last_error = NULL, updated_at = now() WHERE name = $1`, [p.name]);
          reset = true;
          this.opts.logger?.info({ projection: p.name }, 'projection reset for rebuild');
        } else if (again.retry_requested) {
          retried = await this.retryParked(p, tx);
          parkedChanged = true;
        }
        // Holding the projection exclusively: no bucket lock is needed.
        buckets = wanted;
      } else {
        if (wanted.length === 0) return 0;
        buckets = (
          await tx.query(
            `SELECT b FROM unnest($2::int[]) b WHERE ${wait ? 'pg_advisory_xact_lock' : 'pg_try_advisory_xact_lock'}(${BUCKET_LOCK_SPACE}, hashtext($1 || ':' || b))::text <> 'false'`,
            [p.name, wanted],
          )
        ).map((r: any) => Number(r.b));
      }
      if (buckets.length === 0) return begun ? 1 : retried;
      const from = new Map<number, Checkpoint>();
      for (const r of await tx.query(
        `SELECT bucket, transaction_id::text AS transaction_id, global_position FROM projection_bucket_checkpoints WHERE name = $1 AND bucket = ANY($2::int[])`,
        [p.name, buckets],
      )) {
        from.set(Number(r.bucket), { transactionId: r.transaction_id, globalPosition: Number(r.global_position) });
      }
      const held = new Map<string, string>();
      if (!reset && (Number(main.parked) > 0 || parkedChanged)) {
        for (const r of await tx.query(`SELECT stream_id, event_id FROM projection_parked_events WHERE projection = $1 AND held_by IS NULL`, [p.name])) {
          held.set(r.stream_id, r.event_id);
        }
      }
      const page = await this.store.readBuckets(from, { limit: p.batchSize ?? 1000, types: p.types as string[] | undefined }, tx);
      let moved = page.checkpoints;
      const events = page.events;
      if (events.length > 0) {
        const outcome = isolate ? await this.applyIsolated(p, events, tx, held) : await this.applyWhole(p, events, tx, held);
        if (outcome.decided < events.length) {
          // Each bucket moves only past what the decided prefix of the batch covers.
          const cut = events[outcome.decided - 1];
          moved = new Map();
          for (const r of page.examined) {
            if ((compareXid(r.transactionId, cut.transactionId) || r.globalPosition - cut.globalPosition) <= 0) moved.set(r.bucket, { transactionId: r.transactionId, globalPosition: r.globalPosition });
          }
        }
        if (outcome.parked.length + outcome.held.length > 0) {
          await this.park(p.name, tx, outcome.parked, outcome.held);
          parkedChanged = true;
          this.opts.onParked?.(p.name, outcome.parked.length, outcome.held.length);
          for (const x of outcome.parked) {
            this.opts.logger?.error({ projection: p.name, eventId: x.event.id, type: x.event.type, position: x.event.globalPosition, error: x.error }, 'event parked: the projection could not apply it');
          }
        }
      }
      if (parkedChanged) {
        await tx.query(`UPDATE projection_checkpoints SET parked = (SELECT count(*) FROM projection_parked_events WHERE projection = $1) WHERE name = $1`, [p.name]);
      }
      if (moved.size > 0) {
        const list = [...moved];
        await tx.query(
          `UPDATE projection_bucket_checkpoints c SET transaction_id = x.tx::xid8, global_position = x.pos, updated_at = now()
           FROM unnest($2::smallint[], $3::text[], $4::bigint[]) AS x(bucket, tx, pos) WHERE c.name = $1 AND c.bucket = x.bucket`,
          [p.name, list.map(([b]) => b), list.map(([, c]) => c.transactionId), list.map(([, c]) => c.globalPosition)],
        );
        const last = page.examined[page.examined.length - 1];
        this.opts.onBatch?.(p.name, events.length, { transactionId: last.transactionId, globalPosition: last.globalPosition });
      }
      if (main.status === 'failing' && !reset) {
        await tx.query(`UPDATE projection_checkpoints SET status = CASE WHEN status = 'rebuild_requested' THEN status ELSE 'running' END, last_error = NULL, updated_at = now() WHERE name = $1`, [p.name]);
      }
      return moved.size > 0 ? Math.max(1, events.length) : reset || begun ? 1 : retried;
    });
  }

  /** One transaction: lock the projection, read a batch, apply it, move the checkpoint. */
  private async stepOnce(p: Projection, wait: boolean, isolate: boolean): Promise<number> {
    return this.ds.transaction(async (tx) => {
      // An advisory lock rather than SELECT … FOR UPDATE: a row lock gives this transaction an
      // xid at once, and every commit-safe reader on the server waits behind the oldest running
      // xid. With the advisory lock the xid comes only with the batch's first write.
      const [lock] = await tx.query(
        wait
          ? `SELECT pg_advisory_xact_lock(${PROJECTION_LOCK_SPACE}, hashtext($1)) IS NOT NULL AS locked`
          : `SELECT pg_try_advisory_xact_lock(${PROJECTION_LOCK_SPACE}, hashtext($1)) AS locked`,
        [p.name],
      );
      if (!lock?.locked) return 0; // another worker holds it right now
      const rows = await tx.query(
        `SELECT transaction_id::text AS transaction_id, global_position, status, parked, retry_requested FROM projection_checkpoints WHERE name = $1`,
        [p.name],
      );
      if (rows.length === 0) return 0;
      let after: Checkpoint = { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) };
      let reset = false;
      let parkedChanged = false;
      let retried = 0;
      let begun = false;
      const begin = rows[0].status === 'rebuild_requested' ? await this.beginShadow(p, tx) : undefined;
      if (begin === 'begun') {
        begun = true;
      } else if (begin === 'in place') {
        await p.reset(tx);
        // A rebuild replays everything: what was parked is parked again if it still fails.
        await tx.query(`DELETE FROM projection_parked_events WHERE projection = $1`, [p.name]);
        after = { transactionId: '0', globalPosition: 0 };
        reset = true;
        parkedChanged = Number(rows[0].parked) > 0;
        this.opts.logger?.info({ projection: p.name }, 'projection reset for rebuild');
      } else if (rows[0].retry_requested) {
        retried = await this.retryParked(p, tx);
        parkedChanged = true;
      }
      // Streams with a parked event: their later events wait behind it (order within a stream matters to every projection).
      const held = new Map<string, string>();
      if (!reset && Number(rows[0].parked) > 0) {
        for (const r of await tx.query(`SELECT stream_id, event_id FROM projection_parked_events WHERE projection = $1 AND held_by IS NULL`, [p.name])) {
          held.set(r.stream_id, r.event_id);
        }
      }
      const { events, checkpoint: end } = await this.store.readAll({ after, limit: p.batchSize ?? 1000, types: p.types as string[] | undefined }, tx);
      let checkpoint = end;
      const moved = checkpoint.globalPosition !== after.globalPosition || checkpoint.transactionId !== after.transactionId;
      if (!moved && !reset && !begun && !parkedChanged && rows[0].status === 'running') return 0;
      if (events.length > 0) {
        const outcome = isolate ? await this.applyIsolated(p, events, tx, held) : await this.applyWhole(p, events, tx, held);
        if (outcome.decided < events.length) {
          const last = events[outcome.decided - 1];
          checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
        }
        if (outcome.parked.length + outcome.held.length > 0) {
          await this.park(p.name, tx, outcome.parked, outcome.held);
          parkedChanged = true;
          this.opts.onParked?.(p.name, outcome.parked.length, outcome.held.length);
          for (const x of outcome.parked) {
            this.opts.logger?.error({ projection: p.name, eventId: x.event.id, type: x.event.type, position: x.event.globalPosition, error: x.error }, 'event parked: the projection could not apply it');
          }
        }
      }
      if (parkedChanged) {
        await tx.query(`UPDATE projection_checkpoints SET parked = (SELECT count(*) FROM projection_parked_events WHERE projection = $1) WHERE name = $1`, [p.name]);
      }
      await tx.query(
        // A rebuild requested while this batch ran (the row is not locked) must survive it.
        `UPDATE projection_checkpoints SET transaction_id = $2::xid8, global_position = $3,
           status = CASE WHEN status = 'rebuild_requested' AND NOT $4::boolean THEN status ELSE 'running' END,
           -- Still waiting for its rebuild to begin: why it could not (beginShadow) stays shown.
           last_error = CASE WHEN status = 'rebuild_requested' AND NOT $4::boolean THEN last_error END, updated_at = now() WHERE name = $1`,
        [p.name, checkpoint.transactionId, checkpoint.globalPosition, reset || begun],
      );
      const progressed = checkpoint.globalPosition !== after.globalPosition || checkpoint.transactionId !== after.transactionId;
      if (progressed) this.opts.onBatch?.(p.name, events.length, checkpoint);
      return progressed ? Math.max(1, events.length) : begun ? 1 : retried;
    });
  }

  /** The shadow instances of the projections being rebuilt here, with the schema each writes. */
  private readonly shadows = new Map<string, { schema: string; projection: Projection }>();
  /**
   * When a projection last had no rebuild under way: the live loop looks again at most once a
   * second (a rebuild another process began is joined that much later), not on every batch.
   */
  private readonly noRebuildSince = new Map<string, number>();
  /** Rebuilds that could not begin here, and when to try again (see beginShadow). */
  private readonly beginFailures = new Map<string, { attempts: number; retryAt: number }>();

  private shadowOf(p: Projection, schema: string): Projection {
    const known = this.shadows.get(p.name);
    if (known?.schema === schema) return known.projection;
    const projection = p.forShadow?.() ?? p;
    this.shadows.set(p.name, { schema, projection });
    return projection;
  }

  /**
   * Begins a rebuild into shadow tables, in the caller's transaction (which holds the projection
   * exclusively): the shadow schema and its tables, the shadow's checkpoints at the start, the
   * projection's reset run in the shadow, the status back to running. A rebuild asked for again
   * while one runs starts over (a newer model or configuration must reach every row). 'in place'
   * when the tables cannot be swapped safely (see shadowBlockers): the caller resets in place.
   * 'deferred' when beginning failed: the live batch goes on (its tables are fine), the status
   * stays `rebuild_requested` with the error in `last_error`, and it is tried again after a
   * back-off, so a rebuild that cannot begin never stops the live projection.
   */
  private async beginShadow(p: Projection, tx: Queryable): Promise<'begun' | 'in place' | 'deferred'> {
    if (!p.tables) return 'in place';
    const failed = this.beginFailures.get(p.name);
    if (failed && Date.now() < failed.retryAt) return 'deferred';
    await tx.query('SAVEPOINT shadow_begin');
    try {
      const blockers = await shadowBlockers(tx, p.tables);
      if (blockers.length > 0) {
        await tx.query('RELEASE SAVEPOINT shadow_begin');
        this.opts.logger?.error({ projection: p.name, blockers }, 'rebuild cannot use shadow tables; resetting in place');
        return 'in place';
      }
      await this.createShadowFor(p, tx);
      await tx.query('RELEASE SAVEPOINT shadow_begin');
    } catch (err) {
      // A lost connection fails here too, and the live batch with it (recorded as the live projection's).
      await tx.query('ROLLBACK TO SAVEPOINT shadow_begin');
      const attempts = (failed?.attempts ?? 0) + 1;
      this.beginFailures.set(p.name, { attempts, retryAt: Date.now() + backoffMs(attempts) });
      this.opts.logger?.error({ err, projection: p.name, attempt: attempts }, 'rebuild could not begin; the live projection goes on, will retry');
      await tx.query(`UPDATE projection_checkpoints SET last_error = $2 WHERE name = $1`, [p.name, `rebuild could not begin: ${errorText(err)}`]);
      return 'deferred';
    }
    this.beginFailures.delete(p.name);
    return 'begun';
  }

  private async createShadowFor(p: Projection, tx: Queryable): Promise<void> {
    const under = await tx.query(`SELECT shadow_schema FROM projection_rebuilds WHERE name = $1`, [p.name]);
    for (const r of under) await dropShadow(tx, r.shadow_schema);
    await tx.query(`DELETE FROM projection_rebuilds WHERE name = $1`, [p.name]);
    // Shadows whose row went with a deleted checkpoint row: nothing refers to them any more (a
    // shadow still being created is invisible here until its row commits with it).
    for (const r of await tx.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'closeness\\_rebuild\\_%' AND nspname NOT IN (SELECT shadow_schema FROM projection_rebuilds)`)) {
      await dropShadow(tx, r.nspname);
    }
    const schema = `closeness_rebuild_${randomBytes(4).toString('hex')}`;
    await createShadow(tx, schema, p.tables!);
    const [{ n }] = await tx.query(`SELECT count(*) AS n FROM events WHERE $1::text[] IS NULL OR type = ANY($1::text[])`, [p.types ?? null]);
    await tx.query(`INSERT INTO projection_rebuilds (name, shadow_schema, events_total) VALUES ($1, $2, $3)`, [p.name, schema, n]);
    await tx.query(`INSERT INTO projection_rebuild_checkpoints (name, bucket) SELECT $1, unnest($2::smallint[])`, [p.name, p.partitioned ? ALL_BUCKETS : [WHOLE]]);
    // What a reset does beyond its tables (the customer read models record the models they are rebuilt with) happens now, as in place.
    const shadow = this.shadowOf(p, schema);
    await inSchema(tx, schema, () => shadow.reset(tx));
    await tx.query(`UPDATE projection_checkpoints SET status = 'running', last_error = NULL, updated_at = now() WHERE name = $1`, [p.name]);
    this.opts.logger?.info({ projection: p.name, schema, events: Number(n) }, 'projection rebuild begun in shadow tables; the live tables keep serving');
  }

  /**
   * While a rebuild of `p` into shadow tables is under way (begun here or in another process): a
   * shadow batch, and the swap once the shadow is near the head. A failure here is the
   * rebuild's, not the live projection's (whose tables are fine and keep serving and applying
   * new events): it is recorded on the rebuild (`projection_rebuilds.last_error`, `attempts`),
   * and every process waits out the back-off in `retry_at` before the rebuild's next try.
   */
  private async stepShadow(p: Projection, wait: boolean): Promise<number> {
    const idle = this.noRebuildSince.get(p.name);
    if (!this.shadows.has(p.name) && idle !== undefined && Date.now() - idle < SHADOW_LOOK_MS) return 0;
    const [r] = await this.ds.query(`SELECT shadow_schema, attempts, coalesce(retry_at > now(), false) AS backing_off FROM projection_rebuilds WHERE name = $1`, [p.name]);
    if (!r) {
      this.shadows.delete(p.name);
      this.noRebuildSince.set(p.name, Date.now());
      return 0;
    }
    this.noRebuildSince.delete(p.name);
    if (r.backing_off === true) return 0;
    const schema: string = r.shadow_schema;
    try {
      const read = await this.isolating(p, (isolate) => this.shadowBatch(p, schema, wait, isolate));
      // A full batch: this process's buckets are not near the head yet, so neither is the shadow.
      const swapped = read >= (p.batchSize ?? 1000) || !(await this.shadowNearHead(p)) ? 0 : await this.swap(p, schema);
      // Through again (a batch that took events, or the swap): the rebuild is no longer failing.
      if (Number(r.attempts) > 0 && read > 0 && swapped === 0) {
        await this.ds.query(`UPDATE projection_rebuilds SET last_error = NULL, attempts = 0, failing_since = NULL, retry_at = NULL WHERE name = $1 AND shadow_schema = $2`, [p.name, schema]);
      }
      return read + swapped;
    } catch (err) {
      const [f] = await this.ds
        .query(
          `UPDATE projection_rebuilds SET last_error = $3, attempts = attempts + 1, failing_since = coalesce(failing_since, now()),
             retry_at = now() + $4::int * interval '1 millisecond'
           WHERE name = $1 AND shadow_schema = $2 RETURNING attempts`,
          [p.name, schema, errorText(err), backoffMs(Number(r.attempts) + 1)],
        )
        .catch(() => [undefined]);
      this.opts.logger?.error({ err, projection: p.name, attempt: f?.attempts, rebuild: true }, 'rebuild batch failed; the live projection goes on, the rebuild will retry');
      return 0;
    }
  }

  /**
   * One shadow transaction over the buckets this process holds (each under its own shadow-bucket
   * lock; a projection that runs whole has one), with the projection's lock shared so that the
   * swap waits for it. Returns the events it applied.
   */
  private async shadowBatch(p: Projection, schema: string, wait: boolean, isolate: boolean): Promise<number> {
    return this.ds.transaction(async (tx) => {
      const [lock] = await tx.query(`SELECT pg_${wait ? '' : 'try_'}advisory_xact_lock_shared(${PROJECTION_LOCK_SPACE}, hashtext($1))::text AS locked`, [p.name]);
      if (lock?.locked === 'false') return 0;
      const [r] = await tx.query(`SELECT shadow_schema FROM projection_rebuilds WHERE name = $1`, [p.name]);
      if (r?.shadow_schema !== schema) return 0; // swapped in, or begun afresh, meanwhile
      const wanted = !p.partitioned ? [WHOLE] : this.opts.leases ? this.opts.leases.owned() : ALL_BUCKETS;
      if (wanted.length === 0) return 0;
      const buckets = (
        await tx.query(
          `SELECT b FROM unnest($2::int[]) b WHERE ${wait ? 'pg_advisory_xact_lock' : 'pg_try_advisory_xact_lock'}(${SHADOW_BUCKET_LOCK_SPACE}, hashtext($1 || ':' || b))::text <> 'false'`,
          [p.name, wanted],
        )
      ).map((x: any) => Number(x.b));
      return buckets.length === 0 ? 0 : this.shadowBatchIn(p, schema, tx, buckets, isolate);
    });
  }

  /**
   * Reads the shadow's buckets from its own checkpoints and applies the events to the shadow
   * tables (the shadow schema first on the search_path: the projection's SQL, and the runner's
   * parking, land there), moving the shadow checkpoints in the same transaction. The same batch
   * and parking policy as a live batch.
   */
  private async shadowBatchIn(p: Projection, schema: string, tx: Queryable, buckets: number[], isolate: boolean): Promise<number> {
    const shadow = this.shadowOf(p, schema);
    const from = new Map<number, Checkpoint>();
    for (const r of await tx.query(
      `SELECT bucket, transaction_id::text AS transaction_id, global_position FROM projection_rebuild_checkpoints WHERE name = $1 AND bucket = ANY($2::int[])`,
      [p.name, buckets],
    )) {
      from.set(Number(r.bucket), { transactionId: r.transaction_id, globalPosition: Number(r.global_position) });
    }
    if (from.size === 0) return 0;
    return inSchema(tx, schema, async () => {
      // The shadow's own quarantine: a rebuild parks again what still fails.
      const held = new Map<string, string>();
      for (const r of await tx.query(`SELECT stream_id, event_id FROM projection_parked_events WHERE projection = $1 AND held_by IS NULL`, [p.name])) held.set(r.stream_id, r.event_id);
      const limit = p.batchSize ?? 1000;
      const types = p.types as string[] | undefined;
      let events: StoredEvent[];
      let moved: Map<number, Checkpoint>;
      let cutAt: (cut: StoredEvent) => Map<number, Checkpoint>;
      if (p.partitioned) {
        const page = await this.store.readBuckets(from, { limit, types }, tx);
        events = page.events;
        moved = page.checkpoints;
        cutAt = (cut) => {
          const m = new Map<number, Checkpoint>();
          for (const r of page.examined) {
            if ((compareXid(r.transactionId, cut.transactionId) || r.globalPosition - cut.globalPosition) <= 0) m.set(r.bucket, { transactionId: r.transactionId, globalPosition: r.globalPosition });
          }
          return m;
        };
      } else {
        const after = from.get(WHOLE)!;
        const page = await this.store.readAll({ after, limit, types }, tx);
        events = page.events;
        const same = page.checkpoint.transactionId === after.transactionId && page.checkpoint.globalPosition === after.globalPosition;
        moved = same ? new Map() : new Map([[WHOLE, page.checkpoint]]);
        cutAt = (cut) => new Map([[WHOLE, { transactionId: cut.transactionId, globalPosition: cut.globalPosition }]]);
      }
      let decided = events.length;
      if (events.length > 0) {
        const outcome = isolate ? await this.applyIsolated(shadow, events, tx, held) : await this.applyWhole(shadow, events, tx, held);
        decided = outcome.decided;
        if (decided < events.length) moved = cutAt(events[decided - 1]);
        if (outcome.parked.length + outcome.held.length > 0) {
          await this.park(p.name, tx, outcome.parked, outcome.held);
          this.opts.onParked?.(p.name, outcome.parked.length, outcome.held.length);
          for (const x of outcome.parked) {
            this.opts.logger?.error({ projection: p.name, eventId: x.event.id, type: x.event.type, position: x.event.globalPosition, error: x.error, rebuild: true }, 'event parked: the projection could not apply it');
          }
        }
      }
      if (moved.size === 0) return 0;
      const list = [...moved];
      // The batch's count goes on one of its rows (progress sums them).
      await tx.query(
        `UPDATE projection_rebuild_checkpoints c SET transaction_id = x.tx::xid8, global_position = x.pos, updated_at = now(),
           events = c.events + CASE WHEN x.bucket = $5 THEN $6::bigint ELSE 0 END
         FROM unnest($2::smallint[], $3::text[], $4::bigint[]) AS x(bucket, tx, pos) WHERE c.name = $1 AND c.bucket = x.bucket`,
        [p.name, list.map(([b]) => b), list.map(([, c]) => c.transactionId), list.map(([, c]) => c.globalPosition), list[0][0], decided],
      );
      return Math.max(1, events.length);
    });
  }

  /** At most SWAP_WITHIN committed events past the shadow's checkpoints, over all its buckets. */
  private async shadowNearHead(p: Projection): Promise<boolean> {
    const [{ n }] = await this.ds.query(
      p.partitioned
        ? `SELECT count(*)::int AS n FROM (SELECT 1 FROM projection_rebuild_checkpoints c CROSS JOIN LATERAL (SELECT 1 FROM events e WHERE e.bucket = c.bucket
             AND (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position) LIMIT $2) x WHERE c.name = $1 LIMIT $2) y`
        : `SELECT count(*)::int AS n FROM (SELECT 1 FROM projection_rebuild_checkpoints c, events e WHERE c.name = $1
             AND (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position) LIMIT $2) y`,
      [p.name, SWAP_WITHIN + 1],
    );
    return Number(n) <= Math.min(SWAP_WITHIN, p.batchSize ?? 1000);
  }

  /**
   * Swaps the shadow in, in one transaction under the projection's lock held exclusively (no live
   * or shadow batch runs meanwhile, in any process): the shadow takes the last events, its tables
   * replace the live ones, its checkpoints and parked events the live ones, and the rebuild's rows
   * and schemas go. A crash before the commit leaves the rebuild as it was; after it, it is done.
   * Returns 1 when swapped.
   */
  private async swap(p: Projection, schema: string): Promise<number> {
    const tables = p.tables!;
    // Planner statistics for the new tables before they serve (outside the lock: it reads a sample of each).
    try {
      for (const t of tables) await this.ds.query(`ANALYZE ${quoteIdent(schema)}.${quoteIdent(t)}`);
    } catch (err) {
      // Another process swapped it in (or began afresh) meanwhile: the schema is gone.
      if (!['3F000', '42P01'].includes(pgCode(err) ?? '')) throw err;
      return 0;
    }
    try {
      const swapped = await this.ds.transaction(async (tx) => {
        // Waits for the batches in flight; a new batch's try-lock fails while this one waits.
        await tx.query(`SELECT pg_advisory_xact_lock(${PROJECTION_LOCK_SPACE}, hashtext($1))`, [p.name]);
        const [r] = await tx.query(`SELECT shadow_schema FROM projection_rebuilds WHERE name = $1`, [p.name]);
        if (r?.shadow_schema !== schema) return false;
        const all = p.partitioned ? ALL_BUCKETS : [WHOLE];
        for (let i = 0; i < SWAP_TAIL_BATCHES; i++) {
          let read: number;
          // A batch that fails is taken again in isolation (the savepoint keeps the transaction).
          await tx.query('SAVEPOINT shadow_tail');
          try {
            read = await this.shadowBatchIn(p, schema, tx, all, false);
            await tx.query('RELEASE SAVEPOINT shadow_tail');
          } catch (err) {
            if (isTransientFailure(err)) throw err;
            await tx.query('ROLLBACK TO SAVEPOINT shadow_tail');
            read = await this.shadowBatchIn(p, schema, tx, all, true);
          }
          // Not a short batch: with buckets at different checkpoints each reads only its share, so only an empty one is the head.
          if (read === 0) break;
        }
        await tx.query(`DELETE FROM projection_parked_events WHERE projection = $1`, [p.name]);
        await tx.query(`INSERT INTO projection_parked_events SELECT * FROM ${quoteIdent(schema)}.projection_parked_events`);
        if (p.partitioned) {
          await tx.query(
            `INSERT INTO projection_bucket_checkpoints (name, bucket, transaction_id, global_position)
             SELECT name, bucket, transaction_id, global_position FROM projection_rebuild_checkpoints WHERE name = $1
             ON CONFLICT (name, bucket) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position, updated_at = now()`,
            [p.name],
          );
        } else {
          await tx.query(
            `UPDATE projection_checkpoints c SET transaction_id = r.transaction_id, global_position = r.global_position
             FROM projection_rebuild_checkpoints r WHERE c.name = $1 AND r.name = c.name AND r.bucket = ${WHOLE}`,
            [p.name],
          );
        }
        // A rebuild asked for while this one ran begins afresh with the next batch.
        await tx.query(
          `UPDATE projection_checkpoints SET parked = (SELECT count(*) FROM projection_parked_events WHERE projection = $1), retry_requested = false, last_error = NULL,
             status = CASE WHEN status = 'rebuild_requested' THEN status ELSE 'running' END, updated_at = now() WHERE name = $1`,
          [p.name],
        );
        await tx.query(`DELETE FROM projection_rebuilds WHERE name = $1`, [p.name]);
        // A reader holding a live table for long must not keep the readers queued behind the swap waiting.
        await tx.query(`SET LOCAL lock_timeout = '${SWAP_LOCK_TIMEOUT}'`);
        await swapShadow(tx, schema, tables);
        return true;
      });
      if (!swapped) return 0;
    } catch (err) {
      if (pgCode(err) !== '55P03') throw err;
      this.opts.logger?.info({ projection: p.name }, 'rebuild swap waited too long for a reader; trying again');
      return 0;
    }
    this.shadows.delete(p.name);
    this.opts.logger?.info({ projection: p.name }, 'projection rebuild swapped in');
    return 1;
  }

  /** The batch in one piece (the usual path): only the events of held streams are set aside. */
  private async applyWhole(p: Projection, events: StoredEvent[], tx: Queryable, held: Map<string, string>): Promise<Isolated> {
    const out: Isolated = { decided: events.length, parked: [], held: [] };
    let keep = events;
    if (held.size > 0) {
      keep = [];
      for (const e of events) {
        const by = held.get(e.streamId);
        if (by === undefined) keep.push(e);
        else out.held.push({ event: e, by });
      }
    }
    if (keep.length > 0) await p.apply(keep, tx);
    return out;
  }

  /**
   * Applies the events in pieces, each under a savepoint: a piece that fails is halved until
   * the event that fails is alone (or named by an EventApplyError), which is parked; the later
   * events of its stream are held behind it. Pieces are taken in log order, so the events
   * decided so far are always a prefix of the batch; after MAX_SAVEPOINTS pieces the batch
   * ends there (more savepoints in one transaction slow every snapshot on the server).
   * Everything failing on its own, in two or more streams, is no poison but a fault (or a bug
   * that hits every event): nothing is parked and the batch fails whole, to be retried.
   */
  private async applyIsolated(p: Projection, events: StoredEvent[], tx: Queryable, held: Map<string, string>): Promise<Isolated> {
    const out: Isolated = { decided: 0, parked: [], held: [] };
    const parkedAt = new Set<number>();
    // [lo, hi) finished: everything before hi is decided (pieces go in log order), and so is a parked event right after it.
    const finished = (hi: number) => {
      out.decided = Math.max(out.decided, hi);
      while (parkedAt.has(out.decided)) out.decided++;
    };
    const holdIn = (lo: number, hi: number) => {
      for (let i = lo; i < hi; i++) {
        const by = held.get(events[i].streamId);
        if (by !== undefined && !parkedAt.has(i)) out.held.push({ event: events[i], by });
      }
    };
    const stack: [number, number][] = [[0, events.length]];
    let savepoints = 0;
    let applied = 0;
    let firstError: unknown;
    while (stack.length > 0) {
      const [lo, hi] = stack[stack.length - 1];
      const keep: number[] = [];
      for (let i = lo; i < hi; i++) if (!held.has(events[i].streamId)) keep.push(i);
      if (keep.length === 0) {
        stack.pop();
        holdIn(lo, hi);
        finished(hi);
        continue;
      }
      if (savepoints >= MAX_SAVEPOINTS) break;
      stack.pop();
      savepoints++;
      await tx.query('SAVEPOINT projection_piece');
      try {
        await p.apply(keep.map((i) => events[i]), tx);
        await tx.query('RELEASE SAVEPOINT projection_piece');
        applied += keep.length;
        holdIn(lo, hi);
        finished(hi);
      } catch (err) {
        await tx.query('ROLLBACK TO SAVEPOINT projection_piece');
        if (isTransientFailure(err)) throw err;
        firstError ??= err;
        const named = err instanceof EventApplyError ? keep.find((i) => events[i].id === err.eventId) : undefined;
        const bad = keep.length === 1 ? keep[0] : named;
        if (bad === undefined) {
          const mid = keep[Math.floor(keep.length / 2)];
          stack.push([mid, hi], [lo, mid]);
          continue;
        }
        // Parked; what came before it in the piece is still to be applied (the savepoint took it back).
        out.parked.push({ event: events[bad], error: errorText(err) });
        parkedAt.add(bad);
        held.set(events[bad].streamId, events[bad].id);
        stack.push([bad + 1, hi], [lo, bad]);
      }
    }
    const streams = new Set(out.parked.map((x) => x.event.streamId));
    if (applied === 0 && out.parked.length >= 2 && streams.size >= 2) throw firstError;
    if (out.decided === 0) throw firstError ?? new Error('no event of the batch could be decided');
    // Parked or held beyond the decided prefix: read again with the next batch.
    out.parked = out.parked.filter((x) => events.indexOf(x.event) < out.decided);
    out.held = out.held.filter((x) => events.indexOf(x.event) < out.decided);
    return out;
  }

  /** Writes parked and held events (an event parked again keeps its first time and counts the attempt). */
  private async park(name: string, tx: Queryable, parked: { event: StoredEvent; error: string }[], held: { event: StoredEvent; by: string }[]): Promise<void> {
    const all = [
      ...parked.map((x) => ({ e: x.event, by: null as string | null, error: x.error })),
      ...held.map((x) => ({ e: x.event, by: x.by, error: `held behind parked event ${x.by} of the same stream` })),
    ];
    await tx.query(
      `INSERT INTO projection_parked_events AS p (projection, event_id, stream_id, stream_version, global_position, transaction_id, event_type, held_by, error)
       SELECT $1, x.event_id, x.stream_id, x.stream_version, x.global_position, x.transaction_id::xid8, x.event_type, x.held_by, x.error
       FROM jsonb_to_recordset($2::jsonb) AS x(event_id uuid, stream_id text, stream_version int, global_position bigint, transaction_id text, event_type text, held_by uuid, error text)
       ON CONFLICT (projection, event_id) DO UPDATE SET held_by = EXCLUDED.held_by, error = EXCLUDED.error, attempts = p.attempts + 1,
         retry_requested = false, last_attempt_at = now()`,
      [
        name,
        JSON.stringify(
          all.map(({ e, by, error }) => ({
            event_id: e.id, stream_id: e.streamId, stream_version: e.streamVersion, global_position: e.globalPosition,
            transaction_id: e.transactionId, event_type: e.type, held_by: by, error,
          })),
        ),
      ],
    );
  }

  /**
   * Applies the parked events whose retry was asked for, stream by stream in log order (each
   * with the events held behind it), in isolation: what applies leaves the quarantine, what
   * fails again stays with its new error. Returns how many were applied.
   */
  private async retryParked(p: Projection, tx: Queryable): Promise<number> {
    // Whole streams: an event held behind the parked one after the retry was asked for goes with it.
    const rows = await tx.query(
      `SELECT event_id, stream_id, stream_version FROM projection_parked_events
       WHERE projection = $1 AND stream_id IN (SELECT stream_id FROM projection_parked_events WHERE projection = $1 AND retry_requested)
       ORDER BY transaction_id, global_position`,
      [p.name],
    );
    await tx.query(`UPDATE projection_checkpoints SET retry_requested = false WHERE name = $1`, [p.name]);
    if (rows.length === 0) return 0;
    const wanted = new Set<string>(rows.map((r: any) => r.event_id));
    const firstVersion = new Map<string, number>();
    for (const r of rows) if (!firstVersion.has(r.stream_id)) firstVersion.set(r.stream_id, Number(r.stream_version));
    const events: StoredEvent[] = [];
    for (const [streamId, from] of firstVersion) {
      for (const e of await this.store.readStream(streamId, { from }, tx)) if (wanted.has(e.id)) events.push(e);
    }
    events.sort((a, b) => compareXid(a.transactionId, b.transactionId) || a.globalPosition - b.globalPosition);
    // Still parked elsewhere: those streams stay held.
    const held = new Map<string, string>();
    for (const r of await tx.query(`SELECT stream_id, event_id FROM projection_parked_events WHERE projection = $1 AND held_by IS NULL`, [p.name])) {
      if (!firstVersion.has(r.stream_id)) held.set(r.stream_id, r.event_id);
    }
    let outcome: Isolated;
    try {
      outcome = await this.applyIsolated(p, events, tx, held);
    } catch (err) {
      if (isTransientFailure(err)) throw err;
      // Every stream failed again: all stay parked, with the new error on their heads.
      await tx.query(
        `UPDATE projection_parked_events SET retry_requested = false, attempts = attempts + CASE WHEN held_by IS NULL THEN 1 ELSE 0 END,
           error = CASE WHEN held_by IS NULL THEN $3 ELSE error END, last_attempt_at = now()
         WHERE projection = $1 AND event_id = ANY($2::uuid[])`,
        [p.name, events.map((e) => e.id), errorText(err)],
      );
      return 0;
    }
    const stay = new Set([...outcome.parked.map((x) => x.event.id), ...outcome.held.map((x) => x.event.id), ...events.slice(outcome.decided).map((e) => e.id)]);
    const done = events.filter((e) => !stay.has(e.id)).map((e) => e.id);
    if (done.length > 0) await tx.query(`DELETE FROM projection_parked_events WHERE projection = $1 AND event_id = ANY($2::uuid[])`, [p.name, done]);
    // Not reached within this transaction's budget: asked for again.
    const undecided = events.slice(outcome.decided).map((e) => e.id);
    if (undecided.length > 0) {
      await tx.query(`UPDATE projection_parked_events SET retry_requested = true WHERE projection = $1 AND event_id = ANY($2::uuid[])`, [p.name, undecided]);
      await tx.query(`UPDATE projection_checkpoints SET retry_requested = true WHERE name = $1`, [p.name]);
    }
    if (outcome.parked.length + outcome.held.length > 0) await this.park(p.name, tx, outcome.parked, outcome.held);
    this.opts.logger?.info({ projection: p.name, applied: done.length, stillParked: outcome.parked.length + outcome.held.length }, 'parked events retried');
    return done.length;
  }

  private async recordFailure(name: string, err: unknown): Promise<void> {
    await this.ds.query(
      `UPDATE projection_checkpoints SET status = CASE WHEN status = 'rebuild_requested' THEN status ELSE 'failing' END, last_error = $2, updated_at = now() WHERE name = $1`,
      [name, errorText(err)],
    );
  }

  private async listen(): Promise<void> {
    if (!this.opts.listenUrl) return;
    const client = new pg.Client({ connectionString: this.opts.listenUrl, application_name: LISTEN_APPLICATION_NAME });
    client.on('notification', () => this.notify());
    // A lost LISTEN connection only costs latency: polling goes on; reconnect in the background.
    client.on('error', (err) => {
      this.opts.logger?.error({ err }, 'LISTEN connection lost; polling until it is back');
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => undefined);
      setTimeout(() => this.running && this.listen().catch(() => undefined), 2000);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      this.listener = client;
    } catch (err) {
      this.opts.logger?.error({ err }, 'LISTEN unavailable; polling');
      await client.end().catch(() => undefined);
    }
  }

  /** Wakes the loop now (a NOTIFY arrived, or stop()). */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Waits `ms`; a NOTIFY cuts it short unless `backoff` (a failing projection must not spin on every append). */
  private sleep(ms: number, backoff = false): Promise<void> {
    return new Promise((resolve) => {
      if ((this.notified && !backoff) || !this.running) return resolve();
      let t: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(t);
        if (this.wake === wake) this.wake = undefined;
        resolve();
      };
      const wake = () => {
        if (!backoff || !this.running) done();
      };
      t = setTimeout(done, ms);
      this.wake = wake;
    });
  }
}

/**
 * Sends one NOTIFY per burst of appends, outside the appending transactions: NOTIFY takes a
 * global lock at commit, so doing it per append would serialise concurrent writers.
 */
export class AppendNotifier {
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Queryable,
    store: EventStore,
    private readonly delayMs = 5,
  ) {
    this.unsubscribe = store.onAppended(() => this.schedule());
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.db.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`).catch(() => undefined);
    }, this.delayMs);
    this.timer.unref();
  }

  close() {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
  }
}
