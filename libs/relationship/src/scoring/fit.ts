/**
 * Ordinal logistic regression (proportional odds) for the three classes, fitted by projected
 * Newton iterations: deterministic (no randomness, a fixed order of every sum),
 * L2-regularised, with a sign constraint per feature (a signal that pushes towards closeness may
 * not learn to push the other way, which keeps explanations and the property tests honest).
 *
 * The model: η = β·x; P(class > transactional) = σ(η − κ·ℓT), P(relational) = σ(η − κ·ℓR), with
 * ℓT = logit(tT/100), ℓR = logit(tR/100) from the class thresholds and κ > 0 fitted. Dividing by
 * κ gives the weights the scorer uses: score = 100·σ(Σ (βⱼ/κ)·xⱼ), so a touchpoint crosses a class
 * threshold exactly where the fitted model's cumulative odds are even. No intercept: a
 * touchpoint with no evidence scores 50.
 */

export type Label = 0 | 1 | 2; // transactional, neutral, relational

export interface FitRow {
  /** Sparse features: index → value. */
  x: ReadonlyArray<readonly [number, number]>;
  y: Label;
  /** Case weight (class balance); 1 when absent. */
  weight?: number;
}

export interface FitOptions {
  features: number;
  /** +1: the weight must be ≥ 0; −1: ≤ 0; 0: free. */
  signs: readonly number[];
  /** L2 penalty on β (per unit of total case weight). */
  lambda: number;
  /** Score thresholds (0–100) of the classes: relational ≥ tR, transactional < tT. */
  thresholds: { relational: number; transactional: number };
  maxIterations?: number;
  tolerance?: number;
}

export interface FitResult {
  /** Score-space weights: score = 100·σ(Σ wⱼ·xⱼ). */
  weights: number[];
  /** Sharpness of the class boundaries (fitted). */
  kappa: number;
  /** Mean penalised negative log-likelihood at the optimum. */
  loss: number;
  iterations: number;
  converged: boolean;
}

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));
const softplus = (t: number) => (t > 30 ? t : t < -30 ? Math.exp(t) : Math.log1p(Math.exp(t)));
const KAPPA_MIN = 1e-3;

/** The fitted model's class probabilities for η = β·x (for tests and diagnostics). */
export function classProbabilities(eta: number, kappa: number, thresholds: FitOptions['thresholds']): [number, number, number] {
  const fT = sigmoid(eta - kappa * logit(thresholds.transactional / 100));
  const fR = sigmoid(eta - kappa * logit(thresholds.relational / 100));
  return [1 - fT, Math.max(0, fT - fR), fR];
}

export function fitOrdinal(rows: readonly FitRow[], opts: FitOptions): FitResult {
  const d = opts.features;
  const n = d + 1; // β, then κ
  const lT = logit(opts.thresholds.transactional / 100);
  const lR = logit(opts.thresholds.relational / 100);
  const totalWeight = rows.reduce((s, r) => s + (r.weight ?? 1), 0) || 1;
  const maxIt = opts.maxIterations ?? 200;
  const tol = opts.tolerance ?? 1e-10;
  const lower = (j: number) => (j === d ? KAPPA_MIN : (opts.signs[j] ?? 0) > 0 ? 0 : -Infinity);
  const upper = (j: number) => (j < d && (opts.signs[j] ?? 0) < 0 ? 0 : Infinity);
  const project = (p: Float64Array) => {
    for (let j = 0; j < n; j++) p[j] = Math.min(upper(j), Math.max(lower(j), p[j]));
  };

  /** Loss, and with `g`/`h` its gradient and Hessian (row-major n×n), all divided by the total case weight. */
  const evaluate = (p: Float64Array, g?: Float64Array, h?: Float64Array): number => {
    g?.fill(0);
    h?.fill(0);
    const kappa = p[d];
    const tT = kappa * lT;
    const tR = kappa * lR;
    let loss = 0;
    for (const r of rows) {
      const c = (r.weight ?? 1) / totalWeight;
      let eta = 0;
      for (const [j, v] of r.x) eta += p[j] * v;
      // dη, dκ and the 2×2 Hessian in (η, κ) of this row's −log P.
      let gE: number, gK: number, hEE: number, hEK: number, hKK: number;
      if (r.y === 0 || r.y === 2) {
        const l = r.y === 0 ? lT : lR;
        const u = eta - kappa * l;
        const F = sigmoid(u);
        const f = F * (1 - F);
        loss += c * (r.y === 0 ? softplus(u) : softplus(-u));
        const dU = r.y === 0 ? F : F - 1;
        [gE, gK, hEE, hEK, hKK] = [dU, -l * dU, f, -l * f, l * l * f];
      } else {
        const FT = sigmoid(eta - tT);
        const FR = sigmoid(eta - tR);
        const P = Math.max(FT - FR, 1e-300);
        loss -= c * Math.log(P);
        const fT = FT * (1 - FT);
        const fR = FR * (1 - FR);
        const aT = fT * (1 - 2 * FT);
        const aR = fR * (1 - 2 * FR);
        const pE = fT - fR;
        const pK = -lT * fT + lR * fR;
        const pEE = aT - aR;
        const pEK = -lT * aT + lR * aR;
        const pKK = lT * lT * aT - lR * lR * aR;
        [gE, gK] = [-pE / P, -pK / P];
        [hEE, hEK, hKK] = [-pEE / P + (pE * pE) / (P * P), -pEK / P + (pE * pK) / (P * P), -pKK / P + (pK * pK) / (P * P)];
      }
      if (g) {
        for (const [j, v] of r.x) g[j] += c * gE * v;
        g[d] += c * gK;
      }
      if (h) {
        for (const [j, v] of r.x) {
          for (const [k, w] of r.x) h[j * n + k] += c * hEE * v * w;
          h[j * n + d] += c * hEK * v;
          h[d * n + j] += c * hEK * v;
        }
        h[d * n + d] += c * hKK;
      }
    }
    for (let j = 0; j < d; j++) {
      loss += 0.5 * opts.lambda * p[j] * p[j];
      if (g) g[j] += opts.lambda * p[j];
      if (h) h[j * n + j] += opts.lambda;
    }
    return loss;
  };

  // Projected Newton (Bertsekas): a weight held at its bound whose gradient pushes past it stays
  // there; the others take a Newton step; a backtracking line search keeps every step downhill.
  // The problem is convex (θ = κ·ℓ is linear in κ), so this finds the one optimum.
  let p = new Float64Array(n);
  p[d] = 1;
  const g = new Float64Array(n);
  const h = new Float64Array(n * n);
  let f = evaluate(p);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIt; iterations++) {
    evaluate(p, g, h);
    const free: number[] = [];
    for (let j = 0; j < n; j++) {
      const atLower = p[j] <= lower(j) + 1e-12 && g[j] > 0;
      const atUpper = p[j] >= upper(j) - 1e-12 && g[j] < 0;
      if (!atLower && !atUpper) free.push(j);
    }
    const step = solve(h, g, free, n);
    let t = 1;
    let next = p;
    let fn = f;
    let moved = 0;
    for (let k = 0; k < 60; k++, t /= 2) {
      const cand = Float64Array.from(p);
      for (let i = 0; i < free.length; i++) cand[free[i]] -= t * step[i];
      project(cand);
      let decrease = 0;
      moved = 0;
      for (let j = 0; j < n; j++) {
        decrease += g[j] * (cand[j] - p[j]);
        moved = Math.max(moved, Math.abs(cand[j] - p[j]));
      }
      const fc = evaluate(cand);
      if (fc <= f + 1e-4 * decrease || moved < tol) {
        next = cand;
        fn = fc;
        break;
      }
    }
    const done = moved < tol || Math.abs(f - fn) < 1e-15;
    p = next;
    f = fn;
    if (done) {
      converged = true;
      break;
    }
  }
  const kappa = p[d];
  return { weights: Array.from(p.subarray(0, d), (b) => b / kappa), kappa, loss: f, iterations, converged };
}

/** Solves H[F,F]·x = g[F] by Cholesky (a tiny ridge keeps it defined); F = the free coordinates. */
function solve(h: Float64Array, g: Float64Array, free: readonly number[], n: number): Float64Array {
  const m = free.length;
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let k = 0; k < m; k++) a[i * m + k] = h[free[i] * n + free[k]];
  for (let i = 0; i < m; i++) a[i * m + i] += 1e-10;
  for (let i = 0; i < m; i++) {
    for (let k = 0; k <= i; k++) {
      let sum = a[i * m + k];
      for (let j = 0; j < k; j++) sum -= a[i * m + j] * a[k * m + j];
      a[i * m + k] = i === k ? Math.sqrt(Math.max(sum, 1e-300)) : sum / a[k * m + k];
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let sum = g[free[i]];
    for (let j = 0; j < i; j++) sum -= a[i * m + j] * y[j];
    y[i] = sum / a[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let sum = y[i];
    for (let j = i + 1; j < m; j++) sum -= a[j * m + i] * x[j];
    x[i] = sum / a[i * m + i];
  }
  return x;
}
