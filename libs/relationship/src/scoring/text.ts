// Small, transparent text heuristics for English and Norwegian bokmål transcripts. No NLP
// library on purpose: an account manager must be able to see why a phrase counted.

const LETTER = '[\\p{L}\\p{N}]';
const WORD_RE = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu;

export function normalise(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019\u02bc`]/g, "'").replace(/\s+/g, ' ').trim();
}

export function words(text: string): string[] {
  return normalise(text).match(WORD_RE) ?? [];
}

export function wordCount(text: string): number {
  return words(text).length;
}

/** Sentences, each with its closing punctuation kept (so a question still ends with `?`). */
export function sentences(text: string): string[] {
  // A line break ends a sentence too ("Hi Kari\nWhat happened?"), so split lines before normalising.
  return text
    .split(/\r?\n+/)
    .flatMap((line) => normalise(line).split(/(?<=[.!?])\s+/))
    .filter((s) => s.length > 0);
}

interface Compiled {
  /** The literal text each phrase's match must contain: a cheap substring test before the regex. */
  bodies: string[];
  each: RegExp[];
}
const compiled = new WeakMap<readonly string[], Compiled>();
// Lists built per call (a customer's name tokens) miss the WeakMap: keep them by content too, bounded.
const compiledByKey = new Map<string, Compiled>();
const MAX_KEYED = 5000;
const wordSets = new WeakMap<readonly string[], Set<string>>();

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function phraseBody(raw: string): string {
  const p = normalise(raw);
  return p.endsWith('*') ? p.slice(0, -1) : p;
}

function phraseSource(raw: string): string {
  const p = normalise(raw);
  const prefix = p.endsWith('*');
  const body = escape(prefix ? p.slice(0, -1) : p);
  const head = /^[\p{L}\p{N}]/u.test(p) ? `(?<!${LETTER})` : '';
  const tail = prefix ? `${LETTER}*` : /[\p{L}\p{N}]$/u.test(p) ? `(?!${LETTER})` : '';
  return `${head}${body}${tail}`;
}

// The last few lists looked up, checked by identity before the WeakMap (scoring asks for the same handful all the time).
const recentLists: (readonly string[])[] = [];
const recentCompiled: Compiled[] = [];

/** Whole-word, case-insensitive phrase regexes, each with its literal body for a fast miss; a trailing `*` allows any word ending. */
function patterns(phrases: readonly string[]): Compiled {
  for (let i = 0; i < recentLists.length; i++) if (recentLists[i] === phrases) return recentCompiled[i];
  const res = compiledFor(phrases);
  if (recentLists.length >= 16) {
    recentLists.pop();
    recentCompiled.pop();
  }
  recentLists.unshift(phrases);
  recentCompiled.unshift(res);
  return res;
}

function compiledFor(phrases: readonly string[]): Compiled {
  let res = compiled.get(phrases);
  if (!res) {
    const key = phrases.join('\u0000');
    res = compiledByKey.get(key);
    if (!res) {
      const sources = phrases.map(phraseSource);
      res = { bodies: phrases.map(phraseBody), each: sources.map((src) => new RegExp(src, 'u')) };
      if (compiledByKey.size >= MAX_KEYED) compiledByKey.clear();
      compiledByKey.set(key, res);
    }
    compiled.set(phrases, res);
  }
  return res;
}

function wordSet(list: readonly string[]): Set<string> {
  let set = wordSets.get(list);
  if (!set) {
    set = new Set(list.map(normalise));
    wordSets.set(list, set);
  }
  return set;
}

/** The first phrase of `phrases` found in `text` (as written in the list), or undefined. */
export function findPhrase(text: string, phrases: readonly string[]): string | undefined {
  const t = normalisedOnce(text);
  const { bodies, each } = patterns(phrases);
  // A match always contains the phrase's literal body (the text is normalised, the regex has no `i` flag).
  for (let i = 0; i < each.length; i++) if (t.includes(bodies[i]) && each[i].test(t)) return phrases[i].replace(/\*$/, '');
  return undefined;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const isWordChar = (ch: string | undefined) => ch !== undefined && LETTER_OR_DIGIT.test(ch);
/** The code point (as a string) that ends just before index `i`, surrogate pairs kept whole. */
function charBefore(t: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const low = t.charCodeAt(i - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && i >= 2 ? i - 2 : i - 1;
  return String.fromCodePoint(t.codePointAt(start)!);
}
function charAt(t: string, i: number): string | undefined {
  return i < t.length ? String.fromCodePoint(t.codePointAt(i)!) : undefined;
}

/**
 * `findPhrase` for lists that differ per call (a customer's name tokens), without compiling
 * regexes: a literal search with the same whole-word rule. Phrases with a trailing `*` go
 * through `findPhrase`.
 */
export function findPhraseLiteral(text: string, phrases: readonly string[]): string | undefined {
  const t = normalisedOnce(text);
  for (const raw of phrases) {
    if (raw.endsWith('*')) {
      if (findPhrase(text, [raw])) return raw.slice(0, -1);
      continue;
    }
    const p = normalise(raw);
    if (p.length === 0) continue;
    const head = isWordChar(charAt(p, 0));
    const tail = isWordChar(charBefore(p, p.length));
    for (let at = t.indexOf(p); at >= 0; at = t.indexOf(p, at + 1)) {
      if (head && isWordChar(charBefore(t, at))) continue;
      if (tail && isWordChar(charAt(t, at + p.length))) continue;
      return raw;
    }
  }
  return undefined;
}

// The same turn is checked against several phrase lists in a row: normalise it once.
let lastText: string | undefined;
let lastNormalised = '';
function normalisedOnce(text: string): string {
  if (text !== lastText) {
    lastNormalised = normalise(text);
    lastText = text;
  }
  return lastNormalised;
}

export interface QuestionPhrases {
  openQuestionStarters: readonly string[];
  openQuestionPrompts: readonly string[];
  questionFillers: readonly string[];
  factualQuestionPhrases: readonly string[];
}

/**
 * An open question invites the customer to talk: a `?` sentence whose clause starts with an
 * open word ("how", "hva") after fillers, or an open prompt anywhere ("tell me about",
 * "kan du beskrive"). Questions asking for a fact ("what is your order number?") do not count.
 */
export function isOpenQuestion(sentence: string, p: QuestionPhrases, extraFillers: readonly string[] = []): boolean {
  if (findPhrase(sentence, p.factualQuestionPhrases)) return false;
  if (findPhrase(sentence, p.openQuestionPrompts)) return true;
  if (!sentence.trimEnd().replace(/["'»)\]]+$/, '').endsWith('?')) return false;
  const fillers = wordSet(p.questionFillers);
  const starters = wordSet(p.openQuestionStarters);
  for (const clause of sentence.split(/[,;:\u2013\u2014]|\s-\s/)) {
    const ws = words(clause);
    let i = 0;
    while (i < ws.length && (fillers.has(ws[i]) || extraFillers.includes(ws[i]))) i++;
    if (i < ws.length && starters.has(ws[i])) return true;
  }
  return false;
}

/** Any question: a `?` sentence or an open prompt. */
export function isQuestion(sentence: string, p: QuestionPhrases): boolean {
  return /\?["'»)\]]*$/.test(sentence.trimEnd()) || isOpenQuestion(sentence, p);
}
