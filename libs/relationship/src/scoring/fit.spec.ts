import { classProbabilities, fitOrdinal, type FitRow, type Label } from './fit.js';

// The ordinal logistic fitter: deterministic, regularised, sign-constrained, and it recovers the
// direction of signals from data made with a known rule.

const THRESHOLDS = { relational: 65, transactional: 40 };

/** Made-up rows from a known rule: feature 0 pushes towards relational, 1 towards transactional, 2 is noise. */
function rows(n: number): FitRow[] {
  let s = 12345;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => {
    const x0 = next() < 0.5 ? 1 : 0;
    const x1 = next() < 0.5 ? 1 : 0;
    const x2 = next() < 0.5 ? 1 : 0;
    const z = 2.5 * x0 - 2.5 * x1 + (next() - 0.5) * 1.5;
    const y: Label = z > 0.8 ? 2 : z < -0.8 ? 0 : 1;
    return { x: ([[0, x0], [1, x1], [2, x2]] as [number, number][]).filter(([, v]) => v !== 0), y };
  });
}

const opts = { features: 3, signs: [1, -1, 0], lambda: 0.01, thresholds: THRESHOLDS };

describe('fitOrdinal', () => {
  it('given data made with a known rule, when fitted, then the weights point the right way and the noise weighs little', () => {
    const r = fitOrdinal(rows(400), opts);
    expect(r.converged).toBe(true);
    expect(r.weights[0]).toBeGreaterThan(0.5);
    expect(r.weights[1]).toBeLessThan(-0.5);
    expect(Math.abs(r.weights[2])).toBeLessThan(Math.abs(r.weights[0]) / 4);
  });

  it('is deterministic: the same rows give the same weights, bit for bit', () => {
    expect(fitOrdinal(rows(300), opts)).toEqual(fitOrdinal(rows(300), opts));
  });

  it('holds each weight to its sign', () => {
    const r = fitOrdinal(rows(300), { ...opts, signs: [-1, 1, 1] });
    expect(r.weights[0]).toBeLessThanOrEqual(0);
    expect(r.weights[1]).toBeGreaterThanOrEqual(0);
    expect(r.weights[2]).toBeGreaterThanOrEqual(0);
  });

  it('shrinks the weights as the penalty grows', () => {
    const loose = fitOrdinal(rows(300), { ...opts, lambda: 0.001 });
    const tight = fitOrdinal(rows(300), { ...opts, lambda: 1 });
    const norm = (w: number[]) => w.reduce((s, x) => s + x * x, 0);
    // In score units: κ·w is what the penalty bounds.
    expect(norm(tight.weights.map((w) => w * tight.kappa))).toBeLessThan(norm(loose.weights.map((w) => w * loose.kappa)));
  });

  it('puts the class boundaries at the score thresholds: z = logit(0.65) is where relational becomes more likely than not', () => {
    const r = fitOrdinal(rows(300), opts);
    const zR = Math.log(0.65 / 0.35);
    const [, , pR] = classProbabilities(r.kappa * zR, r.kappa, THRESHOLDS);
    expect(pR).toBeCloseTo(0.5, 10);
    const p = classProbabilities(0.3, r.kappa, THRESHOLDS);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 12);
  });

  it('given no rows, returns zero weights without throwing', () => {
    const r = fitOrdinal([], opts);
    expect(r.weights).toEqual([0, 0, 0]);
  });
});
