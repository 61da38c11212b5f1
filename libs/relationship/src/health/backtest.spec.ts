import { brier, calibration, modelFigures, prAuc, rocAuc, topDecileLift } from './backtest-metrics.js';
import { churnProbability, DEFAULT_CHURN_COEFFICIENTS, fitChurn, type ChurnFitRow } from './churn-fit.js';
import { CHURN_FEATURE_NAMES } from './churn-features.js';
import type { ChurnFeatures } from './types.js';

const zero = (): ChurnFeatures => Object.fromEntries(CHURN_FEATURE_NAMES.map((f) => [f, 0])) as unknown as ChurnFeatures;

describe('backtest metrics', () => {
  it('given a perfect ranking, when scored, then ROC-AUC and PR-AUC are 1 and the top decile holds the positives', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ p: i / 100, y: (i >= 90 ? 1 : 0) as 0 | 1 }));
    expect(rocAuc(rows)).toBe(1);
    expect(prAuc(rows)).toBeCloseTo(1, 10);
    expect(topDecileLift(rows)).toBeCloseTo(10);
  });

  it('given every score tied, when scored, then ROC-AUC is 0.5 and PR-AUC the base rate', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ p: 0.3, y: (i % 4 === 0 ? 1 : 0) as 0 | 1 }));
    expect(rocAuc(rows)).toBe(0.5);
    expect(prAuc(rows)).toBeCloseTo(0.25);
  });

  it('given one class only, when scored, then the rank figures are null, not NaN', () => {
    const rows = [{ p: 0.2, y: 0 as const }, { p: 0.4, y: 0 as const }];
    expect(rocAuc(rows)).toBeNull();
    expect(prAuc(rows)).toBeNull();
    expect(modelFigures(rows).topDecileLift).toBeNull();
  });

  it('given probabilities, when the Brier score is taken, then it is the mean squared error', () => {
    expect(brier([{ p: 0.8, y: 1 }, { p: 0.2, y: 1 }])).toBeCloseTo((0.04 + 0.64) / 2);
  });

  it('given 25 rows, when cut in deciles, then every row lands in one bin ordered by p', () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ p: (25 - i) / 25, y: (i % 2) as 0 | 1 }));
    const bins = calibration(rows);
    expect(bins.reduce((s, b) => s + b.n, 0)).toBe(25);
    for (let i = 1; i < bins.length; i++) expect(bins[i].meanPredicted).toBeGreaterThanOrEqual(bins[i - 1].meanPredicted);
  });
});

describe('fitChurn', () => {
  // Rows where churn follows a drop in engaged contact (p = 0.7) and hardly happens otherwise (p = 0.05).
  const rows: ChurnFitRow[] = [];
  for (let i = 0; i < 400; i++) {
    const f = zero();
    const dropped = i % 4 === 0;
    f.engagedFrequencyDrop = dropped ? 1 : 0;
    f.renewedOrExpanded365d = i % 3 === 0 ? 1 : 0;
    const y = dropped ? (i % 40 < 28 ? 1 : 0) : i % 20 === 1 ? 1 : 0;
    rows.push({ features: f, y: y as 0 | 1 });
  }

  it('given outcomes that follow a feature, when fitted, then the model reproduces their rates', () => {
    const fit = fitChurn(rows, { lambda: 1e-4, fixed: ['churned'] });
    expect(fit.converged).toBe(true);
    const dropped = zero();
    dropped.engagedFrequencyDrop = 1;
    const rate = (sel: (i: number) => boolean) => rows.filter((_, i) => sel(i)).reduce((s, r) => s + r.y, 0) / rows.filter((_, i) => sel(i)).length;
    const mean = (sel: (i: number) => boolean) => rows.filter((_, i) => sel(i)).reduce((s, r) => s + churnProbability(r.features, fit), 0) / rows.filter((_, i) => sel(i)).length;
    expect(mean((i) => i % 4 === 0)).toBeCloseTo(rate((i) => i % 4 === 0), 2);
    expect(mean((i) => i % 4 !== 0)).toBeCloseTo(rate((i) => i % 4 !== 0), 2);
  });

  it('given features the rows never show, when fitted, then they keep the prior and fixed ones stay put', () => {
    const fit = fitChurn(rows, { lambda: 0.01, fixed: ['churned'] });
    expect(fit.coefficients.negativeSurveys180d).toBe(DEFAULT_CHURN_COEFFICIENTS.coefficients.negativeSurveys180d);
    expect(fit.coefficients.churned).toBe(DEFAULT_CHURN_COEFFICIENTS.coefficients.churned);
  });

  it('given a warning sign that goes with fewer churns, when fitted, then its coefficient stops at 0 rather than turning negative', () => {
    const inverted = rows.map((r) => ({ ...r, features: { ...r.features, complaints90d: r.y === 0 ? 3 : 0 } }));
    expect(fitChurn(inverted, { lambda: 1e-4, fixed: ['churned'] }).coefficients.complaints90d).toBe(0);
  });

  it('given the same rows twice, when fitted, then the coefficients are identical', () => {
    expect(fitChurn(rows, { lambda: 0.01 })).toEqual(fitChurn(rows, { lambda: 0.01 }));
  });
});
