// `npm run score:eval [-- --split held-out|training|all|independent | --training] [--quiet]`: the
// scorer's figures on the labelled corpus. Held out by default; it never feeds anything back into
// the model. When you look at errors to improve the features, look at the training ones
// (`--training`): held-out and independent figures are read, never tuned on.
import { scoreTouchpoint } from '../libs/relationship/src/scoring/index.js';
import { loadCorpus, loadIndependent, split } from './score/corpus.js';
import { evaluate, meetsGoals, report, scoreCase } from './score/evaluate.js';

const args = process.argv.slice(2);
const which = args.includes('--training') ? 'training' : args.includes('--split') ? args[args.indexOf('--split') + 1] : 'held-out';
if (!['held-out', 'training', 'all', 'independent'].includes(which)) {
  process.stderr.write('usage: npm run score:eval -- [--split held-out|training|all|independent | --training] [--quiet]\n');
  process.exit(2);
}
const corpus = loadCorpus();
for (const p of corpus.problems) process.stderr.write(`corpus: ${p}\n`);
const independent = loadIndependent();
for (const p of independent.problems) process.stderr.write(`independent: ${p}\n`);
const parts = split(corpus.cases);
const cases = which === 'independent' ? independent.cases : which === 'all' ? corpus.cases : which === 'training' ? parts.training : parts.heldOut;
const e = evaluate(cases, scoreCase((tp, ctx) => scoreTouchpoint(tp, ctx)));
process.stdout.write(`${corpus.source} version ${corpus.version}: ${corpus.cases.length} cases (${parts.training.length} training, ${parts.heldOut.length} held out); independent set: ${independent.cases.length} cases\n`);
process.stdout.write(`${report(`${which} split`, e, { misses: !args.includes('--quiet') })}\n`);
// Only the held-out split is held to the goal.
if (which === 'held-out' && !meetsGoals(e)) process.exitCode = 1;
