// The evaluation of a scorer on corpus cases: the confusion matrix, agreement on relational vs
// transactional, inversions, neutral recall, by language, and every case it gets wrong.
import type { RelationalClass, RelationalScore } from '../../libs/relationship/src/touchpoint.js';
import { toScoringInput, type CorpusCase, type Language } from './corpus.js';

export const CLASSES: RelationalClass[] = ['relational', 'neutral', 'transactional'];

/** The issue's goals on the held-out cases (#21). */
export const GOALS = { agreement: 0.9, inversions: 0 } as const;
/**
 * What CI holds the scorer to while the goal is not met: the held-out figures of the committed
 * model (corpus version 2, features f2, and the same with f4: 107/133 = 80.5%, 3 inversions). A change that scores the
 * held-out cases worse fails CI; one that meets GOALS should raise this to GOALS.
 *
 * It was 86% and 2 on corpus version 1. Version 2 added 240 cases by three writers who had not
 * read the scorer (57 of them held out, by the fixed rule), which f2's features read far worse
 * (69.6% on those 57); on the 116 held-out cases of version 1 the refitted model reads the same
 * 86.2% with 2 inversions, and on the independent set one case better. The floor follows the
 * harder split, stated here rather than hidden (docs/relational-score.md).
 */
export const FLOOR = { agreement: 0.8, inversions: 3 } as const;
/**
 * The independent set's floor (corpus/independent/README.md): the committed model's figures on
 * the four sets, 216/281 = 76.9% with 9 inversions (f4; blind-01 49/60 with 2, blind-02 46/57
 * with 1, blind-03 41/56 with 2, blind-04 80/108 with 4). A model that reads these contacts worse does not land, however
 * it does on the corpus (f3, fitted to 92.5% in cross-validation, read blind-01 at 70.0%).
 */
export const INDEPENDENT_FLOOR = { agreement: 0.768, inversions: 9 } as const;

export type Scorer = (c: CorpusCase) => RelationalScore;

export interface Miss {
  id: string;
  language: Language;
  label: RelationalClass;
  predicted: RelationalClass;
  score: number;
  inversion: boolean;
  hard: string | null;
  reason: string;
  /** The scorer's own explanation: its largest signals. */
  signals: string[];
}

export interface Figures {
  cases: number;
  /** confusion[label][predicted] */
  confusion: Record<RelationalClass, Record<RelationalClass, number>>;
  /** Cases labelled relational or transactional. */
  polar: number;
  /** Of those, predicted with exactly their label. */
  polarCorrect: number;
  agreement: number;
  inversions: number;
  neutral: number;
  neutralCorrect: number;
  neutralRecall: number;
  /** Exact class on every case. */
  accuracy: number;
}

export interface Evaluation extends Figures {
  byLanguage: Record<Language, Figures>;
  misses: Miss[];
}

const emptyConfusion = () => Object.fromEntries(CLASSES.map((l) => [l, Object.fromEntries(CLASSES.map((p) => [p, 0]))])) as Figures['confusion'];

function figures(rows: { label: RelationalClass; predicted: RelationalClass }[]): Figures {
  const confusion = emptyConfusion();
  for (const r of rows) confusion[r.label][r.predicted]++;
  const polar = rows.filter((r) => r.label !== 'neutral').length;
  const polarCorrect = confusion.relational.relational + confusion.transactional.transactional;
  const inversions = confusion.relational.transactional + confusion.transactional.relational;
  const neutral = rows.length - polar;
  const neutralCorrect = confusion.neutral.neutral;
  const correct = polarCorrect + neutralCorrect;
  return {
    cases: rows.length,
    confusion,
    polar,
    polarCorrect,
    agreement: polar ? polarCorrect / polar : Number.NaN,
    inversions,
    neutral,
    neutralCorrect,
    neutralRecall: neutral ? neutralCorrect / neutral : Number.NaN,
    accuracy: rows.length ? correct / rows.length : Number.NaN,
  };
}

export function evaluate(cases: readonly CorpusCase[], scorer: Scorer): Evaluation {
  const rows = cases.map((c) => {
    const r = scorer(c);
    return { c, r, label: c.label, predicted: r.class };
  });
  const misses: Miss[] = rows
    .filter((x) => x.label !== x.predicted)
    .map(({ c, r, label, predicted }) => ({
      id: c.id,
      language: c.language,
      label,
      predicted,
      score: r.score,
      inversion: label !== 'neutral' && predicted !== 'neutral',
      hard: c.hard ?? null,
      reason: c.reason,
      signals: r.signals.slice(0, 4).map((s) => `${s.name} ${s.effect > 0 ? '+' : ''}${s.effect} (${s.detail})`),
    }));
  return {
    ...figures(rows),
    byLanguage: { en: figures(rows.filter((x) => x.c.language === 'en')), nb: figures(rows.filter((x) => x.c.language === 'nb')) },
    misses,
  };
}

export const scoreCase = (score: (tp: ReturnType<typeof toScoringInput>['tp'], ctx: ReturnType<typeof toScoringInput>['ctx']) => RelationalScore): Scorer => (c) => {
  const { tp, ctx } = toScoringInput(c);
  return score(tp, ctx);
};

export const meetsGoals = (e: Figures) => e.polar > 0 && e.agreement >= GOALS.agreement && e.inversions <= GOALS.inversions;

const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`);

function matrix(f: Figures): string[] {
  const head = `  ${'label \\ predicted'.padEnd(18)}${CLASSES.map((c) => c.padStart(14)).join('')}`;
  return [head, ...CLASSES.map((l) => `  ${l.padEnd(18)}${CLASSES.map((p) => String(f.confusion[l][p]).padStart(14)).join('')}`)];
}

function summary(name: string, f: Figures): string[] {
  return [
    `${name}: ${f.cases} cases`,
    ...matrix(f),
    `  agreement (relational/transactional predicted exactly): ${f.polarCorrect}/${f.polar} = ${pct(f.agreement)}`,
    `  inversions: ${f.inversions}`,
    `  neutral recall: ${f.neutralCorrect}/${f.neutral} = ${pct(f.neutralRecall)}`,
    `  exact class, all cases: ${pct(f.accuracy)}`,
  ];
}

export function report(title: string, e: Evaluation, opts: { misses?: boolean } = {}): string {
  const lines = [`== ${title}`, ...summary('all', e), ...summary('English (en)', e.byLanguage.en), ...summary('Norwegian bokmål (nb)', e.byLanguage.nb)];
  if (opts.misses !== false) {
    lines.push(`cases it gets wrong: ${e.misses.length}`);
    for (const m of e.misses) {
      lines.push(
        `- ${m.id} [${m.language}${m.hard ? `, ${m.hard}` : ''}] labelled ${m.label}, predicted ${m.predicted} (${m.score})${m.inversion ? '  ** INVERSION **' : ''}`,
        `    label's reason: ${m.reason}`,
        ...m.signals.map((s) => `    ${s}`),
      );
    }
  }
  lines.push(`goal (agreement >= ${GOALS.agreement * 100}%, inversions <= ${GOALS.inversions}): ${meetsGoals(e) ? 'met' : 'NOT met'}`);
  return lines.join('\n');
}
