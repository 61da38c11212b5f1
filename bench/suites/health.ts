import { computeHealth, foldCustomer, healthHistory, type FoldEvent, type HealthInput } from '../../libs/relationship/src/index.js';
import type { BenchSuite, Row } from '../types.js';

const CHANNELS = ['email', 'phone', 'chat', 'chatbot', 'support_ticket', 'meeting', 'newsletter', 'return', 'survey', 'in_app'];
const TOPICS = ['billing', 'return', 'onboarding', 'delivery'];
const START = Date.parse('2025-12-01T00:00:00Z');
const DAY_MS = 86_400_000;
/** After the last seeded touchpoint, as the projection evaluates (its latest recordedAt). */
const AT = new Date('2026-12-01T00:00:00Z');

/**
 * The projections suite's customers in memory: CustomerRegistered and `perCustomer - 1`
 * touchpoints over a year, the same fields as its SQL seed (channel, direction, topic,
 * resolution and a short transcript on every fourth), folded and scored by the real fold.
 */
export function benchCustomers(customers: number, perCustomer = 100): HealthInput[] {
  const out: HealthInput[] = [];
  for (let ord = 1; ord <= customers; ord++) {
    const cid = `00000000-0000-4000-8000-${String(ord).padStart(12, '0')}`;
    const events: FoldEvent[] = [{ id: `e-${ord}-0`, type: 'CustomerRegistered', recordedAt: AT, data: { customerId: cid, externalId: `bench-${ord}`, name: `Customer ${ord}`, createdVia: 'api' } }];
    for (let k = 1; k < perCustomer; k++) {
      const occurredAt = new Date(START + (k * 365 * DAY_MS) / perCustomer + (ord % 1440) * 60_000);
      events.push({
        id: `e-${ord}-${k}`,
        type: 'TouchpointRecorded',
        recordedAt: AT,
        data: {
          id: `t-${ord}-${k}`,
          customerId: cid,
          channel: CHANNELS[(k + ord) % CHANNELS.length],
          direction: k % 3 === 0 ? 'outbound' : 'inbound',
          initiatedBy: k % 3 === 0 ? 'company' : 'customer',
          handledBy: (k + ord) % 4 === 0 ? 'automation' : 'human',
          occurredAt: `${occurredAt.toISOString().slice(0, 19)}Z`,
          topic: TOPICS[(k * 7 + ord) % 4],
          resolved: k % 5 !== 0,
          ...(k % 4 === 1
            ? {
                transcript: [
                  { speaker: 'agent', text: 'Hi, how are things going with the delivery? Tell me more.' },
                  { speaker: 'customer', text: 'Mostly fine, but the last invoice was wrong and I had to call twice about it.' },
                ],
              }
            : {}),
        },
      });
    }
    out.push(foldCustomer(events).input);
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** µs per call, the median over `rounds` rounds of one call per input. */
function perCall(inputs: readonly HealthInput[], rounds: number, call: (i: HealthInput) => unknown): number {
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (const i of inputs) call(i);
    perRound.push(Number(process.hrtime.bigint() - t0) / 1000 / inputs.length);
  }
  return median(perRound);
}

export interface HealthFigures {
  /** computeHealth on the same touchpoints array again (the kept columns are reused). */
  repeatedUs: number;
  /** computeHealth on a fresh copy of the array (prepared from scratch). */
  coldUs: number;
  /** healthHistory, 366 daily points over 1,000 touchpoints. */
  history1000Ms: number;
}

/** The health micro-benchmark: pure code on one core, no database. */
export function measureHealth({ customers = 300, rounds = 40 } = {}): HealthFigures {
  const inputs = benchCustomers(customers);
  const fresh = (i: HealthInput): HealthInput => ({ ...i, touchpoints: [...i.touchpoints] });
  // Warm-up (JIT), not measured.
  perCall(inputs, 10, (i) => computeHealth(i, AT));
  perCall(inputs, 10, (i) => computeHealth(fresh(i), AT));
  const repeatedUs = perCall(inputs, rounds, (i) => computeHealth(i, AT));
  const coldUs = perCall(inputs, rounds, (i) => computeHealth(fresh(i), AT));
  const big = benchCustomers(1, 1001)[0];
  const from = new Date(AT.getTime() - 365 * DAY_MS);
  healthHistory(big, from, AT, 'day');
  const history1000Ms = perCall([big], 9, (i) => healthHistory(fresh(i), from, AT, 'day')) / 1000;
  return { repeatedUs, coldUs, history1000Ms };
}

const r1 = (v: number) => Math.round(v * 10) / 10;

export const healthSuite: BenchSuite = {
  name: 'health',
  async run(ctx) {
    const f = measureHealth({ rounds: ctx.size(40, 5) });
    const note = 'one core, pure code; 300 customers of the projections seed (~99 touchpoints each), median of rounds over all of them';
    const rows: Row[] = [
      { measure: 'computeHealth, ~99 touchpoints, the same array again (kept columns)', figure: r1(f.repeatedUs), unit: 'µs', note },
      { measure: 'computeHealth, ~99 touchpoints, a fresh array (cold)', figure: r1(f.coldUs), unit: 'µs' },
      { measure: 'healthHistory, 366 daily points, 1,000 touchpoints', figure: r1(f.history1000Ms), unit: 'ms' },
    ];
    return rows;
  },
};
