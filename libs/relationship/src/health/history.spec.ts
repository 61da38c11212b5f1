import fc from 'fast-check';
import { computeHealth, healthHistory } from './index.js';
import { AT, DAY, arbInput, input, relational, transactional } from './spec-helpers.js';
import type { ScoredTouchpoint } from '../touchpoint.js';

describe('healthHistory', () => {
  const i = input({ touchpoints: [relational('a', 60), transactional('b', 20), relational('c', 3)] });

  it('given a month with step day, then one point per UTC midnight, both ends inclusive', () => {
    const points = healthHistory(i, new Date('2026-10-01T00:00:00Z'), new Date('2026-10-31T00:00:00Z'), 'day');
    expect(points).toHaveLength(31);
    expect(points[0].at).toBe('2026-10-01T00:00:00.000Z');
    expect(points[30].at).toBe('2026-10-31T00:00:00.000Z');
    expect(points.every((p) => p.at.endsWith('T00:00:00.000Z'))).toBe(true);
  });

  it('given step week, then points 7 days apart', () => {
    const points = healthHistory(i, new Date('2026-10-01T00:00:00Z'), new Date('2026-10-31T00:00:00Z'), 'week');
    expect(points.map((p) => p.at.slice(0, 10))).toEqual(['2026-10-01', '2026-10-08', '2026-10-15', '2026-10-22', '2026-10-29']);
  });

  it('given `from` mid-day, then the first point is the next midnight', () => {
    const points = healthHistory(i, new Date('2026-10-01T10:00:00Z'), new Date('2026-10-03T23:00:00Z'), 'day');
    expect(points.map((p) => p.at.slice(0, 10))).toEqual(['2026-10-02', '2026-10-03']);
  });

  it('given `from` after `to`, then no points', () => {
    expect(healthHistory(i, new Date('2026-10-05T00:00:00Z'), new Date('2026-10-01T00:00:00Z'), 'day')).toEqual([]);
  });

  it('given an unknown step, then it throws a RangeError', () => {
    expect(() => healthHistory(i, AT, AT, 'month' as never)).toThrow(RangeError);
  });

  it('property: each point equals computeHealth at that moment', () => {
    fc.assert(
      fc.property(arbInput, (inp) => {
        const from = new Date(AT.getTime() - 120 * DAY);
        for (const p of healthHistory(inp, from, AT, 'week')) {
          const v = computeHealth(inp, new Date(p.at));
          expect(p).toEqual({ at: v.at, score: v.score, band: v.band, churnRisk: v.churnRisk.probability });
        }
      }),
      { numRuns: 50 },
    );
  });

  it('given a year of daily points over 1,000 touchpoints, then 366 points come back (speed is measured in the docs, not asserted)', () => {
    const tps: ScoredTouchpoint[] = Array.from({ length: 1000 }, (_, k) =>
      k % 3 === 0 ? transactional(`t${k}`, k * 0.4) : relational(`r${k}`, k * 0.4, { score: 60 + (k % 40) }),
    );
    const points = healthHistory(input({ touchpoints: tps }), new Date(AT.getTime() - 365 * DAY), AT, 'day');
    expect(points).toHaveLength(366);
  });
});
