import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { EventStore, Queryable } from './event-store.js';
import type { Checkpoint, StoredEvent } from './types.js';

/** Advisory lock namespace (first key) of the projection locks; the second key is hashtext(name). */
const PROJECTION_LOCK_SPACE = 72_615_002;

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
  /** How many events one transaction takes (default 1000). */
  readonly batchSize?: number;
  apply(events: StoredEvent[], tx: Queryable): Promise<void>;
  /** Deletes everything the projection wrote, for a rebuild. */
  reset(tx: Queryable): Promise<void>;
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
}

export async function ensureCheckpoints(db: Queryable, names: string[]): Promise<void> {
  await db.query(
    `INSERT INTO projection_checkpoints (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`,
    [names],
  );
}

/** Asks the runner (in whichever worker holds the projection) to reset and replay it. */
export async function requestRebuild(db: Queryable, name: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE projection_checkpoints SET status = 'rebuild_requested', updated_at = now() WHERE name = $1 RETURNING name`,
    [name],
  );
  return (Array.isArray(rows[0]) ? rows[0] : rows).length > 0;
}

export async function projectionStatuses(db: Queryable): Promise<ProjectionStatus[]> {
  const rows = await db.query(`
    SELECT c.name, c.global_position, c.transaction_id::text AS transaction_id, c.status, c.last_error, c.updated_at,
           (SELECT count(*) FROM (SELECT 1 FROM events e
              WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position) LIMIT 1000000) x) AS lag_events,
           (SELECT extract(epoch FROM now() - min(e.recorded_at)) FROM (SELECT recorded_at FROM events e
              WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
              ORDER BY e.transaction_id, e.global_position LIMIT 1) e) AS lag_seconds
    FROM projection_checkpoints c ORDER BY c.name`);
  return rows.map((r: any) => ({
    name: r.name,
    position: Number(r.global_position),
    transactionId: r.transaction_id,
    lagEvents: Number(r.lag_events),
    lagSeconds: r.lag_seconds === null ? 0 : Math.max(0, Number(r.lag_seconds)),
    status: r.status,
    lastError: r.last_error,
    updatedAt: r.updated_at,
  }));
}

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
    await this.listen();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  /** Processes until every projection is caught up with what is visible now. For tests and CLI. */
  async drain(): Promise<number> {
    await ensureCheckpoints(this.ds, this.projections.map((p) => p.name));
    let total = 0;
    for (;;) {
      let progressed = 0;
      for (const p of this.projections) progressed += await this.step(p);
      total += progressed;
      if (progressed === 0) return total;
    }
  }

  /** Resets a projection and replays the whole log into it, in this process. */
  async rebuild(name: string): Promise<number> {
    const p = this.projections.find((x) => x.name === name);
    if (!p) throw new Error(`No projection named ${name}`);
    await ensureCheckpoints(this.ds, [name]);
    await requestRebuild(this.ds, name);
    let total = 0;
    for (let n = await this.step(p, true); n > 0 || (await this.isRebuildPending(name)); n = await this.step(p, true)) total += n;
    return total;
  }

  private async isRebuildPending(name: string): Promise<boolean> {
    const rows = await this.ds.query(`SELECT status FROM projection_checkpoints WHERE name = $1`, [name]);
    return rows[0]?.status === 'rebuild_requested';
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
          failures.set(p.name, { attempts, retryAt: Date.now() + Math.min(30_000, 100 * 2 ** Math.min(attempts, 9)) });
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


  /** One transaction: lock the projection, read a batch, apply it, move the checkpoint. */
  private async step(p: Projection, wait = false): Promise<number> {
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
        `SELECT transaction_id::text AS transaction_id, global_position, status FROM projection_checkpoints WHERE name = $1`,
        [p.name],
      );
      if (rows.length === 0) return 0;
      let after: Checkpoint = { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) };
      let reset = false;
      if (rows[0].status === 'rebuild_requested') {
        await p.reset(tx);
        after = { transactionId: '0', globalPosition: 0 };
        reset = true;
        this.opts.logger?.info({ projection: p.name }, 'projection reset for rebuild');
      }
      const { events, checkpoint } = await this.store.readAll({ after, limit: p.batchSize ?? 1000, types: p.types as string[] | undefined }, tx);
      const moved = checkpoint.globalPosition !== after.globalPosition || checkpoint.transactionId !== after.transactionId;
      if (!moved && !reset && rows[0].status === 'running') return 0;
      if (events.length > 0) await p.apply(events, tx);
      await tx.query(
        // A rebuild requested while this batch ran (the row is not locked) must survive it.
        `UPDATE projection_checkpoints SET transaction_id = $2::xid8, global_position = $3,
           status = CASE WHEN status = 'rebuild_requested' AND NOT $4::boolean THEN status ELSE 'running' END,
           last_error = NULL, updated_at = now() WHERE name = $1`,
        [p.name, checkpoint.transactionId, checkpoint.globalPosition, reset],
      );
      if (moved) this.opts.onBatch?.(p.name, events.length, checkpoint);
      return moved ? Math.max(1, events.length) : 0;
    });
  }

  private async recordFailure(name: string, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    await this.ds.query(
      `UPDATE projection_checkpoints SET status = CASE WHEN status = 'rebuild_requested' THEN status ELSE 'failing' END, last_error = $2, updated_at = now() WHERE name = $1`,
      [name, message.slice(0, 500)],
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
