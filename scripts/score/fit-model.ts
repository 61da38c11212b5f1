// The fit behind `npm run score:fit`: features of the training cases, the regularisation chosen
// by cross-validation inside the training split, one ordinal logistic fit, and the model file's
// text (deterministic: the same corpus gives the same file, byte for byte).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_SCORING_CONFIG, SHOWN_ONLY, SIGNAL_NAMES, SIGNALS, extractFeatures, fitOrdinal, scoringConfig, type FitRow, type ModelFile, type ScoringConfig, type SignalName } from '../../libs/relationship/src/scoring/index.js';
import { FEATURES_VERSION } from '../../libs/relationship/src/scoring/features.js';
import { scoreTouchpoint } from '../../libs/relationship/src/scoring/score.js';
import { casesHash, split, toScoringInput, type Corpus, type CorpusCase } from './corpus.js';
import { evaluate, scoreCase } from './evaluate.js';

export const MODEL_PATH = (root: string) => path.join(root, 'libs', 'relationship', 'src', 'scoring', 'model.json');

/** The grid the L2 penalty is chosen from (per unit of case weight). */
export const LAMBDAS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05] as const;
const FOLDS = 5;
const THRESHOLDS = { relational: 65, transactional: 40 } as const;
const LABEL = { transactional: 0, neutral: 1, relational: 2 } as const;

const index = new Map<SignalName, number>(SIGNAL_NAMES.map((n, i) => [n, i]));

function rowsOf(cases: readonly CorpusCase[]): FitRow[] {
  const counts = { relational: 0, neutral: 0, transactional: 0 };
  for (const c of cases) counts[c.label]++;
  return cases.map((c) => {
    const { tp, ctx } = toScoringInput(c);
    const byIndex = new Map<number, number>();
    // A shown-only signal is evidence on screen, never weight: the fit does not see it.
    for (const f of extractFeatures(tp, ctx, DEFAULT_SCORING_CONFIG)) if (!SHOWN_ONLY.has(f.name)) byIndex.set(index.get(f.name)!, (byIndex.get(index.get(f.name)!) ?? 0) + f.value);
    // Class-balanced: each class weighs as much as the others in total.
    const weight = cases.length / (3 * counts[c.label]);
    return { x: [...byIndex].sort((a, b) => a[0] - b[0]), y: LABEL[c.label], weight };
  });
}

function fit(cases: readonly CorpusCase[], lambda: number) {
  return fitOrdinal(rowsOf(cases), {
    features: SIGNAL_NAMES.length,
    signs: SIGNAL_NAMES.map((n) => SIGNALS[n]),
    lambda,
    thresholds: THRESHOLDS,
    tolerance: 1e-9,
  });
}

const round4 = (w: number) => {
  const r = Math.round(w * 10_000) / 10_000;
  return r === 0 ? 0 : r;
};

function configWith(weights: readonly number[]): ScoringConfig {
  return scoringConfig({ weights: Object.fromEntries(SIGNAL_NAMES.map((n, i) => [n, round4(weights[i])])), thresholds: THRESHOLDS });
}

/** The fold of a training case in cross-validation: fixed by its id, like the held-out split. */
const foldOf = (id: string) => createHash('sha256').update(`fold:${id}`).digest()[0] % FOLDS;

export interface CvRow {
  lambda: number;
  agreement: number;
  inversions: number;
  neutralRecall: number;
  /** What the grid is ranked by: agreement, less a point per inversion's share, plus a little neutral recall. */
  objective: number;
}

export function crossValidate(training: readonly CorpusCase[]): CvRow[] {
  return LAMBDAS.map((lambda) => {
    let polar = 0;
    let polarCorrect = 0;
    let inversions = 0;
    let neutral = 0;
    let neutralCorrect = 0;
    for (let k = 0; k < FOLDS; k++) {
      const inFold = training.filter((c) => foldOf(c.id) === k);
      const rest = training.filter((c) => foldOf(c.id) !== k);
      if (inFold.length === 0 || rest.length === 0) continue;
      const config = configWith(fit(rest, lambda).weights);
      const e = evaluate(inFold, scoreCase((tp, ctx) => scoreTouchpoint(tp, ctx, config)));
      polar += e.polar;
      polarCorrect += e.polarCorrect;
      inversions += e.inversions;
      neutral += e.neutral;
      neutralCorrect += e.neutralCorrect;
    }
    const agreement = polar ? polarCorrect / polar : 0;
    const neutralRecall = neutral ? neutralCorrect / neutral : 0;
    const objective = agreement - (polar ? (3 * inversions) / polar : 0) + 0.25 * neutralRecall;
    return { lambda, agreement, inversions, neutralRecall, objective };
  });
}

export interface FittedModel {
  file: ModelFile;
  text: string;
  cv: CvRow[];
}

export function fitModel(corpus: Corpus): FittedModel {
  const { training } = split(corpus.cases);
  const cv = crossValidate(training);
  // The best objective; on a tie the stronger penalty (the simpler model).
  const best = cv.reduce((a, b) => (b.objective > a.objective + 1e-12 || (Math.abs(b.objective - a.objective) <= 1e-12 && b.lambda > a.lambda) ? b : a));
  const result = fit(training, best.lambda);
  const weights = Object.fromEntries(SIGNAL_NAMES.map((n, i) => [n, round4(result.weights[i])])) as Record<SignalName, number>;
  const labels = { relational: 0, neutral: 0, transactional: 0 };
  for (const c of training) labels[c.label]++;
  const body = {
    features: FEATURES_VERSION,
    corpus: { version: corpus.version, source: corpus.source, trainingCases: training.length, trainingHash: casesHash(training), labels },
    fit: {
      method: 'ordinal logistic regression (proportional odds), class-balanced, L2 on the weights, sign-constrained per signal, projected Newton with a backtracking line search',
      lambda: best.lambda,
      lambdaGrid: [...LAMBDAS],
      crossValidation: { folds: FOLDS, rankedBy: 'agreement - 3 * inversions / polar + 0.25 * neutral recall', rows: cv.map((r) => ({ ...r, agreement: round4(r.agreement), neutralRecall: round4(r.neutralRecall), objective: round4(r.objective) })) },
      kappa: round4(result.kappa),
      loss: round4(result.loss),
      iterations: result.iterations,
      converged: result.converged,
    },
    thresholds: { ...THRESHOLDS },
    weights,
  };
  const version = `${FEATURES_VERSION}.${createHash('sha256').update(JSON.stringify({ features: body.features, thresholds: body.thresholds, weights })).digest('hex').slice(0, 10)}`;
  const file: ModelFile = { version, ...body };
  return { file, text: `${JSON.stringify(file, null, 2)}\n`, cv };
}
