import type { BenchSuite } from '../types.js';
import { eventStoreSuite } from './event-store.js';
import { projectionsSuite } from './projections.js';
import { ingestSuite } from './ingest.js';
import { followUpsSuite } from './follow-ups.js';
import { scoringSuite } from './scoring.js';
import { healthSuite } from './health.js';
import { serviceSuite } from './service.js';
import { rebuildSuite } from './rebuild.js';

/**
 * Every suite `npm run bench` runs, in order, after the raw baseline (bench/pg-baseline.sh).
 *
 * To add a suite: create `bench/suites/<area>.ts` exporting a `BenchSuite`
 * (`{ name, async run(ctx) { ...; return rows } }`), import it here and append it to the list
 * (one line each; keep the others untouched). Inside `run`:
 * - `const db = await ctx.freshDatabase('<area>')` gives a migrated database of its own;
 *   `await db.drop()` in a `finally`. Use a QUEUE_PREFIX of your own for BullMQ.
 * - `ctx.size(full, quick)` picks sizes; BENCH_QUICK=1 must finish in well under a minute.
 *   The whole `npm run bench` must stay under 15 minutes: budget about 2 minutes per suite.
 * - `ctx.log('...')` for progress. Return rows `{ measure, figure, unit, baselineKey?, goal?, note? }`:
 *   with `baselineKey` (a `baseline <name>` line of pg-baseline.sh) the table shows the ratio;
 *   `goal` is `{ minRatio }`, `{ atLeast }`, `{ atMost }` (e.g. a p95 latency in ms) or `{ text }`.
 * - Measure through the real code path (HTTP via autocannon, the real worker, the event store),
 *   never a mock; no assertions here: tests do that.
 */
export const SUITES: BenchSuite[] = [
  eventStoreSuite,
  projectionsSuite,
  ingestSuite,
  followUpsSuite,
  scoringSuite,
  healthSuite,
  serviceSuite,
  rebuildSuite,
];
