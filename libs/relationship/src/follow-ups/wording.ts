// Every sentence a follow-up task shows, in one place, built from the same helpers as the health
// drivers (health/wording.ts: articles, plurals, channel names, dates), so a task and the customer
// page say a contact, a count and a day the same way. Checked case by case in wording.spec.ts.
import type { Touchpoint } from '../touchpoint.js';
import { article, channelNoun, counted, formatDay, listOf, plural, recencyFactor } from '../health/wording.js';

type Contact = Pick<Touchpoint, 'channel' | 'handledBy'>;

/** Newsletters and chatbots are automation by nature; saying so again reads oddly ("an automated newsletter"). */
const AUTOMATED_BY_NATURE = new Set<unknown>(['chatbot', 'newsletter']);

function contactNoun(tp: Contact, automatedImplied: boolean): { one: string; many: string } {
  const n = channelNoun(tp.channel);
  if (automatedImplied || tp.handledBy !== 'automation' || AUTOMATED_BY_NATURE.has(tp.channel)) return n;
  return { one: `automated ${n.one}`, many: `automated ${n.many}` };
}

/** "e-mail", "chatbot conversation", "automated e-mail": one contact, no article. */
export const contactName = (tp: Contact): string => contactNoun(tp, false).one;

/** "an e-mail", "a chatbot conversation", "an automated SMS message". */
export function aContact(tp: Contact): string {
  const noun = contactName(tp);
  return `${article(noun)} ${noun}`;
}

/**
 * Contacts counted by kind in first-seen order: "2 chatbot conversations and a support ticket".
 * `automatedImplied`: the sentence already says they were automated ("… automated messages (3 e-mails and a newsletter)").
 */
export function contactsCounted(tps: readonly Contact[], automatedImplied = false): string {
  const counts = new Map<string, { noun: { one: string; many: string }; n: number }>();
  for (const tp of tps) {
    const noun = contactNoun(tp, automatedImplied);
    const entry = counts.get(noun.one) ?? { noun, n: 0 };
    entry.n++;
    counts.set(noun.one, entry);
  }
  return listOf([...counts.values()].map(({ noun, n }) => counted(n, noun.one, noun.many)));
}

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
/** "three" up to ten, digits above. */
export const numberWord = (n: number): string => (Number.isInteger(n) && n >= 0 && n < NUMBER_WORDS.length ? NUMBER_WORDS[n] : String(n));

/** "once", "twice", "three times", "12 times". */
export const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${numberWord(n)} times`);

/** The day of a business time, as the health drivers write it: "8 Mar 2026". */
export const dayOf = (iso: string | number): string => formatDay(typeof iso === 'number' ? iso : Date.parse(iso));

/** "1,250,000": the annual value as a reader scans it (no currency: the contract stores none). */
export function amount(v: number): string {
  const [whole, frac] = String(Math.round(v * 100) / 100).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac ? `${grouped}.${frac}` : grouped;
}

/** "50 hours" under three days, else "4 days": how long a message has waited. */
export const waited = (hours: number): string => (hours < 72 ? plural(Math.max(0, Math.round(hours)), 'hour') : plural(Math.floor(hours / 24), 'day'));

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A quoted subject, trimmed to a readable length. */
const quoted = (s: string, max = 120) => `"${s.length > max ? `${s.slice(0, max - 3)}...` : s}"`;

// ---- the rules, in the order of rules.ts ----

export function highValueTransactional(w: { tp: Touchpoint; name: string; annualValue: number; why: string }) {
  const day = dayOf(w.tp.occurredAt);
  // A survey answer is the customer's own word on the contact, not a contact that was transactional.
  if (w.tp.survey) {
    return {
      reason: `A survey answer on ${day} from a high-value customer (annual value ${amount(w.annualValue)}) says contact felt transactional.`,
      suggestedAction: `Call ${w.name} yourself: their survey answer on ${day} says contact with you felt transactional${w.why ? ` (${w.why})` : ''}.`,
    };
  }
  return {
    reason: `A transactional ${contactName(w.tp)} on ${day} with a high-value customer (annual value ${amount(w.annualValue)}).`,
    suggestedAction: `Call ${w.name} yourself: their latest contact was ${aContact(w.tp)} on ${day} that felt transactional${w.why ? ` (${w.why})` : ''}.`,
  };
}

export function transactionalStreak(w: { contacts: readonly Touchpoint[]; name: string; topic?: string }) {
  const n = numberWord(w.contacts.length);
  const kinds = contactsCounted(w.contacts);
  const about = w.topic ? `, about the same ${w.topic}` : '';
  return {
    reason: `The last ${n} contacts were all transactional (${kinds}).`,
    suggestedAction: `Call ${w.name} yourself: their last ${n} contacts (${kinds}) were all transactional${about}, and none felt personal.`,
  };
}

export interface SilenceWords {
  name: string;
  /** Whole days from `sinceMs` to the moment the rule looked (wholeDaysBetween: the health driver's number). */
  days: number;
  /** The last relational contact, else the first touchpoint (lastRelationalContact). */
  sinceMs: number;
  hasRelational: boolean;
  automated: readonly Touchpoint[];
  /** The last relational contact itself: what it was, with whom, about what (the thread to pick up). */
  last?: Touchpoint;
  /** The customer's own contacts since the silence began: they got in touch, and none became a real conversation. */
  reachedOut?: readonly Touchpoint[];
}

const SPOKEN = new Set<unknown>(['phone', 'meeting', 'video', 'chat']);

/** "a phone call with Lars Moe about "invoice"", "an e-mail from Lars Moe": the conversation to pick up. */
function lastConversation(tp: Touchpoint): string {
  const who = tp.agent?.name?.trim();
  const withWhom = !who ? '' : SPOKEN.has(tp.channel) ? ` with ${who}` : tp.direction === 'outbound' ? ` from ${who}` : ` answered by ${who}`;
  const about = (tp.topic ?? tp.subject ?? '').trim();
  return `${aContact(tp)}${withWhom}${about ? ` about ${quoted(about, 60)}` : ''}`;
}

/**
 * The silence sentence is the health driver's own (recencyFactor, with the day the silence began),
 * so the task and the customer page quote one figure and one date: the day count is as of when the
 * task was raised, the date is the same in both.
 */
export function automationWithoutRelational(w: SilenceWords) {
  const silence = recencyFactor({ days: w.days, hasRelational: w.hasRelational, fresh: false, sinceT: w.sinceMs });
  const messages = counted(w.automated.length, 'automated message');
  const kinds = contactsCounted(w.automated.slice(-5), true);
  const shown = w.automated.length > 5 ? `the latest ${numberWord(5)}: ${kinds}` : kinds;
  // Only a person's conversation is a thread to pick up; a praising survey answer counts as relational but is none.
  const pickUp = w.last && w.last.handledBy !== 'automation' && !w.last.survey ? ` (${lastConversation(w.last)})` : '';
  const sinceText = w.hasRelational ? `since ${dayOf(w.sinceMs)}${pickUp}` : `since the first contact on ${dayOf(w.sinceMs)}`;
  // A customer who got in touch and met no real conversation is not merely quiet: say so, with what they sent.
  const own = w.reachedOut ?? [];
  const themselves = own.length === 0 ? '' : `; they got in touch ${times(own.length)} themselves`;
  const tail =
    own.length === 0
      ? ''
      : ` They got in touch ${times(own.length)} since (${own.length > 5 ? `the latest five: ${contactsCounted(own.slice(-5))}` : contactsCounted(own)}), and ${own.length === 1 ? 'it did not become' : 'none of it became'} a real conversation.`;
  return {
    reason: `${capital(silence)} while ${messages} went out${themselves}.`,
    suggestedAction: `Get in touch with ${w.name} personally: nobody has had a real conversation with them ${sinceText}, yet they received ${messages} (${shown}).${tail}`,
  };
}

export function unansweredInbound(w: { tp: Touchpoint; name: string; hours: number; slaHours: number | null }) {
  const what = `${contactName(w.tp)} from ${dayOf(w.tp.occurredAt)}${w.tp.subject ? ` (${quoted(w.tp.subject)})` : ''}`;
  const sla = w.slaHours === null ? '' : ` (SLA ${plural(w.slaHours, 'hour')})`;
  return {
    reason: `An inbound ${what} has had no answer for ${waited(w.hours)}${sla}.`,
    suggestedAction: `Reply to ${w.name} personally today: their ${what} has waited ${waited(w.hours)} without an answer.`,
  };
}

export function detractorWithoutHumanReply(w: { kind: string; score: number; at: string; name: string; comment?: string }) {
  const label = `${w.kind.toUpperCase()} ${w.score}`;
  const day = dayOf(w.at);
  const comment = w.comment?.trim() ? ` and wrote ${quoted(w.comment.trim())}` : '';
  // A quoted comment that ends a sentence of its own closes this one too.
  const stop = /[.!?]"$/.test(comment) ? '' : '.';
  return {
    reason: `A detractor survey answer (${label}) on ${day} has no human reply yet.`,
    suggestedAction: `Call ${w.name} within 48 hours: they answered ${label} on ${day}${comment}${stop} Ask what went wrong and listen.`,
  };
}

export function returnAutomationOnly(w: { contacts: readonly Touchpoint[]; name: string }) {
  const n = w.contacts.length;
  const kinds = contactsCounted(w.contacts);
  return {
    reason: `A return was handled only by automation (${kinds}).`,
    suggestedAction: `Call ${w.name} yourself about their return: ${n === 1 ? `the only contact was ${kinds}` : `${n === 2 ? 'both' : `all ${numberWord(n)}`} contacts (${kinds}) were automated`}, and no person has spoken to them.`,
  };
}

export function repeatContact(w: { label: string; contacts: number; days: number; name: string }) {
  const within = plural(Math.max(1, w.days), 'day');
  return {
    reason: `The customer contacted you ${times(w.contacts)} about ${quoted(w.label)} within ${within}.`,
    suggestedAction: `Call ${w.name} and solve ${quoted(w.label)} for good: they have contacted you ${times(w.contacts)} about it in ${within}.`,
  };
}

export function healthBandDrop(w: { before: { band: string; score: number }; after: { band: string; score: number }; name: string }) {
  return {
    reason: `Relationship health dropped from ${w.before.band} (${w.before.score}) to ${w.after.band} (${w.after.score}).`,
    suggestedAction: `Check in with ${w.name} personally: their relationship health fell from ${w.before.band} to ${w.after.band}; ask how things are going before they decide for you.`,
  };
}

/** An action with the renewal it leads up to: the day, not "in 12 days", which a task read next week would get wrong. */
export function withRenewal(action: string, renewalMs: number): string {
  return `${action.trim().replace(/[.\s]+$/, '')}. Their renewal is on ${dayOf(renewalMs)}.`;
}

/** The band a `healthBandDrop` reason says health dropped from (null: not such a reason). */
export function bandDroppedFrom(reason: string): 'green' | 'yellow' | 'red' | null {
  const m = /^Relationship health dropped from (green|yellow|red) \(/.exec(reason);
  return m ? (m[1] as 'green' | 'yellow' | 'red') : null;
}

export function winBack(w: { name: string; churnedAt: string; tp: Touchpoint }) {
  const left = dayOf(w.churnedAt);
  const back = dayOf(w.tp.occurredAt);
  return {
    // Not led by the name: a reason after the first is joined lower-cased ("Also: …").
    reason: `The customer left on ${left} and got in touch again on ${back} (${aContact(w.tp)}).`,
    suggestedAction: `Call ${w.name} yourself: they left on ${left} and reached out again on ${back}; ask what brought them back.`,
  };
}
