// Fitting the churn model's coefficients to recorded outcomes (docs/backtest.md). Pure and
// deterministic: a fixed order of every sum, no randomness, so the same rows give the same file.
import { CHURN_FEATURE_NAMES } from './churn-features.js';
import { DEFAULT_HEALTH_CONFIG, type HealthConfig } from './config.js';
import type { ChurnFeature, ChurnFeatures } from './types.js';

/** The coefficients of the churn model (what `churn.intercept` and `churn.coefficients` hold). */
export interface ChurnCoefficients {
  intercept: number;
  coefficients: Record<ChurnFeature, number>;
}

export interface ChurnFitRow {
  features: ChurnFeatures;
  /** 1: a churn outcome followed within the horizon. */
  y: 0 | 1;
}

export interface ChurnFitOptions {
  /** L2 penalty (per row) on the distance from `prior`'s coefficients; the intercept is free. */
  lambda: number;
  /** Where the penalty pulls: a feature the rows say nothing about keeps this value (default: today's defaults). */
  prior?: ChurnCoefficients;
  /** Features held at the prior's value (e.g. `churned`, which a population of live customers never shows). */
  fixed?: readonly ChurnFeature[];
  maxSweeps?: number;
  tolerance?: number;
}

export interface ChurnFitResult extends ChurnCoefficients {
  /** Mean penalised log-loss at the end. */
  loss: number;
  sweeps: number;
  converged: boolean;
}

export const DEFAULT_CHURN_COEFFICIENTS: ChurnCoefficients = Object.freeze({
  intercept: DEFAULT_HEALTH_CONFIG.churn.intercept,
  coefficients: DEFAULT_HEALTH_CONFIG.churn.coefficients,
});

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * The sign each coefficient must keep: the product promises that more transactional contact
 * never lowers the churn probability (every warning sign ≥ 0), and a renewal or expansion may
 * only lower it. A fit that wanted another sign is held at 0 instead.
 */
export function churnSign(feature: ChurnFeature): 1 | -1 {
  return feature === 'renewedOrExpanded365d' ? -1 : 1;
}

/** p for one row under `model`. */
export function churnProbability(features: ChurnFeatures, model: ChurnCoefficients): number {
  let z = model.intercept;
  for (const name of CHURN_FEATURE_NAMES) z += (model.coefficients[name] ?? 0) * (features[name] ?? 0);
  return sigmoid(z);
}

/**
 * L2-regularised logistic regression by cyclic coordinate Newton steps with box constraints
 * (the signs above): convex, so the order of the sweeps changes nothing but the path.
 * The penalty pulls towards `prior`, so the reasoned defaults stand where the data is silent.
 */
export function fitChurn(rows: readonly ChurnFitRow[], opts: ChurnFitOptions): ChurnFitResult {
  const prior = opts.prior ?? DEFAULT_CHURN_COEFFICIENTS;
  const fixed = new Set(opts.fixed ?? []);
  const names = CHURN_FEATURE_NAMES;
  const n = rows.length;
  const coefficients = { ...prior.coefficients } as Record<ChurnFeature, number>;
  if (n === 0) return { intercept: prior.intercept, coefficients, loss: 0, sweeps: 0, converged: true };
  const X = names.map((f) => Float64Array.from(rows, (r) => r.features[f] ?? 0));
  const y = Float64Array.from(rows, (r) => r.y);
  const positives = y.reduce((a, b) => a + b, 0);
  const base = Math.min(Math.max(positives / n, 1e-4), 1 - 1e-4);
  let intercept = Math.log(base / (1 - base));
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = intercept;
    for (let j = 0; j < names.length; j++) s += coefficients[names[j]] * X[j][i];
    z[i] = s;
  }
  const maxSweeps = opts.maxSweeps ?? 500;
  const tolerance = opts.tolerance ?? 1e-7;
  let sweeps = 0;
  let converged = false;
  // One Newton step on coordinate `x` (null: the intercept), clamped to its sign and to ±2 per
  // step (a coordinate step without a line search can overshoot on separable data).
  const step = (x: Float64Array | null, current: number, priorValue: number, penalty: number, sign: number): number => {
    let g = 0;
    let h = 0;
    for (let i = 0; i < n; i++) {
      const xi = x === null ? 1 : x[i];
      if (xi === 0) continue;
      const p = sigmoid(z[i]);
      g += (p - y[i]) * xi;
      h += p * (1 - p) * xi * xi;
    }
    g = g / n + penalty * (current - priorValue);
    h = h / n + penalty + 1e-12;
    let next = current - Math.max(-2, Math.min(2, g / h));
    if (sign > 0 && next < 0) next = 0;
    if (sign < 0 && next > 0) next = 0;
    return next;
  };
  while (sweeps < maxSweeps) {
    sweeps++;
    let moved = 0;
    const nextIntercept = step(null, intercept, 0, 0, 0);
    const di = nextIntercept - intercept;
    if (di !== 0) for (let i = 0; i < n; i++) z[i] += di;
    intercept = nextIntercept;
    moved = Math.max(moved, Math.abs(di));
    for (let j = 0; j < names.length; j++) {
      const f = names[j];
      if (fixed.has(f)) continue;
      const next = step(X[j], coefficients[f], prior.coefficients[f], opts.lambda, churnSign(f));
      const d = next - coefficients[f];
      if (d !== 0) for (let i = 0; i < n; i++) z[i] += d * X[j][i];
      coefficients[f] = next;
      moved = Math.max(moved, Math.abs(d));
    }
    if (moved < tolerance) {
      converged = true;
      break;
    }
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(Math.max(sigmoid(z[i]), 1e-12), 1 - 1e-12);
    loss -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
  }
  let pen = 0;
  for (const f of names) pen += (coefficients[f] - prior.coefficients[f]) ** 2;
  loss = loss / n + (opts.lambda / 2) * pen;
  return { intercept: round6(intercept), coefficients: mapValues(coefficients, round6), loss, sweeps, converged };
}

const round6 = (v: number) => {
  const r = Math.round(v * 1e6) / 1e6;
  return r === 0 ? 0 : r;
};

function mapValues<K extends string>(o: Record<K, number>, f: (v: number) => number): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of Object.keys(o) as K[]) out[k] = f(o[k]);
  return out;
}

/** The churn coefficients of a health configuration. */
export function churnCoefficientsOf(config: HealthConfig): ChurnCoefficients {
  return { intercept: config.churn.intercept, coefficients: { ...config.churn.coefficients } };
}
