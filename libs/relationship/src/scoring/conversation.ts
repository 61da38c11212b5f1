import type { Speaker, Touchpoint } from '../touchpoint.js';
import { normalise } from './text.js';

/** Where a turn comes from: this touchpoint, the message it answers, or a later reply to it. */
export type TurnSource = 'before' | 'self' | 'after';

export interface Sentence {
  /** As written (trimmed), for quoting. */
  raw: string;
  norm: string;
  question: boolean;
}

export interface Turn {
  speaker: Speaker;
  source: TurnSource;
  raw: string;
  norm: string;
  sentences: Sentence[];
  words: string[];
}

const WORD_RE = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu;
const QUESTION_END = /\?["'»)\]]*$/;

/** Channels whose summary is the message itself (an e-mail body), not a note about a call. */
const WRITTEN: ReadonlySet<string> = new Set(['email', 'sms', 'letter', 'in_app', 'social', 'support_ticket', 'chat', 'chatbot', 'return', 'newsletter', 'other']);

// Turns repeat (a reply's history is scored with every reply; the same templates go to many
// customers): keep each text's parse, bounded.
const parsed = new Map<string, { norm: string; sentences: Sentence[]; words: string[] }>();

function parse(raw: string) {
  let p = parsed.get(raw);
  if (p === undefined) {
    const sentences: Sentence[] = [];
    for (const line of raw.split(/\r?\n+/)) {
      for (const part of line.split(/(?<=[.!?])\s+/)) {
        const s = part.trim();
        if (s === '') continue;
        const norm = normalise(s);
        sentences.push({ raw: s, norm, question: QUESTION_END.test(norm) });
      }
    }
    const norm = normalise(raw);
    p = { norm, sentences, words: norm.match(WORD_RE) ?? [] };
    if (parsed.size >= 20_000) parsed.clear();
    parsed.set(raw, p);
  }
  return p;
}

function turn(speaker: Speaker, source: TurnSource, raw: string): Turn | undefined {
  const p = parse(raw);
  if (p.words.length === 0) return undefined;
  return { speaker, source, raw, norm: p.norm, sentences: p.sentences, words: p.words };
}

/** Who wrote a touchpoint's own text when it has no transcript. */
function author(tp: Touchpoint): Speaker {
  if (tp.direction === 'inbound') return 'customer';
  return tp.handledBy === 'automation' ? 'bot' : 'agent';
}

/** A touchpoint's spoken or written turns: its transcript, else its body (summary) on a written channel. */
export function ownTurns(tp: Touchpoint | undefined, source: TurnSource): Turn[] {
  const out: Turn[] = [];
  if (!tp) return out;
  if (Array.isArray(tp.transcript)) {
    for (const t of tp.transcript) {
      if (!t || typeof t.text !== 'string') continue;
      if (t.speaker !== 'customer' && t.speaker !== 'agent' && t.speaker !== 'bot') continue;
      const x = turn(t.speaker, source, t.text);
      if (x) out.push(x);
    }
  }
  if (out.length === 0 && typeof tp.summary === 'string' && WRITTEN.has(tp.channel)) {
    const x = turn(author(tp), source, tp.summary);
    if (x) out.push(x);
  }
  return out;
}

export const words = (text: string): string[] => parse(text).words;
