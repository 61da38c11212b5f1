// The health micro-benchmark alone, without the database baseline and without writing
// BENCHMARKS.md: `npm run build && node dist/bench/health-micro.js [runs]`.
import { measureHealth } from './suites/health.js';

const runs = Number(process.argv[2] ?? 3);
for (let r = 0; r < runs; r++) {
  const f = measureHealth();
  process.stdout.write(`computeHealth repeated ${f.repeatedUs.toFixed(1)} µs · cold ${f.coldUs.toFixed(1)} µs · healthHistory 366 days × 1,000 touchpoints ${f.history1000Ms.toFixed(1)} ms\n`);
}
