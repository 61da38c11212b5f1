import { readFileSync } from 'node:fs';
import { MODEL } from '../libs/relationship/src/scoring/index.js';
import { scoreTouchpoint } from '../libs/relationship/src/scoring/score.js';
import { casesHash, loadCorpus, loadIndependent, repoRoot, split } from '../scripts/score/corpus.js';
import { evaluate, FLOOR, GOALS, INDEPENDENT_FLOOR, meetsGoals, report, scoreCase } from '../scripts/score/evaluate.js';
import { fitModel, MODEL_PATH } from '../scripts/score/fit-model.js';

// CI's evaluation of the relational scorer (#21): the committed model is the one `npm run
// score:fit` makes from the corpus in the repository, and on the held-out cases it meets the
// goal. No database: the scorer is a pure function.
const root = repoRoot();
const corpus = loadCorpus(root);
const { training, heldOut } = split(corpus.cases);

describe('relational scorer on the labelled corpus', () => {
  it('reads every corpus line', () => {
    expect(corpus.problems).toEqual([]);
    expect(corpus.cases.length).toBeGreaterThan(0);
  });

  it('the committed model came from this corpus’s training split, and refitting gives the same file byte for byte', () => {
    expect({ source: MODEL.corpus.source, version: MODEL.corpus.version, hash: MODEL.corpus.trainingHash }).toEqual({ source: corpus.source, version: corpus.version, hash: casesHash(training) });
    // A stale model (the corpus grew, or a feature changed): run `npm run score:fit` and commit model.json.
    expect(fitModel(corpus).text).toBe(readFileSync(MODEL_PATH(root), 'utf8'));
  });

  it(`on the held-out cases: no worse than the floor (agreement ≥ ${FLOOR.agreement * 100}%, ≤ ${FLOOR.inversions} inversion), the goal (${GOALS.agreement * 100}%, ${GOALS.inversions}) reported (English and Norwegian reported)`, () => {
    const e = evaluate(heldOut, scoreCase((tp, ctx) => scoreTouchpoint(tp, ctx)));
    // Figures only: the held-out cases it gets wrong are for `npm run score:eval`, not for tuning.
    process.stdout.write(`${report(`held-out split (${corpus.source} ${corpus.version})`, e, { misses: false })}\n`);
    expect(e.polar).toBeGreaterThan(0);
    if (corpus.source === 'seed') {
      // Only the made-up seed examples so far: the figures are printed, the goal waits for the corpus.
      process.stdout.write('relational-score: the corpus has no cases yet; the goal is enforced once it does\n');
      return;
    }
    // The #21 goal is not met yet (docs/relational-score.md): CI fails on a regression below the
    // committed model's figures, and says plainly whether the goal is met.
    process.stdout.write(`relational-score: goal ${meetsGoals(e) ? 'met' : 'NOT met'} (agreement ${(100 * e.agreement).toFixed(1)}%, ${e.inversions} inversions)\n`);
    expect({ agreement: e.agreement >= FLOOR.agreement, inversions: e.inversions <= FLOOR.inversions }).toEqual({ agreement: true, inversions: true });
  });

  it(`on the independent set (written and second-read by people who never saw the scorer): no worse than its floor (agreement ≥ ${+(INDEPENDENT_FLOOR.agreement * 100).toFixed(1)}%, ≤ ${INDEPENDENT_FLOOR.inversions} inversions)`, () => {
    const independent = loadIndependent(root);
    expect(independent.problems).toEqual([]);
    expect(independent.cases.length).toBeGreaterThanOrEqual(80);
    // Its own split: no id in the corpus, every case read twice.
    const corpusIds = new Set(corpus.cases.map((c) => c.id));
    expect(independent.cases.filter((c) => corpusIds.has(c.id))).toEqual([]);
    expect(independent.cases.filter((c) => !c.review)).toEqual([]);
    const e = evaluate(independent.cases, scoreCase((tp, ctx) => scoreTouchpoint(tp, ctx)));
    process.stdout.write(`${report('independent set', e, { misses: false })}\n`);
    expect({ agreement: e.agreement >= INDEPENDENT_FLOOR.agreement, inversions: e.inversions <= INDEPENDENT_FLOOR.inversions }).toEqual({ agreement: true, inversions: true });
  });
});
