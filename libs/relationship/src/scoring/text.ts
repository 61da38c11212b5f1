// Small, transparent text helpers for English and Norwegian bokmål transcripts: an account
// manager must be able to see why a phrase counted (the phrase families are in lexicon.ts).

const WORD_RE = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu;

// Whitespace that is not already one plain space: a run of spaces, or a run with a tab, line break or other space in it.
const UNEVEN_SPACE = /\s*[^\S ]\s*| {2,}/g;

export function normalise(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019\u02bc`]/g, "'").replace(UNEVEN_SPACE, ' ').trim();
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
