import fc from 'fast-check';
import { DEFAULT_HEALTH_CONFIG, computeHealth, healthConfig } from './index.js';
import { AT, arbInput, arbInputWith, arbTouchpoint, input, neutral, outcome, relational, tp, transactional, unanswered } from './spec-helpers.js';

const risk = (i: Parameters<typeof computeHealth>[0], config = DEFAULT_HEALTH_CONFIG) => computeHealth(i, AT, config).churnRisk;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('churn risk', () => {
  it('given no data, then the probability is the intercept alone and the level low', () => {
    const r = risk(input());
    expect(r.probability).toBeCloseTo(sigmoid(DEFAULT_HEALTH_CONFIG.churn.intercept), 4);
    expect(r.level).toBe('low');
    expect(r.drivers).toEqual([]);
  });

  it('given a close, recent relationship, then risk is low', () => {
    const r = risk(input({ touchpoints: [relational('a', 2), relational('b', 9), neutral('c', 15)] }));
    expect(r.level).toBe('low');
    expect(r.probability).toBeLessThan(0.1);
  });

  it('given a drifting customer, then risk is high and the top drivers name their events, largest first', () => {
    const i = input({
      touchpoints: [
        relational('r', 75),
        transactional('t1', 20),
        transactional('t2', 14),
        transactional('t3', 7),
        tp('s', 5, { cls: 'transactional', score: 10, survey: { kind: 'nps', score: 2 } }),
      ],
      facts: [unanswered('f', 3, 't3')],
    });
    const r = risk(i);
    expect(r.level).toBe('high');
    expect(r.drivers.length).toBeGreaterThan(0);
    expect(r.drivers.length).toBeLessThanOrEqual(DEFAULT_HEALTH_CONFIG.churn.topDrivers);
    const effects = r.drivers.map((d) => d.effect);
    expect(effects).toEqual([...effects].sort((a, b) => b - a));
    expect(effects.every((e) => e > 0)).toBe(true);
    expect(r.drivers.find((d) => /no relational contact for 75 days/.test(d.factor))?.eventIds).toEqual(['r']);
    expect(r.drivers.find((d) => /4 transactional contacts in a row/.test(d.factor))?.eventIds).toEqual(['s', 't3', 't2', 't1']);
  });

  it('given the customer churned, then the probability is near 1 with the churn as the top driver', () => {
    const r = risk(input({ touchpoints: [relational('a', 2)], outcomes: [outcome('o', 10, 'churned')] }));
    expect(r.probability).toBeGreaterThan(0.95);
    expect(r.level).toBe('high');
    expect(r.drivers[0]).toEqual({ factor: 'churned on 22 Oct 2026', effect: DEFAULT_HEALTH_CONFIG.churn.coefficients.churned, eventIds: ['o'] });
  });

  it('given a renewal is near, then risk rises; given a recent renewal, then it falls', () => {
    const tps = [relational('a', 20), transactional('t', 5)];
    const base = risk(input({ touchpoints: tps })).probability;
    const near = risk(input({ touchpoints: tps, customer: { name: 'K', renewalDate: '2026-11-10' } }));
    expect(near.probability).toBeGreaterThan(base);
    expect(near.drivers.some((d) => /^renewal in 9 days/.test(d.factor))).toBe(true);
    expect(risk(input({ touchpoints: tps, outcomes: [outcome('w', 30, 'renewed')] })).probability).toBeLessThan(base);
  });

  it('given configured level cut-offs, then the level follows them', () => {
    const i = input({ touchpoints: [relational('a', 2)] });
    const p = risk(i).probability;
    expect(risk(i, healthConfig({ churn: { levels: { medium: p / 2, high: p } } })).level).toBe('high');
    expect(risk(i, healthConfig({ churn: { levels: { medium: p, high: Math.min(0.99, p * 2) } } })).level).toBe('medium');
  });

  it('given the coefficients, then p = 1/(1+exp(−(b0 + Σ bi·xi))) — checked for one hand-computed case', () => {
    // 1 relational contact 60 days ago, then 2 transactional: months 2, share 2/3, streak 2.
    const r = risk(input({ touchpoints: [relational('a', 60), transactional('t1', 10), transactional('t2', 5)] }));
    const b = DEFAULT_HEALTH_CONFIG.churn.coefficients;
    // The 2 transactional contacts are no engaged contacts; baseline span is too short for a frequency term.
    const logit = DEFAULT_HEALTH_CONFIG.churn.intercept + b.monthsSinceRelational * 2 + b.transactionalShare90d * (2 / 3) + b.transactionalStreak * 2;
    expect(r.probability).toBeCloseTo(sigmoid(logit), 4);
  });

  it.each([
    ['anywhere in a sparse history', arbInput, 400],
    ['recently, in a dense history', arbInputWith({ maxTouchpoints: 60, maxDaysAgo: 240 }), 40],
  ])('property: more transactional contacts (%s) never lower the churn probability', (_, arb, extraMaxDaysAgo) => {
    fc.assert(
      fc.property(arb, fc.array(arbTouchpoint('extra', 'transactional', extraMaxDaysAgo), { minLength: 1, maxLength: 5 }), (i, extra) => {
        const more = { ...i, touchpoints: [...i.touchpoints, ...extra.map((t, k) => ({ ...t, eventId: `extra-${k}`, touchpoint: { ...t.touchpoint, id: `extra-${k}` } }))] };
        expect(risk(more).probability).toBeGreaterThanOrEqual(risk(i).probability);
      }),
      { numRuns: 300 },
    );
  });

  it('given a steady baseline, then bot volume in the last 30 days does not hide a frequency drop (no lower risk)', () => {
    const baseline = Array.from({ length: 24 }, (_, k) => neutral(`b${k}`, 31 + k * 7.5));
    const i = input({ touchpoints: [...baseline, relational('r', 1)] });
    const bots = Array.from({ length: 6 }, (_, k) => transactional(`bot${k}`, 10 + k));
    expect(risk({ ...i, touchpoints: [...i.touchpoints, ...bots] }).probability).toBeGreaterThanOrEqual(risk(i).probability);
  });

  it('property: probability within 0–1 and level consistent with the cut-offs', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const { probability, level } = risk(i);
        expect(probability).toBeGreaterThanOrEqual(0);
        expect(probability).toBeLessThanOrEqual(1);
        const { medium, high } = DEFAULT_HEALTH_CONFIG.churn.levels;
        expect(level).toBe(probability >= high ? 'high' : probability >= medium ? 'medium' : 'low');
      }),
      { numRuns: 100 },
    );
  });
});
