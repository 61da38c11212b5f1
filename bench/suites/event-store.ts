import { randomUUID } from 'node:crypto';
import { alreadyDecided, EventStore, ProjectionRunner, type DecidedEvent, type Projection, type StoredEvent } from '../../libs/event-store/src/index.js';
import { forDuration, seconds } from '../support.js';
import type { BenchSuite, Row } from '../types.js';

// The same payload as the baseline's rows (bench/pg-baseline.sh), so the ratio compares like with like.
const DATA = {
  channel: 'email',
  direction: 'inbound',
  initiatedBy: 'customer',
  handledBy: 'human',
  occurredAt: '2026-11-01T10:00:00Z',
  durationSeconds: 300,
  summary: 'The customer asked about returning an order; the agent called back and solved it.',
};
const event = (): DecidedEvent => ({ id: randomUUID(), type: 'TouchpointRecorded', data: DATA });
/** Who writes: a new correlation per call, as requests have. */
const by = () => ({ correlationId: randomUUID(), actorId: 'bench' });

/** A trivial projection: counts what it is given, writes nothing (the read path is measured). */
class CountingProjection implements Projection {
  seen = 0;
  constructor(
    readonly name: string,
    readonly batchSize: number,
  ) {}
  async apply(events: StoredEvent[]) {
    this.seen += events.length;
  }
  async reset() {
    this.seen = 0;
  }
}

export const eventStoreSuite: BenchSuite = {
  name: 'event-store',
  async run(ctx) {
    const rows: Row[] = [];
    const secs = ctx.size(10, 3);

    const writes = await ctx.freshDatabase('event_store_append', 16);
    try {
      const store = new EventStore(writes.ds);
      ctx.log(`appends through the seam, one event per call, 8 callers, ${secs}s`);
      const one = await forDuration(secs, 8, () => store.handle(`customer-${randomUUID()}`, alreadyDecided, [event()], by()));
      rows.push({
        measure: 'EventStore.handle, 1 event per call, new stream each, 8 concurrent callers',
        figure: Math.round(one.calls / one.elapsed),
        unit: 'events/s',
        baselineKey: 'pg_insert_one_event_per_txn_per_s',
        goal: { minRatio: 0.5 },
      });

      ctx.log(`appends through the seam, batches of 100, 4 callers, ${secs}s`);
      const batch = await forDuration(secs, 4, () => store.handle(`customer-${randomUUID()}`, alreadyDecided, Array.from({ length: 100 }, event), by()));
      rows.push({
        measure: 'EventStore.handle, batches of 100 events, 4 concurrent callers',
        figure: Math.round((batch.calls * 100) / batch.elapsed),
        unit: 'events/s',
        baselineKey: 'pg_insert_events_in_batches_of_100_per_s',
        goal: { minRatio: 0.4 },
      });
    } finally {
      await writes.drop();
    }

    const total = ctx.size(1_000_000, 100_000);
    const reads = await ctx.freshDatabase('event_store_read', 4);
    try {
      ctx.log(`seeding ${total} events with generate_series`);
      const chunk = 100_000;
      for (let from = 1; from <= total; from += chunk) {
        const to = Math.min(total, from + chunk - 1);
        // stream_version = position within one of 10,000 streams; one transaction per chunk
        await reads.ds.query(
          `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
           SELECT gen_random_uuid(), 'customer-' || (g % 10000), g / 10000 + 1, 'TouchpointRecorded', 1, $3::jsonb,
                  jsonb_build_object('correlationId', gen_random_uuid(), 'actorId', 'bench')
           FROM generate_series($1::int, $2::int) g`,
          [from, to, JSON.stringify(DATA)],
        );
      }
      await reads.ds.query('VACUUM ANALYZE events');
      const batchSize = Number(process.env.BENCH_READ_BATCH ?? 5000);
      const projection = new CountingProjection('bench-counter', batchSize);
      const runner = new ProjectionRunner(reads.ds, new EventStore(reads.ds), [projection]);
      ctx.log(`projection runner reading ${total} events (batches of ${batchSize})`);
      const started = process.hrtime.bigint();
      // drain() stops when nothing more is visible; another transaction on the server may hold the horizon back briefly
      while (projection.seen < total) {
        if ((await runner.drain()) === 0) await new Promise((r) => setTimeout(r, 20));
      }
      const elapsed = seconds(started);
      rows.push({
        measure: `ProjectionRunner over ${total.toLocaleString('en')} events (trivial projection, batches of ${batchSize})`,
        figure: Math.round(total / elapsed),
        unit: 'events/s',
        baselineKey: 'pg_read_events_in_order_per_s',
        goal: { minRatio: 0.2 },
      });
    } finally {
      await reads.drop();
    }
    return rows;
  },
};
