import pg from 'pg';
import { v4 as uuid } from 'uuid';
import type { NewEvent, Projection, Queryable, StoredEvent } from '../../libs/event-store/src/index.js';

export const newEvent = (type = 'TestHappened', data: unknown = { n: 1 }): NewEvent => ({
  id: uuid(),
  type,
  data,
  metadata: { correlationId: uuid(), actorId: 'test', occurredAt: '2026-11-01T10:00:00.000Z' },
});

/** A raw pg client as a Queryable (rows for every statement), to hold a transaction open by hand. */
export async function rawClient(url: string): Promise<pg.Client & { q: Queryable }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const q: Queryable = { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params as any[])).rows };
  return Object.assign(client, { q });
}

/** Records what it was given, in memory: a live subscriber for order and exactly-once checks. */
export class RecordingProjection implements Projection {
  readonly seen: StoredEvent[] = [];
  constructor(readonly name: string, readonly types?: string[], readonly batchSize?: number) {}
  async apply(events: StoredEvent[]) {
    this.seen.push(...events);
  }
  async reset() {
    this.seen.length = 0;
  }
}

/**
 * A projection with tables of its own whose content depends on event order: `<prefix>_log`
 * numbers events in the order applied, `<prefix>_totals` sums per stream. `hook` runs inside
 * the transaction after the batch's rows are written (to simulate a crash there).
 */
export class TableProjection implements Projection {
  constructor(
    readonly name: string,
    private readonly prefix: string,
    readonly batchSize = 7,
    public hook?: (events: StoredEvent[], tx: Queryable) => Promise<void>,
  ) {}

  static async createTables(db: Queryable, prefix: string) {
    await db.query(`CREATE TABLE ${prefix}_log (seq int NOT NULL, event_id uuid NOT NULL, stream_id text NOT NULL, n int NOT NULL)`);
    await db.query(`CREATE TABLE ${prefix}_totals (stream_id text PRIMARY KEY, total int NOT NULL, events int NOT NULL, last_seq int NOT NULL)`);
  }

  async apply(events: StoredEvent[], tx: Queryable) {
    for (const e of events) {
      const [{ seq }] = await tx.query(`SELECT coalesce(max(seq), 0) + 1 AS seq FROM ${this.prefix}_log`);
      await tx.query(`INSERT INTO ${this.prefix}_log (seq, event_id, stream_id, n) VALUES ($1, $2, $3, $4)`, [seq, e.id, e.streamId, e.data.n]);
      await tx.query(
        `INSERT INTO ${this.prefix}_totals (stream_id, total, events, last_seq) VALUES ($1, $2, 1, $3)
         ON CONFLICT (stream_id) DO UPDATE SET total = ${this.prefix}_totals.total + $2, events = ${this.prefix}_totals.events + 1, last_seq = $3`,
        [e.streamId, e.data.n, seq],
      );
    }
    await this.hook?.(events, tx);
  }

  async reset(tx: Queryable) {
    await tx.query(`DELETE FROM ${this.prefix}_log`);
    await tx.query(`DELETE FROM ${this.prefix}_totals`);
  }

  static async contents(db: Queryable, prefix: string) {
    return {
      log: await db.query(`SELECT seq, event_id, stream_id, n FROM ${prefix}_log ORDER BY seq`),
      totals: await db.query(`SELECT stream_id, total, events, last_seq FROM ${prefix}_totals ORDER BY stream_id`),
    };
  }
}

export { eventually } from '../support/eventually.js';
