import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Projection, Queryable, StoredEvent } from '../../event-store/src/index.js';
import { computeHealth, internScore, SCORING_MODEL_VERSION, type HealthConfig, type RelationalScore } from '../../relationship/src/index.js';
import { healthRow, type HealthRow } from './customer-health.js';
import { loadHealthConfig } from './health-config.js';
import { recordModel, STORED_MODELS } from './model-versions.js';
import { customerIdOf } from './stream-ids.js';
import type { StreamCache } from './stream-cache.js';
import { CUSTOMER_EVENT_TYPES } from '../../relationship/src/index.js';
import { groupByStream, relationalScoreId, timelineChanges, type TimelineRow } from './timeline.js';

/**
 * The lease group (`projection_bucket_leases.runner`) the worker processes share the buckets of
 * the partitioned read models (this one and the follow-up summary) under; /ops/projections reads
 * who holds them from it.
 */
export const READ_MODELS_LEASE_RUNNER = 'read-models';

/** Customers per chunk: the chunk's rows go to Postgres while the next chunk is folded. */
const CHUNK_CUSTOMERS = 250;
/**
 * A chunk also ends after this much folding: the event loop is shared with the worker's other
 * runners (the follow-up relay, the follow-up list), whose latency is what an account manager
 * sees, and a whole chunk of folding is too long to hold it.
 */
const CHUNK_MS = 10;
/**
 * Rows gathered before they go to Postgres as one statement: a catching-up batch yields every
 * chunk but writes in fewer, larger statements (more rows per second than chunk-sized ones); a
 * live batch is smaller and goes in one.
 */
const FLUSH_ROWS = 2000;

/**
 * The customer read models, from one fold per customer and batch, written in one transaction
 * with the checkpoint:
 * - `customer_timeline`: one row per customer event (the payload stays in `events`; a read
 *   joins it), touchpoints with their relational score (by id: each distinct score is stored
 *   once in `relational_scores`)
 *   (rows whose score a new event changed — a reply, an "unanswered" fact, a late arrival inside
 *   the history window, a name change — are rewritten);
 * - `customer_health`: the portfolio row (details, health, band, trend, churn risk, drivers),
 *   evaluated at the latest recordedAt of the stream: a time from the log, never the wall clock,
 *   so a rebuild writes the same rows.
 *
 * One projection rather than two: both need the same fold, and each projection reads the log
 * on its own, so two would read every customer event twice.
 */
export class CustomerReadModelsProjection implements Projection {
  readonly name = 'customer-read-models';
  readonly types = CUSTOMER_EVENT_TYPES;
  /** Each customer's rows come from that customer's stream alone: run per bucket, in parallel across processes. */
  readonly partitioned = true;
  /** Large batches when catching up: a customer's stream is folded once per batch it appears in. */
  readonly batchSize = 50_000;
  /** What a rebuild replays into shadow copies of (no other projection reads them). */
  readonly tables = ['customer_timeline', 'customer_health', 'relational_scores'];

  /**
   * `config`: a fixed health configuration (tests, benches); without one, each batch takes the
   * configuration in force (`health_config`), whose every change also asks for a rebuild.
   */
  constructor(
    private readonly cache: StreamCache,
    private readonly config?: HealthConfig,
  ) {}

  async apply(events: StoredEvent[], tx: Queryable): Promise<void> {
    const groups = groupByStream(events);
    if (groups.size === 0) return;
    // The batch usually continues what the cache holds: take it from there, not from a second read.
    this.cache.offer(events);
    const streams = await this.cache.load(tx, new Map([...groups].map(([s, g]) => [s, g.upTo])));
    // Customers whose fold is not in memory (a restart, an evicted stream) are restored from the
    // log plus the scores this projection already stored, instead of scoring their history again.
    const firsts = new Map<string, number>();
    const restore: string[] = [];
    for (const [streamId, g] of groups) {
      const stream = streams.get(streamId) ?? [];
      let first = stream.findIndex((e) => g.ids.has(e.id));
      if (first < 0) first = stream.length;
      firsts.set(streamId, first);
      if (this.cache.needsRestore(streamId, first)) restore.push(customerIdOf(streamId)!);
    }
    const known = await storedScores(tx, restore);
    const config = this.config ?? (await loadHealthConfig(tx)).config;
    const writes = new PendingWrites();
    let inserts: TimelineRow[] = [];
    let updates: { event_id: string; relational: RelationalScore }[] = [];
    let health: HealthRow[] = [];
    const flush = () => {
      if (inserts.length > 0) {
        const rows = inserts;
        writes.add(() => insertTimeline(tx, rows));
      }
      if (updates.length > 0) {
        const rows = updates;
        writes.add(() => updateTimeline(tx, rows));
      }
      if (health.length > 0) {
        const rows = health;
        writes.add(() => upsertHealth(tx, rows));
      }
      inserts = [];
      updates = [];
      health = [];
    };
    let inChunk = 0;
    let chunkStarted = performance.now();
    for (const [streamId, g] of groups) {
      const stream = streams.get(streamId) ?? [];
      if (stream.length === 0) continue;
      const customerId = customerIdOf(streamId)!;
      // The state is brought to just before the batch's first event of this stream (what earlier
      // batches projected), then extended with the rest: only what this batch changes is rewritten.
      const first = firsts.get(streamId)!;
      let row: HealthRow;
      let r: ReturnType<typeof timelineChanges>;
      try {
        const state = this.cache.foldState(streamId, stream, first, known);
        r = timelineChanges(customerId, state, stream.slice(first), g.ids);
        row = healthRow(customerId, r.fold, computeHealth(r.fold.input, new Date(r.fold.lastRecordedAt!), config), stream.length);
      } catch (err) {
        // Half-extended: never reuse it (the runner isolates the event that made it throw).
        this.cache.dropFold(streamId);
        throw err;
      }
      for (const t of r.inserts) inserts.push(t);
      for (const u of r.updates) updates.push(u);
      health.push(row);
      if (++inChunk >= CHUNK_CUSTOMERS || performance.now() - chunkStarted >= CHUNK_MS) {
        inChunk = 0;
        if (inserts.length + updates.length >= FLUSH_ROWS || health.length >= CHUNK_CUSTOMERS) flush();
        // Let the driver send the chunk now, so Postgres writes while this process folds on
        // (and the process's other runners get their turn).
        await yieldToLoop();
        writes.throwIfFailed();
        chunkStarted = performance.now();
      }
    }
    flush();
    await writes.settle();
  }

  /** The shadow replay folds every customer from the start: a cache of its own keeps the live folds where they are. */
  forShadow(): CustomerReadModelsProjection {
    return new CustomerReadModelsProjection(this.cache.sibling(), this.config);
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query('TRUNCATE customer_timeline, customer_health, relational_scores');
    // Rebuilt from here on by the models in force (see rebuildOnModelChange).
    for (const model of STORED_MODELS) await recordModel(tx, model);
  }
}

/**
 * Statements on the batch's transaction, issued one after the other without the caller waiting
 * for each: the next goes out when the previous is done (one connection runs one statement at a
 * time), while the caller folds the next chunk. After the first failure nothing more is sent
 * and `settle` rethrows it (the transaction is then rolled back whole).
 */
class PendingWrites {
  private tail: Promise<void> = Promise.resolve();
  private error: unknown;

  add(statement: () => Promise<unknown>): void {
    this.tail = this.tail.then(async () => {
      if (this.error !== undefined) return;
      try {
        await statement();
      } catch (err) {
        this.error = err;
      }
    });
  }

  throwIfFailed(): void {
    if (this.error !== undefined) throw this.error;
  }

  async settle(): Promise<void> {
    await this.tail;
    this.throwIfFailed();
  }
}

/** The relational scores the timeline holds for these customers' touchpoints (what earlier batches computed). */
export async function storedScores(tx: Queryable, customerIds: string[]): Promise<Map<string, RelationalScore>> {
  const known = new Map<string, RelationalScore>();
  if (customerIds.length === 0) return known;
  // Each distinct score comes once (a customer's hundred touchpoints share a few dozen scores),
  // then the rows name theirs by id: a restore parses a score once, not once per touchpoint.
  const rows = await tx.query(
    `WITH t AS (SELECT event_id, relational_id FROM customer_timeline WHERE customer_id = ANY($1::uuid[]) AND relational_id IS NOT NULL)
     SELECT NULL::uuid AS event_id, r.id AS relational_id, r.score FROM relational_scores r WHERE r.id IN (SELECT relational_id FROM t)
     UNION ALL
     SELECT event_id, relational_id, NULL FROM t`,
    [customerIds],
  );
  // Shared copies, as the fold's own scores are.
  const scores = new Map<string, RelationalScore>();
  for (const r of rows) if (r.event_id === null) scores.set(r.relational_id, internScore(r.score));
  // A score from another scoring model is not taken: the fold scores that touchpoint afresh.
  for (const r of rows) {
    const s = r.event_id !== null ? scores.get(r.relational_id) : undefined;
    if (s && s.model === SCORING_MODEL_VERSION) known.set(r.event_id, s);
  }
  return known;
}

/**
 * The scores the rows refer to, each distinct one once, for the statement that writes the rows:
 * it stores the ones `relational_scores` lacks first (a CTE; the foreign key is checked at the
 * end of the statement).
 */
function withScores<R extends { relational: RelationalScore | null }>(rows: R[]): { rows: (Omit<R, 'relational'> & { relational_id: string | null })[]; scores: { id: string; score: RelationalScore }[] } {
  const scores = new Map<string, RelationalScore>();
  const out = rows.map(({ relational, ...row }) => {
    if (relational === null) return { ...row, relational_id: null };
    const id = relationalScoreId(relational);
    scores.set(id, relational);
    return { ...row, relational_id: id };
  });
  return { rows: out, scores: [...scores].map(([id, score]) => ({ id, score })) };
}

const STORE_SCORES = `WITH s AS (INSERT INTO relational_scores (id, score) SELECT * FROM jsonb_to_recordset($2::jsonb) AS s(id uuid, score jsonb) ON CONFLICT (id) DO NOTHING)`;

function insertTimeline(tx: Queryable, rows: TimelineRow[]): Promise<unknown> {
  const w = withScores(rows);
  return tx.query(
    `${STORE_SCORES}
     INSERT INTO customer_timeline (event_id, customer_id, position, stream_version, type, occurred_at, recorded_at, relational_id)
     SELECT x.event_id, x.customer_id, x.position, x.stream_version, x.type, x.occurred_at, x.recorded_at, x.relational_id
     FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, customer_id uuid, position bigint, stream_version int, type text,
       occurred_at timestamptz, recorded_at timestamptz, relational_id uuid)
     ON CONFLICT (event_id) DO UPDATE SET relational_id = EXCLUDED.relational_id`,
    [JSON.stringify(w.rows), JSON.stringify(w.scores)],
  );
}

function updateTimeline(tx: Queryable, rows: { event_id: string; relational: RelationalScore }[]): Promise<unknown> {
  const w = withScores(rows);
  return tx.query(
    `${STORE_SCORES}
     UPDATE customer_timeline t SET relational_id = x.relational_id
     FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, relational_id uuid)
     WHERE t.event_id = x.event_id AND t.relational_id IS DISTINCT FROM x.relational_id`,
    [JSON.stringify(w.rows), JSON.stringify(w.scores)],
  );
}

function upsertHealth(tx: Queryable, rows: HealthRow[]): Promise<unknown> {
  return tx.query(
    `INSERT INTO customer_health AS h (customer_id, external_id, name, segment, account_manager_id, renewal_date, annual_value, score, band,
       trend30d, churn_probability, churn_level, drivers, notes, churn_drivers, last_relational_contact_at, churned_at, events_considered, evaluated_at, stream_version)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(customer_id uuid, external_id text, name text, segment text, account_manager_id uuid,
       renewal_date date, annual_value numeric, score int, band text, trend30d int, churn_probability double precision, churn_level text,
       drivers jsonb, notes jsonb, churn_drivers jsonb, last_relational_contact_at timestamptz, churned_at timestamptz, events_considered int, evaluated_at timestamptz, stream_version int)
     ON CONFLICT (customer_id) DO UPDATE SET external_id = EXCLUDED.external_id, name = EXCLUDED.name, segment = EXCLUDED.segment,
       account_manager_id = EXCLUDED.account_manager_id, renewal_date = EXCLUDED.renewal_date, annual_value = EXCLUDED.annual_value,
       score = EXCLUDED.score, band = EXCLUDED.band, trend30d = EXCLUDED.trend30d, churn_probability = EXCLUDED.churn_probability,
       churn_level = EXCLUDED.churn_level, drivers = EXCLUDED.drivers, notes = EXCLUDED.notes, churn_drivers = EXCLUDED.churn_drivers,
       last_relational_contact_at = EXCLUDED.last_relational_contact_at, churned_at = EXCLUDED.churned_at, events_considered = EXCLUDED.events_considered,
       evaluated_at = EXCLUDED.evaluated_at, stream_version = EXCLUDED.stream_version`,
    [JSON.stringify(rows)],
  );
}
