// Every sentence health and churn risk show an account manager, in one place, so their grammar
// (articles, plurals, channel names, lists) is checked by one table of cases (wording.spec.ts).
import type { Channel } from '../touchpoint.js';
import type { Band, RiskLevel } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12 Oct 2026" in UTC, independent of the host's locale data. */
export function formatDay(t: number): string {
  const d = new Date(t);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "1 day", "3 days". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "a" or "an" for a phrase, by its sound: an acronym by its first letter's name ("an SMS", "a CSAT"), else by spelling with the usual exceptions ("a user", "an hour"). */
export function article(phrase: string): 'a' | 'an' {
  const w = phrase.trim().split(/[\s-]/)[0] ?? '';
  if (/^[A-Z]{2,}$/.test(w)) return /^[AEFHILMNORSX]/.test(w) ? 'an' : 'a';
  if (/^(one|once|uni|use|usu|eu)/i.test(w)) return 'a';
  if (/^(hour|honest|honou?r|heir)/i.test(w)) return 'an';
  return /^[aeiou]/i.test(w) ? 'an' : 'a';
}

/** "an open complaint" for 1, "3 open complaints" otherwise: a count as a reader says it. */
export const counted = (n: number, one: string, many = `${one}s`): string => (n === 1 ? `${article(one)} ${one}` : `${n} ${many}`);

/** A noun phrase for a sentence about a driver, with its grammatical number (for the verb after it). */
export interface Phrase {
  text: string;
  plural: boolean;
}

export const singular = (text: string): Phrase => ({ text, plural: false });
export const pluralPhrase = (text: string): Phrase => ({ text, plural: true });

/** counted() as a phrase: "an open complaint" (singular), "3 open complaints" (plural). */
export const countedPhrase = (n: number, one: string, many = `${one}s`): Phrase => ({ text: counted(n, one, many), plural: n !== 1 });

/** The verb form that agrees with a list of phrases: plural for two or more, else the phrase's own number. */
const agree = (phrases: readonly Phrase[], one: string, many: string) => (phrases.length > 1 || phrases[0]?.plural ? many : one);

/** "A", "A and B", "A, B and C". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "+24.5" or "−3" (a real minus sign), one decimal at most. */
export function signedPoints(v: number): string {
  const r = Math.round(v * 10) / 10;
  return r > 0 ? `+${r}` : r < 0 ? `−${Math.abs(r)}` : '±0';
}

/** What a contact on each channel is called in a sentence, everywhere the product words one. */
const CHANNEL_NOUN: Record<Channel, { one: string; many: string }> = {
  email: { one: 'e-mail', many: 'e-mails' },
  phone: { one: 'phone call', many: 'phone calls' },
  meeting: { one: 'meeting', many: 'meetings' },
  video: { one: 'video call', many: 'video calls' },
  chat: { one: 'chat', many: 'chats' },
  chatbot: { one: 'chatbot conversation', many: 'chatbot conversations' },
  sms: { one: 'SMS message', many: 'SMS messages' },
  support_ticket: { one: 'support ticket', many: 'support tickets' },
  return: { one: 'return', many: 'returns' },
  survey: { one: 'survey answer', many: 'survey answers' },
  newsletter: { one: 'newsletter', many: 'newsletters' },
  in_app: { one: 'in-app message', many: 'in-app messages' },
  social: { one: 'social media message', many: 'social media messages' },
  letter: { one: 'letter', many: 'letters' },
  other: { one: 'contact', many: 'contacts' },
};

/** "e-mail" / "e-mails", "in-app message" / "in-app messages"; an unknown channel is a "contact". */
export const channelNoun = (channel: unknown): { one: string; many: string } =>
  typeof channel === 'string' && Object.hasOwn(CHANNEL_NOUN, channel) ? CHANNEL_NOUN[channel as Channel] : CHANNEL_NOUN.other;

/** "a support ticket", "2 e-mails", "an SMS message". */
export function channelCount(channel: unknown, n: number): string {
  const noun = channelNoun(channel);
  return counted(n, noun.one, noun.many);
}

/** Channels in first-seen order, counted: "2 support tickets and a return". */
export function channelsCounted(channels: readonly unknown[]): string {
  const counts = new Map<string, number>();
  for (const c of channels) {
    const key = typeof c === 'string' && Object.hasOwn(CHANNEL_NOUN, c) ? c : 'other';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return listOf([...counts].map(([c, n]) => channelCount(c, n)));
}

// ---- health drivers (the rows of docs/health-and-churn.md, in that order) ----

export const noTouchpointsYet = () => 'no touchpoints yet: neutral score';

export interface QualityWords {
  /** The driver's direction. */
  lean: 'relational' | 'transactional';
  /** The driver leans only a little (its effect is a small share of its weight). */
  slight: boolean;
  /** Weighted average relational score (0–100). */
  quality: number;
  total: number;
  relational: number;
  transactional: number;
  windowDays: number;
}

export function qualityFactor(w: QualityWords): string {
  const parts = [w.relational > 0 ? `${w.relational} relational` : '', w.transactional > 0 ? `${w.transactional} transactional` : ''].filter(Boolean);
  const mix = parts.length ? ` (${parts.join(', ')})` : w.total === 1 ? ' (neutral)' : ' (all neutral)';
  // The lean goes against the counts when the fewer contacts are more recent or further from neutral: say so.
  const against = w.lean === 'transactional' ? w.relational > w.transactional : w.transactional > w.relational;
  const why = against ? `; the ${w.lean} ones weigh more (more recent, or further from neutral)` : ', the latest counting most';
  return `recent contacts lean ${w.slight ? 'slightly ' : ''}${w.lean}: quality ${Math.round(w.quality)}/100 over ${plural(w.total, 'contact')} in ${w.windowDays} days${mix}${why}`;
}

export const qualityShort = (lean: 'relational' | 'transactional'): Phrase => pluralPhrase(`recent contacts leaning ${lean}`);

export const transactionalRun = (run: number) => (run === 1 ? 'the last contact was transactional' : `${run} transactional contacts in a row`);
export const transactionalRunShort = (run: number): Phrase => (run === 1 ? singular('a transactional last contact') : pluralPhrase(`${run} transactional contacts in a row`));

export interface RecencyWords {
  /** Whole days since the last relational contact, or since the first touchpoint when there is none. */
  days: number;
  hasRelational: boolean;
  /** Within the fresh window (a recent relational contact). */
  fresh: boolean;
  /**
   * When the silence began (the last relational contact, else the first touchpoint): a day count
   * changes with the moment it is read, the date does not, so a task raised weeks ago and today's
   * driver can be told apart and still agree (both quote this date).
   */
  sinceT?: number;
  /** A RelationshipWentQuiet fact newer than the last relational contact is on record. */
  quiet?: boolean;
}

export function recencyFactor(w: RecencyWords): string {
  let head: string;
  let since = '';
  if (w.fresh) {
    head = w.hasRelational ? `relational contact ${ago(w.days)}` : 'no relational contact on record yet';
    if (!w.hasRelational) since = `first contact ${ago(w.days)}`;
  } else {
    head = w.hasRelational ? `no relational contact for ${plural(w.days, 'day')}` : `no relational contact in ${plural(w.days, 'day')} on record`;
    if (w.sinceT !== undefined) since = w.hasRelational ? `since ${formatDay(w.sinceT)}` : `first contact on ${formatDay(w.sinceT)}`;
  }
  const notes = [since, w.quiet ? 'silence recorded' : ''].filter(Boolean);
  return notes.length ? `${head} (${notes.join('; ')})` : head;
}

/** A few words for the recency driver in sentences that name it ("no relational contact for 41 days"). */
export const recencyShort = (w: RecencyWords): Phrase => singular(recencyFactor({ days: w.days, hasRelational: w.hasRelational, fresh: w.fresh }));

const ago = (days: number) => (days === 0 ? 'today' : `${plural(days, 'day')} ago`);

export interface FrequencyWords {
  recent: number;
  /** Engaged contacts a month in the baseline. */
  usual: number;
  recentDays: number;
}

export function frequencyFactor(w: FrequencyWords): string {
  const more = w.recent > w.usual;
  return `${more ? 'more' : 'fewer'} contacts than usual: ${plural(w.recent, 'engaged contact')} in the last ${w.recentDays} days against ${w.usual.toFixed(1)} a month before (transactional ones not counted)`;
}

export const frequencyShort = (more: boolean): Phrase => pluralPhrase(`${more ? 'more' : 'fewer'} contacts than usual`);

/** "2 open complaints (a support ticket and a return not resolved yet)". */
export const openComplaints = (channels: readonly unknown[]) =>
  `${plural(channels.length, 'open complaint')} (${channelsCounted(channels)} not resolved yet)`;

export const repeatContacts = (n: number, windowDays: number) => `${plural(n, 'repeat contact')} in ${windowDays} days (the customer had to come back about the same matter)`;

/** `label` is prepare's survey label, e.g. "detractor NPS (3)". */
export const surveyOn = (label: string, t: number) => `${label} on ${formatDay(t)}`;

export const positiveSurveys = (n: number, singleLabel: string, latestT: number) =>
  n === 1 ? surveyOn(singleLabel, latestT) : `${n} positive survey answers, the latest on ${formatDay(latestT)}`;

export const unansweredInbound = (n: number) => `${plural(n, 'inbound message')} left unanswered past the SLA`;

export const outcomeOn = (outcome: string, t: number) => `${outcome} on ${formatDay(t)}`;

const OUTCOME_NOUN: Record<string, string> = { renewed: 'renewal', expanded: 'expansion', downgraded: 'downgrade', churned: 'churn' };
export const outcomeShort = (outcome: string, t: number): Phrase => singular(`the ${OUTCOME_NOUN[outcome] ?? outcome} on ${formatDay(t)}`);

const PULSE_WORDS = ['', 'at risk', 'worried', 'steady', 'good', 'excellent'];
/** "account manager's pulse 2 of 5 (worried) on 2 Dec 2026". */
export const pulseOn = (score: number, t: number) => `account manager's pulse ${score} of 5 (${PULSE_WORDS[score] ?? ''}) on ${formatDay(t)}`;
export const pulseShort = (score: number): Phrase => singular(`the account manager's pulse (${score} of 5)`);

// ---- churn features (only those with words of their own; the others quote the health driver) ----

export function transactionalShare(trans: number, total: number, days: number): string {
  if (total === 1) return `the only contact in ${days} days was transactional`;
  if (trans === total) return `all ${total} contacts in ${days} days were transactional`;
  return `${Math.round((trans / total) * 100)}% of contacts in ${days} days were transactional (${trans} of ${total})`;
}

export const negativeSurveys = (n: number, days: number) => `${plural(n, 'negative survey answer')} in ${days} days`;
export const unansweredIn = (n: number, days: number) => `${plural(n, 'inbound message')} left unanswered in ${days} days`;
export const complaintsRaised = (n: number, days: number) => `${plural(n, 'complaint')} raised in ${days} days`;
export const renewalIn = (days: number, t: number) => `renewal ${days === 0 ? 'today' : `in ${plural(days, 'day')}`} (${formatDay(t)})`;

// ---- footnotes ----

/** The clamp: the drivers reach past the scale, the score stops at its end. */
export function scaleLimit(raw: number, baseline: number, clamped: number): string {
  return `The factors add up to ${signedPoints(raw - baseline)} points from the neutral ${baseline}; the score stops at ${clamped}.`;
}

export function minorFactors(n: number, sum: number, minEffect: number): string {
  const under = plural(minEffect, 'point');
  return n === 1
    ? `One smaller factor (under ${under}) adds ${signedPoints(sum)} and is not listed.`
    : `${n} smaller factors (each under ${under}) add ${signedPoints(sum)} together and are not listed.`;
}

const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);

/**
 * A view as of a moment before the customer's first record (knowledge time) considers nothing;
 * the health curve (business time) shows that past, so the note names the first record and the curve.
 */
export function nothingRecordedYet(asOfT: number, firstRecordedT: number | null): string {
  const curve = 'The health curve shows how the relationship went before that: it is drawn from when things happened, including what was recorded later (an import, for example).';
  if (firstRecordedT === null) return `Nothing has been recorded for this customer yet, so there is no health to show for ${formatDay(asOfT)}.`;
  const head = formatDay(asOfT) === formatDay(firstRecordedT)
    ? `By ${hhmm(asOfT)} UTC on ${formatDay(asOfT)} Closeness had not recorded anything for this customer yet: the first record came at ${hhmm(firstRecordedT)} UTC that day.`
    : `On ${formatDay(asOfT)} Closeness had not recorded anything for this customer yet: the first record is from ${formatDay(firstRecordedT)}.`;
  return `${head} This view shows only what had been recorded by then. ${curve}`;
}

// ---- health next to churn risk ----

export interface HealthVsChurnWords {
  band: Band;
  level: RiskLevel;
  /** Percent. */
  probability: number;
  /** The risk of a customer without any warning sign (the intercept alone), percent. */
  base: number;
  /** Where the level "medium" starts, percent. */
  mediumFrom: number;
  /** The largest health drivers in the band's direction, with their points. */
  healthReasons: readonly { phrase: Phrase; effect: number }[];
  /** Churn drivers raising the risk, largest first. */
  churnRisers: readonly Phrase[];
  /** Churn drivers lowering it. */
  churnHolders: readonly Phrase[];
}

const texts = (phrases: readonly Phrase[]) => listOf(phrases.map((x) => x.text));

/**
 * Why a red customer can show a low churn risk, or a green one a medium or high one: the two
 * models answer different questions (docs/health-and-churn.md, "Health next to churn risk").
 * Null when band and level do not disagree.
 */
export function healthVsChurn(w: HealthVsChurnWords): string | null {
  const red = w.band === 'red' && w.level === 'low';
  const green = w.band === 'green' && w.level !== 'low';
  if (!red && !green) return null;
  const reasons = w.healthReasons.map((r) => ({ text: `${r.phrase.text} (${signedPoints(r.effect)})`, plural: r.phrase.plural }));
  const health = reasons.length
    ? `Health reads how contact has felt lately: ${texts(reasons)} ${red ? agree(reasons, 'pulls it down', 'pull it down') : agree(reasons, 'lifts it', 'lift it')}.`
    : 'Health reads how contact has felt lately.';
  const holders = w.churnHolders.length ? `${texts(w.churnHolders)} ${agree(w.churnHolders, 'holds', 'hold')} it down` : '';
  const risers = w.churnRisers.length ? `${texts(w.churnRisers)} ${agree(w.churnRisers, 'raises', 'raise')} it` : '';
  const churnTail = red
    ? [holders, w.churnRisers.length ? `its largest signal here is ${w.churnRisers[0].text}` : ''].filter(Boolean).join('; ')
    : [risers, holders && `while ${holders}`].filter(Boolean).join(', ');
  const churn = `Churn risk is the chance of leaving, estimated from the signals that have predicted it${churnTail ? `: ${churnTail}` : ''}.`;
  if (green) return `Health is green, yet the churn risk is ${w.level}. ${health} ${churn}`;
  const times = w.base > 0 ? w.probability / w.base : 0;
  const relative = times >= 1.5 ? `yet ${Math.round(times)} times that of a customer without warning signs (${w.base}%)` : `close to that of a customer without warning signs (${w.base}%)`;
  return `Health is red, yet the churn risk is low. ${health} ${churn} At ${w.probability}% the risk is below the ${w.mediumFrom}% where it counts as medium, ${relative}.`;
}
