// What the product will show for the demo, computed in-process with the product's own pure code
// (the customer fold, the silence check's facts, computeHealth): a quick way to see the story →
// band confusion without a running stack, and the check behind test/demo-texts.test.ts.
// `node dist/scripts/demo/simulate.js [customers] [perCustomer]` prints the confusion.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeHealth, foldCustomer, quietThresholds, silenceFacts, type FoldEvent } from '../../libs/relationship/src/index.js';
import { deterministicId } from '../../libs/shared/src/clock.js';
import { demoCustomer, DAY, HOUR, STORIES, type DemoCustomer, type Story } from './stories.js';
import { generateTouchpoints, type DemoTouchpoint } from './touchpoints.js';

export const AM_NAMES = ['Kari Nordmann', 'Ola Hansen', 'Emma Wilson', 'James Carter'];

export interface SimulatedCustomer {
  customer: DemoCustomer;
  touchpoints: DemoTouchpoint[];
  score: number;
  band: 'green' | 'yellow' | 'red';
  churn: number;
}

/** The customer's events as the log will hold them (recorded now), scored and checked for silence. */
export function simulateCustomer(c: DemoCustomer, perCustomer: number, now: Date, seed = 'v2'): SimulatedCustomer {
  const { touchpoints } = generateTouchpoints(c, perCustomer, AM_NAMES[c.amIndex], now, seed);
  const customerId = `sim-${c.index}`;
  const recordedAt = now.toISOString();
  const events: FoldEvent[] = [
    { id: `${customerId}-reg`, type: 'CustomerRegistered', recordedAt, data: { customerId, externalId: c.externalId, name: c.name, segment: c.segment, renewalDate: renewalDateOf(c, now), annualValue: c.annualValue } },
    ...touchpoints.map((tp) => ({ id: tp.id, type: 'TouchpointRecorded', recordedAt, data: { ...tp, customerId } })),
    ...c.outcomes.map((o, k) => ({ id: `${customerId}-o${k}`, type: 'OutcomeRecorded', recordedAt, data: { customerId, outcomeId: `${customerId}-o${k}`, outcome: o.type, occurredAt: outcomeAt(o.daysAgo, now) } })),
  ];
  const fold = foldCustomer(events);
  const found = silenceFacts(customerId, events, fold, now, quietThresholds('30,60,90'), deterministicId);
  const all = [...events, ...found.map((f) => ({ id: f.id, type: f.type, recordedAt, data: f.data }))];
  const view = computeHealth(foldCustomer(all).input, now);
  return { customer: c, touchpoints, score: view.score, band: view.band, churn: view.churnRisk.probability };
}

/** The next renewal date (a calendar day); for a churned customer, the day the contract ended. */
export function renewalDateOf(c: DemoCustomer, now: Date): string {
  return new Date(Math.floor(now.getTime() / DAY) * DAY + c.renewalInDays * DAY).toISOString().slice(0, 10);
}

/** An outcome lands at 10:00 UTC on its calendar day. */
export function outcomeAt(daysAgo: number, now: Date): string {
  return new Date(Math.floor(now.getTime() / DAY) * DAY - daysAgo * DAY + 10 * HOUR).toISOString();
}

export type Confusion = Record<Story, Record<'green' | 'yellow' | 'red', number>>;

export function confusionOf(rows: { story: Story; band: 'green' | 'yellow' | 'red' }[]): Confusion {
  const m = Object.fromEntries(STORIES.map((s) => [s, { green: 0, yellow: 0, red: 0 }])) as Confusion;
  for (const r of rows) m[r.story][r.band]++;
  return m;
}

export function formatConfusion(m: Confusion): string {
  const lines = ['story        green  yellow    red  total'];
  const tot = { green: 0, yellow: 0, red: 0 };
  for (const s of STORIES) {
    const r = m[s];
    const n = r.green + r.yellow + r.red;
    tot.green += r.green;
    tot.yellow += r.yellow;
    tot.red += r.red;
    lines.push(`${s.padEnd(12)} ${String(r.green).padStart(5)} ${String(r.yellow).padStart(7)} ${String(r.red).padStart(6)} ${String(n).padStart(6)}`);
  }
  const n = tot.green + tot.yellow + tot.red;
  const pct = (x: number) => (n ? `${Math.round((100 * x) / n)}%` : '-');
  lines.push(`${'all'.padEnd(12)} ${String(tot.green).padStart(5)} ${String(tot.yellow).padStart(7)} ${String(tot.red).padStart(6)} ${String(n).padStart(6)}`);
  lines.push(`${'share'.padEnd(12)} ${pct(tot.green).padStart(5)} ${pct(tot.yellow).padStart(7)} ${pct(tot.red).padStart(6)}`);
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 200);
  const per = Number(process.argv[3] ?? 90);
  const now = new Date();
  const rows = Array.from({ length: n }, (_, i) => simulateCustomer(demoCustomer(i), per, now));
  process.stdout.write(`${formatConfusion(confusionOf(rows.map((r) => ({ story: r.customer.story, band: r.band }))))}\n`);
  const tps = rows.reduce((s, r) => s + r.touchpoints.length, 0);
  process.stdout.write(`touchpoints: ${tps} (${(tps / n).toFixed(1)} per customer)\n`);
  const zero = rows.filter((r) => r.score === 0 && !r.customer.outcomes.some((o) => o.type === 'churned')).map((r) => `${r.customer.externalId} (${r.customer.story})`);
  process.stdout.write(`score 0 without a churn outcome: ${zero.join(', ') || 'none'}\n`);
  for (const s of STORIES) {
    const sc = rows.filter((r) => r.customer.story === s).map((r) => r.score).sort((a, b) => a - b);
    process.stdout.write(`${s.padEnd(12)} scores ${sc.join(' ')}\n`);
  }
}
