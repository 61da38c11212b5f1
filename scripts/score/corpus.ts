// The labelled relational corpus (libs/relationship/corpus/, format in its README.md): loading,
// the fixed held-out split, the training-set hash the model file carries, and the conversion of
// a case into what `scoreTouchpoint` takes.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RelationalClass, Touchpoint } from '../../libs/relationship/src/touchpoint.js';
import type { ScoringContext } from '../../libs/relationship/src/scoring/index.js';

export type Language = 'en' | 'nb';

type Body = Omit<Touchpoint, 'id' | 'customerId'>;

export interface CorpusCase {
  id: string;
  language: Language;
  label: RelationalClass;
  reason: string;
  hard: string | null;
  review?: { label: RelationalClass; agreed: boolean; note?: string };
  customerName?: string;
  touchpoint: Body & { replyToId?: string };
  history?: (Body & { id: string })[];
  answeredBy?: (Body & { id: string })[];
  unansweredHours?: number;
}


/** The repository root: the folder holding package.json, from here or from dist/. */
export function repoRoot(from = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'libs', 'relationship'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no repository root above ${from}`);
    dir = up;
  }
}

export const corpusDir = (root: string) => path.join(root, 'libs', 'relationship', 'corpus');
/**
 * Cases written and labelled by someone who had read neither the scorer nor the corpus, then
 * labelled again blind by a second reader (corpus/independent/README.md). Never fitted, never
 * split, never tuned on: the closest the repository has to "contacts nobody here wrote".
 */
export const independentDir = (root: string) => path.join(corpusDir(root), 'independent');
/** Made-up examples by the scoring engineer, in the corpus format: used only while the corpus is empty. */
export const seedDir = (root: string) => path.join(root, 'scripts', 'score', 'seed');

export interface Corpus {
  version: string;
  /** 'corpus': libs/relationship/corpus; 'seed': the made-up examples, because the corpus has no cases yet. */
  source: 'corpus' | 'seed';
  cases: CorpusCase[];
  /** Lines that did not parse or lack a required field (reported, never silently dropped). */
  problems: string[];
}

/**
 * Reads the corpus (every *.jsonl file in libs/relationship/corpus/); while it has no cases, the
 * seed examples instead, said so in `source` and the version. Cases come sorted by id, so every
 * use is deterministic.
 */
export function loadCorpus(root = repoRoot()): Corpus {
  const real = readCases(corpusDir(root));
  if (real.cases.length > 0 || real.problems.length > 0) return { version: corpusVersion(corpusDir(root)), source: 'corpus', ...real };
  const seed = readCases(seedDir(root));
  return { version: `seed-${seed.cases.length}`, source: 'seed', ...seed };
}

/** The independent set (`independentDir`), sorted by id; its problems reported like the corpus's. */
export function loadIndependent(root = repoRoot()): { cases: CorpusCase[]; problems: string[] } {
  return readCases(independentDir(root));
}

function readCases(dir: string): { cases: CorpusCase[]; problems: string[] } {
  const cases: CorpusCase[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort() : [];
  for (const file of files) {
    readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '') return;
        let c: CorpusCase;
        try {
          c = JSON.parse(line);
        } catch (err) {
          problems.push(`${file}:${i + 1}: not JSON (${(err as Error).message})`);
          return;
        }
        const missing = (['id', 'language', 'label', 'touchpoint'] as const).filter((k) => !c?.[k]);
        if (missing.length > 0) return void problems.push(`${file}:${i + 1}: missing ${missing.join(', ')}`);
        if (!['relational', 'neutral', 'transactional'].includes(c.label)) return void problems.push(`${file}:${i + 1}: unknown label ${c.label}`);
        if (seen.has(c.id)) return void problems.push(`${file}:${i + 1}: duplicate id ${c.id}`);
        seen.add(c.id);
        cases.push(c);
      });
  }
  cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { cases, problems };
}

/** The corpus version its README states ("Corpus version: 3", "version: 2026.1" …), else "unversioned". */
export function corpusVersion(dir: string): string {
  const p = path.join(dir, 'README.md');
  if (!existsSync(p)) return 'unversioned';
  const m = readFileSync(p, 'utf8').match(/corpus version\**\s*[:=]?\s*\**\s*`?([0-9A-Za-z][\w.+-]*)`?/i) ?? readFileSync(p, 'utf8').match(/^\s*version\s*[:=]\s*`?([\w.+-]+)`?/im);
  return m ? m[1] : 'unversioned';
}

/** TEAM.md's rule, fixed forever: held out when the first byte of sha256(id) is below 64. */
export function isHeldOut(id: string): boolean {
  return createHash('sha256').update(id).digest()[0] < 64;
}

export function split(cases: readonly CorpusCase[]): { training: CorpusCase[]; heldOut: CorpusCase[] } {
  const training: CorpusCase[] = [];
  const heldOut: CorpusCase[] = [];
  for (const c of cases) (isHeldOut(c.id) ? heldOut : training).push(c);
  return { training, heldOut };
}

/** sha256 over the training cases' canonical JSON, in id order: names exactly what a fit saw. */
export function casesHash(cases: readonly CorpusCase[]): string {
  const h = createHash('sha256');
  for (const c of [...cases].sort((a, b) => (a.id < b.id ? -1 : 1))) h.update(canonical(c)).update('\n');
  return h.digest('hex');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The case as the fold would hand it to the scorer: the touchpoint is "self", as `answeredBy` names it. */
export function toScoringInput(c: CorpusCase): { tp: Touchpoint; ctx: ScoringContext } {
  const customerId = `corpus-${c.id}`;
  const tp = { ...c.touchpoint, id: 'self', customerId } as Touchpoint;
  const history = (c.history ?? []).map((h) => ({ ...h, customerId }) as Touchpoint);
  const answeredBy = (c.answeredBy ?? []).map((a) => ({ ...a, customerId, replyToId: a.replyToId ?? 'self' }) as Touchpoint);
  return {
    tp,
    ctx: { customerName: c.customerName, history, answeredBy, unansweredHours: typeof c.unansweredHours === 'number' ? c.unansweredHours : undefined },
  };
}
