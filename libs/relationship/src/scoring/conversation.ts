import type { Speaker, Touchpoint } from '../touchpoint.js';
import { normalise } from './text.js';

/** Where a turn comes from: this touchpoint, the message it answers, or a later reply to it. */
export type TurnSource = 'before' | 'self' | 'after';

export interface Sentence {
  /** As written (trimmed), for quoting. */
  raw: string;
  norm: string;
  question: boolean;
  /** Narrated in a case note ("asked how she was managing"), not said or written by the speaker. */
  reported?: true;
}

export interface Turn {
  speaker: Speaker;
  source: TurnSource;
  raw: string;
  norm: string;
  sentences: Sentence[];
  words: string[];
  /** Every sentence is narrated in a case note, not the speaker's own words. */
  reported?: true;
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

/** Sender names no person answers to: "no-reply", "noreply@…", "do not reply", "ikke-svar". */
const SYSTEM_SENDER = /^(?:no-?reply|do-?not-?reply|donotreply|no-?answer|mailer-daemon|postmaster|system|automated|auto-?reply|notifications?|ikke-?svar|svar-ikke)$/;

/**
 * Whether the company's handler is a system by its name, whatever the record says: a CRM that
 * marks its template mailer's "no-reply" as a person does not make it one.
 */
export function systemSender(name: unknown): boolean {
  if (typeof name !== 'string') return false;
  const local = name.trim().toLowerCase().split('@')[0].replace(/[\s_.]+/g, '-');
  return SYSTEM_SENDER.test(local);
}

/** Who wrote a touchpoint's own text when it has no transcript. */
function author(tp: Touchpoint): Speaker {
  if (tp.direction === 'inbound') return 'customer';
  return tp.handledBy === 'automation' || systemSender(tp.agent?.name) ? 'bot' : 'agent';
}

/** Channels where people spoke: a summary there is a note about the contact, never its text. */
const SPOKEN: ReadonlySet<string> = new Set(['phone', 'meeting', 'video']);
/** Written channels where a person's case note can stand in for the body (a CRM or ticket note). */
const NOTE_WRITTEN: ReadonlySet<string> = new Set(['email', 'support_ticket', 'social', 'chat', 'other']);

/**
 * A touchpoint's spoken or written turns: its transcript, else its summary — a case note read
 * into who said and did what (`readCaseNote`), or the body itself on a written channel.
 */
export function ownTurns(tp: Touchpoint | undefined, source: TurnSource, customerName?: string): Turn[] {
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
  if (out.length > 0 || typeof tp.summary !== 'string') return out;
  const spoken = SPOKEN.has(tp.channel);
  const maybeNote = spoken || (NOTE_WRITTEN.has(tp.channel) && tp.handledBy === 'human');
  const note = maybeNote ? readCaseNote(tp.summary, { agent: typeof tp.agent?.name === 'string' ? tp.agent.name : undefined, customer: customerName, inbound: tp.direction === 'inbound', language: typeof tp.language === 'string' ? tp.language : undefined }) : undefined;
  if (note) {
    for (const part of note) {
      const x = turn(part.speaker, source, part.text);
      if (!x) continue;
      out.push(part.reported ? { ...x, reported: true, sentences: x.sentences.map((s) => ({ ...s, reported: true })) } : x);
    }
  } else if (WRITTEN.has(tp.channel)) {
    const x = turn(author(tp), source, tp.summary);
    if (x) out.push(x);
  }
  return out;
}

// ---- case notes ------------------------------------------------------------------------------

/** One stretch of a case note: who it is about or whose words it quotes, and whether it is narrated. */
export interface NotePart {
  speaker: 'customer' | 'agent';
  text: string;
  /** Narrated ("asked how she was managing"), not quoted speech. */
  reported: boolean;
}

export interface NotePeople {
  /** The agent's name as the CRM has it (`touchpoint.agent.name`). */
  agent?: string;
  customer?: string;
  /** The contact came from the customer: an unattributed quote is theirs. */
  inbound?: boolean;
  language?: string;
}

const CUSTOMER_WORD = /^(?:customers?|client|caller|tenant|buyer|applicant|member|patient|resident|user|policyholder|guest|parent|mr|mrs|ms|miss|kunden|kunde|innringer(?:en)?|leietaker(?:en)?|kjøper(?:en)?|søker(?:en)?|medlemmet|pasienten|beboer(?:en)?|brukeren|bruker|innbygger(?:en)?|forsikringstaker(?:en)?|gjesten|foresatt|forelder|klienten)(?:'s)?$/u;
const AGENT_WORD = /^(?:agent|agenten|adviser|advisor|rådgiver(?:en)?|saksbehandler(?:en)?|caseworker|handler|we|vi|support|kundeservice|kundebehandler(?:en)?|engineer|technician|teknikeren|montøren|team|teamet|staff|colleague|kollega)(?:'s)?$/u;
/**
 * A clause without a subject that opens with what the company does ("Advised router restart",
 * "Lovet ny leveringsdato", "Closed") or with the case itself ("Ticket closed", "Saken sendt til …")
 * is the company's, whoever the clause before was about.
 */
const COMPANY_OPENER = /^(?:advised|explained|offered|agreed|arranged|blocked|booked|sent|set|gave|informed|confirmed|promised|closed|raised|refunded|credited|called|rang|phoned|rebooked|replaced|recommended|suggested|escalated|transferred|forwarded|referred|logged|registered|cancelled|issued|ordered|checked|reset|apologi[sz]ed|told|reminded|resolved|solved|marked|declined|refused|rejected|lovet|informert|opplyst|anbefalt|anbefalte|rådet|sendt|sendte|lukket|løst|avsluttet|forklarte|foreslo|avtalt|avtalte|bekreftet|ringte|ga|tilbød|booket|bestilte|bestilt|ordnet|krediterte|kreditert|refunderte|refundert|sperret|opprettet|registrerte|registrert|beklaget|henviste|henvist|videresendt|overført|overførte|avslo|avslått|avvist|purret|status|ticket|case|job|reply|answer|response|saken|saka|henvendelsen|svar|svaret)$/u;
const PREPOSITION = /^(?:in|at|on|during|after|before|towards|by|within|i|på|etter|under|før|mot|ved|innen)$/u;
const FILLER = /^(?:then|later|afterwards|also|finally|first|and|but|so|da|så|etterpå|deretter|først|og|men|også|til|slutt|the|a|an|\d[\d./:]*)$/u;
/** An attribution label that is the company's side: "Agent reply:", "Svar fra kommunen:". */
const AGENT_LABEL = /^(?:agent(?:'s)? (?:reply|response|note|answer)|(?:reply|response|answer) from .+|our reply|svar fra .+|agentens svar|saksbehandlers? svar)$/u;
const CUSTOMER_LABEL = /^(?:customer(?:'s)? (?:reply|response|words)|kundens? (?:svar|ord))$/u;
/** First or second person outside quotes: a message written by its author, not a note about a contact. */
// Norwegian "i" is "in": each language's pronouns are read only in a text of that language (or of none given).
const BODY_PERSON_EN = /(?<![\p{L}'])(?:i|i'm|i'll|i've|i'd|me|my|we|we're|we'll|we've|us|our|you|your|you're|you'll)(?![\p{L}'])/u;
const BODY_PERSON_NB = /(?<![\p{L}'])(?:jeg|meg|mitt|mine|vi|oss|vår|vårt|våre|du|deg|din|ditt|dine|dere)(?![\p{L}'])/u;
const GREETING = /^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hei|hallo|kjære|god (?:morgen|dag|kveld))(?!\p{L})/u;
const FIRST_PERSON_EN = /(?<![\p{L}'])(?:i|i'm|i'll|i've|i'd|me|my|we'll)(?![\p{L}'])/u;
const FIRST_PERSON_NB = /(?<![\p{L}'])(?:jeg|meg)(?![\p{L}'])/u;
/** Who the note's object pronoun points to: "asked her", "spurte henne" make the customer "she". */
const CUSTOMER_OBJECT = /(?<!\p{L})(?:asked|told|gave|offered|took|called|phoned|rang|sent|helped|reassured|showed|walked|visited|emailed|texted|met|spurte|fortalte|ga|tilbød|tok|ringte|sendte|hjalp|viste|besøkte|møtte|med) (her|him|henne|ham)(?!\p{L})/u;

/** What a note can have and a plain body does not: a quote or a label ("Customer:"). */
const NOTE_MARKS = /["\u00ab\u201c\u201e\u2018:]|(?:^|[\s([])'/u;

// The same note is read for every touchpoint that carries it (a call in many customers' histories):
// keep each reading, bounded.
const notes = new Map<string, NotePart[] | null>();

/**
 * Reads a summary as a case note when it is one: a narration of the contact in the third person
 * ("Jade phoned the customer, asked how she was managing … Customer: 'Thank you'"), not a message
 * written by its author. Quoted speech goes to whoever said it (a label such as "Customer:",
 * "Kunden:", the agent's name, or the narration's subject before it); the narration goes to its
 * subject, marked reported — a subjectless clause keeps the subject before it, and the company's
 * side is the default (a note records what the company did). Returns undefined for a message
 * body. Pure; never throws.
 */
export function readCaseNote(text: string, people: NotePeople = {}): NotePart[] | undefined {
  if (typeof text !== 'string') return undefined;
  const key = `${people.language ?? ''}${people.inbound ? 'i' : 'o'}\u0001${people.agent ?? ''}\u0001${people.customer ?? ''}\u0001${text}`;
  const hit = notes.get(key);
  if (hit !== undefined) return hit ?? undefined;
  // Most summaries are bodies: one with no quote and no label that greets or says "I"/"you" is one, unparsed.
  if (!NOTE_MARKS.test(text)) {
    const n = normalise(text);
    if (GREETING.test(n) || (people.language !== 'nb' && BODY_PERSON_EN.test(n)) || (people.language !== 'en' && BODY_PERSON_NB.test(n))) return undefined;
  }
  let parts: NotePart[] | undefined;
  try {
    parts = parseNote(text, people);
  } catch {
    parts = undefined;
  }
  if (notes.size >= 5000) notes.clear();
  notes.set(key, parts ?? null);
  return parts;
}

interface Segment {
  quote: boolean;
  text: string;
}

const OPENERS: Record<string, string> = { '"': '"', '\u201c': '\u201d', '\u201e': '\u201c', '\u00ab': '\u00bb', "'": "'", '\u2018': '\u2019' };

/** Narration and quotes, in order. An apostrophe inside a word ("I'll") opens or closes nothing. */
function segments(text: string): Segment[] {
  const out: Segment[] = [];
  // A closing mark found nowhere after one opener is nowhere after a later one either: without
  // this, a summary of unclosed «s is read in quadratic time (10,000 characters took 60–110 ms).
  const unclosed = new Set<string>();
  let from = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const close = OPENERS[ch];
    const before = i === 0 ? ' ' : text[i - 1];
    const after = text[i + 1] ?? '';
    const straight = ch === "'" || ch === '\u2018' || ch === '"';
    if (close === undefined || unclosed.has(close) || (straight && !/[\s(:[\u2014\u2013-]/u.test(before)) || /\s/u.test(after) || after === '') {
      i++;
      continue;
    }
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] !== close) continue;
      if (close === "'" || close === '\u2019') {
        const next = text[j + 1] ?? '';
        if (next !== '' && !/[\s.,;:!?)\]\u00bb\u2014\u2013-]/u.test(next)) continue;
      }
      break;
    }
    if (j >= text.length) {
      unclosed.add(close);
      i++;
      continue;
    }
    const inner = text.slice(i + 1, j);
    // A quoted phrase ('nær rådgivning') is narration; speech is a sentence or a few words.
    if (wordsOf(inner).length >= 3 || /[.!?]\s*$/u.test(inner)) {
      if (i > from) out.push({ quote: false, text: text.slice(from, i) });
      out.push({ quote: true, text: inner });
      from = j + 1;
    }
    i = j + 1;
  }
  if (from < text.length) out.push({ quote: false, text: text.slice(from) });
  return out;
}

/** The clause's first word past the fillers ("Then", "Da", a date), lower case. */
function firstWord(clause: string): string {
  const ws = wordsOf(clause);
  let i = 0;
  while (i < ws.length - 1 && FILLER.test(ws[i])) i++;
  return ws[i] ?? '';
}

const wordsOf = (s: string): string[] => normalise(s).match(WORD_RE) ?? [];

function nameTokens(name: string | undefined): string[] {
  return typeof name === 'string' ? wordsOf(name).filter((w) => w.length >= 2) : [];
}

function parseNote(text: string, people: NotePeople): NotePart[] | undefined {
  const segs = segments(text);
  const en = people.language !== 'nb';
  const nb = people.language !== 'en';
  const bodyPerson = (n: string) => (en && BODY_PERSON_EN.test(n)) || (nb && BODY_PERSON_NB.test(n));
  const firstPerson = (n: string) => (en && FIRST_PERSON_EN.test(n)) || (nb && FIRST_PERSON_NB.test(n));
  const agentNames = nameTokens(people.agent);
  const customerNames = nameTokens(people.customer);
  const narration = segs.filter((s) => !s.quote).map((s) => s.text).join(' ');
  const gender = CUSTOMER_OBJECT.exec(normalise(narration))?.[1];
  const customerPronoun = gender === undefined ? undefined : gender === 'her' || gender === 'henne' ? /^(?:she|hun)$/u : /^(?:he|han)$/u;
  const otherPronoun = gender === undefined ? undefined : gender === 'her' || gender === 'henne' ? /^(?:he|han)$/u : /^(?:she|hun)$/u;
  // A capitalised word that also stands mid-sentence is a name, not a sentence's first word.
  const midNames = new Set<string>();
  for (const m of narration.matchAll(/(?<=[\p{L},] )\p{Lu}\p{Ll}+/gu)) midNames.add(m[0].toLowerCase());

  const who = (label: string): 'customer' | 'agent' | undefined => {
    const n = normalise(label);
    const ws = wordsOf(label);
    if (ws.length === 0) return undefined;
    if (AGENT_LABEL.test(n)) return 'agent';
    if (CUSTOMER_LABEL.test(n)) return 'customer';
    if (ws.length > 3) return undefined;
    if (ws.length === 1 && AGENT_WORD.test(ws[0])) return 'agent';
    if (ws.length <= 2 && CUSTOMER_WORD.test(ws[ws.length - 1])) return 'customer';
    if (ws.every((w) => agentNames.includes(w))) return 'agent';
    if (ws.every((w) => customerNames.includes(w))) return 'customer';
    // Someone else named in the note ("disponent Roy … Roy: …"): the customer's side when the agent is known.
    if (ws.length <= 2 && /^\p{Lu}/u.test(label) && ws.every((w) => midNames.has(w)) && agentNames.length > 0) return 'customer';
    return undefined;
  };
  /** The side a clause is about, from its subject; undefined when it has none of its own. */
  const subject = (clause: string): 'customer' | 'agent' | undefined => {
    const raw = clause.match(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu) ?? [];
    let i = 0;
    while (i < raw.length - 1 && FILLER.test(raw[i].toLowerCase())) i++;
    // "In the last minutes Marguerite asked …", "På vei ut sa Roy …": the subject comes after the opening phrase.
    if (PREPOSITION.test(raw[i]?.toLowerCase() ?? '')) {
      for (let j = i + 1; j < Math.min(raw.length, i + 6); j++) {
        const w = raw[j].toLowerCase();
        if (CUSTOMER_WORD.test(w) || AGENT_WORD.test(w) || ((agentNames.includes(w) || customerNames.includes(w)) && /^\p{Lu}/u.test(raw[j]))) {
          i = j;
          break;
        }
      }
    }
    const first = raw[i];
    if (first === undefined) return undefined;
    const w = first.toLowerCase();
    if (CUSTOMER_WORD.test(w)) return 'customer';
    if (AGENT_WORD.test(w)) return 'agent';
    if (customerPronoun?.test(w)) return 'customer';
    if (otherPronoun?.test(w)) return 'agent';
    if (/^\p{Lu}/u.test(first)) {
      if (agentNames.includes(w)) return 'agent';
      if (customerNames.includes(w)) return 'customer';
      if (midNames.has(w) && agentNames.length > 0) return 'customer';
    }
    return undefined;
  };

  const parts: NotePart[] = [];
  let current: 'customer' | 'agent' = 'agent';
  let signs = 0;
  let body = false;
  let attribution: 'customer' | 'agent' | undefined;
  const push = (speaker: 'customer' | 'agent', t: string, reported: boolean) => {
    const trimmed = t.trim();
    if (wordsOf(trimmed).length === 0) return;
    const last = parts[parts.length - 1];
    if (last && last.speaker === speaker && last.reported === reported) last.text = `${last.text} ${trimmed}`;
    else parts.push({ speaker, text: trimmed, reported });
  };
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k];
    if (seg.quote) {
      const speaker = attribution ?? (people.inbound ? 'customer' : 'agent');
      push(speaker, seg.text, false);
      attribution = undefined;
      continue;
    }
    attribution = undefined;
    const clauses = seg.text.split(/(?<=[.!?;\u2026])\s+|\r?\n+/u);
    for (let c = 0; c < clauses.length; c++) {
      let clause = clauses[c].trim();
      if (clause === '') continue;
      const tail = c === clauses.length - 1 && k + 1 < segs.length;
      const labelled = /^([^:.!?]{1,60}):\s*(.*)$/su.exec(clause);
      const side = labelled ? who(labelled[1]) : undefined;
      if (labelled && side) {
        signs++;
        clause = labelled[2];
        if (clause.trim() === '') {
          attribution = side;
          continue;
        }
        // "Holly: I'll chase the engineer" is her own words; "Ryan: no slots today, will ring back" the note's.
        push(side, clause, !firstPerson(normalise(clause)));
        current = side;
        if (tail) attribution = side;
        continue;
      }
      const norm = normalise(clause);
      if (bodyPerson(norm) || (parts.length === 0 && c === 0 && GREETING.test(norm))) body = true;
      if (/(?<!\p{L})(?:the customer|kunden)(?!\p{L})/u.test(norm)) signs++;
      const own = subject(clause);
      if (own) {
        signs++;
        current = own;
      } else if (COMPANY_OPENER.test(firstWord(clause))) current = 'agent';
      push(current, clause, true);
      // "Ravi logged the readings and said: '…'": the quote is the clause's subject's.
      if (tail) attribution = /[:,\u2014\u2013-]\s*$/u.test(clause) || /(?<!\p{L})(?:said|says|told|promised|replied|wrote|added|sa|sier|skrev|svarte|lovet)(?!\p{L})/u.test(norm) ? current : undefined;
    }
  }
  if (body || signs === 0) return undefined;
  return parts.length > 0 ? parts : undefined;
}

export const words = (text: string): string[] => parse(text).words;
