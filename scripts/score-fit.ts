// `npm run score:fit`: fits the relational model on the corpus's training split and writes
// libs/relationship/src/scoring/model.json. Deterministic: run it twice, the file is the same.
import { writeFileSync } from 'node:fs';
import { loadCorpus, repoRoot, split } from './score/corpus.js';
import { MODEL_PATH, fitModel } from './score/fit-model.js';

const root = repoRoot();
const corpus = loadCorpus(root);
for (const p of corpus.problems) process.stderr.write(`corpus: ${p}\n`);
const { training, heldOut } = split(corpus.cases);
if (training.length === 0) {
  process.stderr.write('score:fit: the corpus has no training cases\n');
  process.exit(1);
}
const started = performance.now();
const { file, text, cv } = fitModel(corpus);
writeFileSync(MODEL_PATH(root), text);
process.stdout.write(`${corpus.source} version ${corpus.version}: fitted on ${training.length} training cases (${heldOut.length} held out, not used)\n`);
for (const r of cv) process.stdout.write(`  cv lambda ${r.lambda}: agreement ${(100 * r.agreement).toFixed(1)}%, inversions ${r.inversions}, neutral recall ${(100 * r.neutralRecall).toFixed(1)}%\n`);
process.stdout.write(`lambda ${file.fit.lambda}, ${file.fit.iterations} iterations, converged ${file.fit.converged}; model ${file.version} written in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
const nonzero = Object.entries(file.weights).filter(([, w]) => w !== 0).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
for (const [n, w] of nonzero) process.stdout.write(`  ${n.padEnd(28)} ${w > 0 ? '+' : ''}${w}\n`);
