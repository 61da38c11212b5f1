import { EventStore, ProjectionRunner } from '../../libs/event-store/src/index.js';
import { CustomerReadModelsProjection, FollowUpSummaryProjection, StreamCache } from '../../libs/read-models/src/index.js';
import { seconds } from '../support.js';
import type { BenchSuite, Row } from '../types.js';
import { __seed as seed } from './projections.js';

/**
 * A rebuild of the customer read models over a log the projections have applied already (what
 * `POST /ops/projections/customer-read-models/rebuild` or a changed health configuration starts),
 * with a reader reading the portfolio (`customer_health`: its rows, and the customer events their
 * health was computed from) every 20 ms meanwhile: how long it takes, and what a reader saw.
 */
export const rebuildSuite: BenchSuite = {
  name: 'rebuild',
  async run(ctx) {
    const customers = Number(process.env.BENCH_PROJECTION_CUSTOMERS ?? ctx.size(10_000, 1_000));
    const perCustomer = 100;
    const db = await ctx.freshDatabase('rebuild', 10);
    try {
      await seed(ctx, db.ds, customers, perCustomer);
      const store = new EventStore(db.ds);
      const runner = new ProjectionRunner(db.ds, store, [new CustomerReadModelsProjection(new StreamCache(store)), new FollowUpSummaryProjection()]);
      ctx.log(`building the read models from ${customers * perCustomer} events`);
      await runner.drain();
      const read = async () => (await db.ds.query(`SELECT count(*)::int AS rows, coalesce(sum(stream_version), 0)::int AS folded FROM customer_health`))[0] as { rows: number; folded: number };
      const whole = await read();
      const portfolio = whole.rows;

      let reading = true;
      let fewest = portfolio;
      let fewestFolded = whole.folded;
      let partialMs = 0;
      let polls = 0;
      const reader = (async () => {
        while (reading) {
          const t = Date.now();
          const seen = await read();
          polls++;
          fewest = Math.min(fewest, seen.rows);
          fewestFolded = Math.min(fewestFolded, seen.folded);
          await new Promise((r) => setTimeout(r, 20));
          if (seen.rows < portfolio || seen.folded < whole.folded) partialMs += Date.now() - t;
        }
      })();
      ctx.log(`rebuilding customer-read-models (${customers} customers)`);
      const started = process.hrtime.bigint();
      await runner.rebuild('customer-read-models');
      const took = seconds(started);
      reading = false;
      await reader;
      const events = customers * perCustomer;
      const rows: Row[] = [
        {
          measure: `Rebuild of the customer read models over ${events.toLocaleString('en')} events already applied (${took.toFixed(1)} s)`,
          figure: Math.round(events / took),
          unit: 'events/s',
          note: 'runner.rebuild, as `npm run projection:rebuild` runs it; the same log layout as the projections suite',
        },
        {
          measure: `Fewest portfolio rows (customer_health) a reader saw during that rebuild, of ${portfolio.toLocaleString('en')} (${polls} counts, one per 20 ms)`,
          figure: fewest,
          unit: 'rows',
          goal: { atLeast: portfolio },
        },
        {
          measure: `Fewest customer events the portfolio's health reflected (sum of customer_health.stream_version) during that rebuild, of ${whole.folded.toLocaleString('en')}`,
          figure: fewestFolded,
          unit: 'events',
          goal: { atLeast: whole.folded },
        },
        { measure: 'Time a reader saw a partial or empty portfolio during that rebuild', figure: Math.round(partialMs / 100) / 10, unit: 's', goal: { atMost: 0 } },
      ];
      for (const r of rows) ctx.log(`${r.measure}: ${r.figure} ${r.unit}`);
      return rows;
    } finally {
      await db.drop();
    }
  },
};
