/**
 * Ordinal logistic regression (proportional odds) for the three classes, fitted by accelerated
 * projected gradient descent: deterministic (no randomness, a fixed order of every sum),
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
  const lT = logit(opts.thresholds.transactional / 100);
  const lR = logit(opts.thresholds.relational / 100);
  const totalWeight = rows.reduce((s, r) => s + (r.weight ?? 1), 0) || 1;
  const maxIt = opts.maxIterations ?? 20_000;
  const tol = opts.tolerance ?? 1e-10;

  // Parameters: β (d) and κ, packed as p[0..d-1] = β, p[d] = κ.
  const project = (p: Float64Array) => {
    for (let j = 0; j < d; j++) {
      const s = opts.signs[j] ?? 0;
      if (s > 0 && p[j] < 0) p[j] = 0;
      else if (s < 0 && p[j] > 0) p[j] = 0;
    }
    if (!(p[d] >= KAPPA_MIN)) p[d] = KAPPA_MIN;
  };

  const lossAndGrad = (p: Float64Array, grad: Float64Array | null): number => {
    if (grad) grad.fill(0);
    const kappa = p[d];
    const tT = kappa * lT;
    const tR = kappa * lR;
    let loss = 0;
    for (const r of rows) {
      const c = r.weight ?? 1;
      let eta = 0;
      for (const [j, v] of r.x) eta += p[j] * v;
      let dEta: number;
      let dK: number;
      if (r.y === 0) {
        loss += c * softplus(eta - tT);
        const g = sigmoid(eta - tT);
        dEta = g;
        dK = -g * lT;
      } else if (r.y === 2) {
        loss += c * softplus(tR - eta);
        const g = sigmoid(eta - tR) - 1;
        dEta = g;
        dK = -g * lR;
      } else {
        const fT = sigmoid(eta - tT);
        const fR = sigmoid(eta - tR);
        const pN = Math.max(fT - fR, 1e-300);
        loss -= c * Math.log(pN);
        const gT = fT * (1 - fT);
        const gR = fR * (1 - fR);
        dEta = -(gT - gR) / pN;
        dK = (gT * lT - gR * lR) / pN;
      }
      if (grad) {
        for (const [j, v] of r.x) grad[j] += c * dEta * v;
        grad[d] += c * dK;
      }
    }
    let pen = 0;
    for (let j = 0; j < d; j++) pen += p[j] * p[j];
    loss = loss / totalWeight + 0.5 * opts.lambda * pen;
    if (grad) {
      for (let j = 0; j < d; j++) grad[j] = grad[j] / totalWeight + opts.lambda * p[j];
      grad[d] /= totalWeight;
    }
    return loss;
  };

  // FISTA with backtracking and a monotone restart: deterministic, and the problem is convex
  // (θ = κ·ℓ is linear in κ), so it converges to the one optimum.
  let x: Float64Array<ArrayBuffer> = new Float64Array(d + 1);
  x[d] = 1;
  let y = Float64Array.from(x);
  let t = 1;
  let step = 1;
  const g = new Float64Array(d + 1);
  let fx = lossAndGrad(x, null);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIt; iterations++) {
    const fy = lossAndGrad(y, g);
    let next!: Float64Array<ArrayBuffer>;
    let fn: number;
    for (;;) {
      next = new Float64Array(d + 1);
      for (let j = 0; j <= d; j++) next[j] = y[j] - step * g[j];
      project(next);
      fn = lossAndGrad(next, null);
      let lin = 0;
      let sq = 0;
      for (let j = 0; j <= d; j++) {
        const diff = next[j] - y[j];
        lin += g[j] * diff;
        sq += diff * diff;
      }
      if (fn <= fy + lin + sq / (2 * step) + 1e-15 || step < 1e-12) break;
      step /= 2;
    }
    let change = 0;
    for (let j = 0; j <= d; j++) change = Math.max(change, Math.abs(next[j] - x[j]));
    if (fn > fx) {
      // Restart the momentum when it overshoots.
      t = 1;
      y = Float64Array.from(x);
      if (change < tol) {
        converged = true;
        break;
      }
      continue;
    }
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const beta = (t - 1) / tNext;
    const yNext = new Float64Array(d + 1);
    for (let j = 0; j <= d; j++) yNext[j] = next[j] + beta * (next[j] - x[j]);
    project(yNext);
    x = next;
    fx = fn;
    y = yNext;
    t = tNext;
    // A slightly larger step next time: backtracking only ever shrinks it.
    step *= 1.1;
    if (change < tol) {
      converged = true;
      break;
    }
  }
  const kappa = x[d];
  return { weights: Array.from(x.subarray(0, d), (b) => b / kappa), kappa, loss: fx, iterations, converged };
}
