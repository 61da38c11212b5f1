import { article, channelNoun } from '../health/wording.js';
import type { Touchpoint } from '../touchpoint.js';
import type { ScoringConfig, SignalName } from './config.js';
import { ownTurns, systemSender, words, type Sentence, type Turn } from './conversation.js';
import { LEX, REPORTED, STOPWORDS, type Family } from './lexicon.js';
import { normalise } from './text.js';

/** One observed feature: its value (mostly 0–1, 0 = absent) and the evidence, in plain words. */
/** The feature set's version: bump it when a feature's meaning changes, so stored scores are rescored. */
export const FEATURES_VERSION = 'f5';

export interface Feature {
  name: SignalName;
  value: number;
  detail: string;
}

export interface FeatureContext {
  customerName?: string;
  history: Touchpoint[];
  answeredBy?: Touchpoint[];
  unansweredHours?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * What a touchpoint does, as features: who handled it, how the conversation went turn by turn
 * (the company side asks, reflects, commits, remembers, or recites, deflects, transfers,
 * closes; the customer ends relieved or resigned), and the facts around it (reply times, an
 * unanswered message, transfers, a repeat contact, a promise kept or broken, a survey). Pure;
 * never throws on odd data. The model's weights turn these into the score (`score.ts`).
 */
export function extractFeatures(tp: Touchpoint, ctx: FeatureContext, c: ScoringConfig): Feature[] {
  const out: Feature[] = [];
  const add = (name: SignalName, value: number, detail: string) => {
    if (value > 0 && Number.isFinite(value)) out.push({ name, value, detail });
  };
  const history = (Array.isArray(ctx.history) ? ctx.history : []).filter((h): h is Touchpoint => !!h && typeof h === 'object');
  // Replies in time order (then id), so the conversation reads the same whatever order they came in.
  const answeredBy = (Array.isArray(ctx.answeredBy) ? ctx.answeredBy : []).filter((a): a is Touchpoint => !!a && typeof a === 'object').sort(byTime);
  const form = c.formChannels.includes(tp.channel);
  // The message this one answers (the latest with that id, should a delivery have been stored twice).
  const target = tp.replyToId ? history.filter((h) => h.id === tp.replyToId).sort(byTime).pop() : undefined;

  // The conversation: the message this one answers, this touchpoint, and the replies to it.
  const self = ownTurns(tp, 'self', ctx.customerName);
  const before = target && target.direction !== tp.direction ? ownTurns(target, 'before', ctx.customerName).filter((t) => t.speaker === 'customer') : [];
  const after = answeredBy.filter((a) => a.direction !== tp.direction).flatMap((a) => ownTurns(a, 'after', ctx.customerName));
  const agentSelf = self.filter((t) => t.speaker === 'agent');
  const botSelf = self.filter((t) => t.speaker === 'bot');
  const customerSelf = self.filter((t) => t.speaker === 'customer');
  // The company's words in this exchange: its own turns, and its replies when this is the customer's message.
  const agentAll = [...agentSelf, ...after.filter((t) => t.speaker === 'agent')];
  const companyAll = [...agentAll, ...botSelf, ...after.filter((t) => t.speaker === 'bot')];
  const customerAll = [...before, ...customerSelf, ...after.filter((t) => t.speaker === 'customer')];
  const subjectText = tp.direction === 'outbound' && typeof tp.subject === 'string' ? tp.subject : '';

  // ---- who handled it --------------------------------------------------------------------
  const system = systemSender(tp.agent?.name) && agentSelf.length === 0;
  const automated = tp.handledBy === 'automation' || tp.channel === 'chatbot' || system || (botSelf.length > 0 && agentSelf.length === 0);
  if (!form) {
    // A person taking over from a bot keeps the bot's signal and adds the person's: each is its own fact.
    if (automated) add('automated', 1, agentSelf.length > 0 ? 'a bot handled it first' : tp.channel === 'chatbot' || (Array.isArray(tp.transcript) && botSelf.length > 0) ? 'handled by a chatbot' : system && tp.handledBy !== 'automation' ? `sent by a system ('${String(tp.agent?.name).trim()}'), though recorded as handled by a person` : `handled by automation (no person involved in this ${label(tp.channel)})`);
    if (!automated) add('human_handled', 1, `handled by a person${tp.agent?.name ? ` (${tp.agent.name})` : ''}`);
    else if (agentSelf.length > 0) add('human_handled', 1, `then a person took over: ${quote(agentSelf[0].sentences[0]?.raw ?? agentSelf[0].raw)}`);
  }

  // ---- two-way or one-way ----------------------------------------------------------------
  const answered = answeredBy.some((a) => a.direction !== tp.direction && (a.direction === 'inbound' || a.handledBy === 'human'));
  let twoWay = 0;
  let twoWayDetail = '';
  const evidence = (v: number, d: string) => {
    if (v > twoWay) [twoWay, twoWayDetail] = [v, d];
  };
  if (customerSelf.length > 0 && agentSelf.length > 0) evidence(1, 'a two-way conversation: the customer and the agent both spoke');
  if (answered) evidence(1, 'two-way: the message got an answer');
  if (tp.replyToId && (tp.direction === 'inbound' || tp.handledBy === 'human')) evidence(1, 'two-way: a reply within an exchange');
  if (c.liveChannels.includes(tp.channel)) evidence(0.5, `a live conversation (${label(tp.channel)})`);
  if (customerSelf.length > 0 && botSelf.length > 0) evidence(0.3, 'a back-and-forth with a bot only');
  if (twoWay > 0) add('two_way', twoWay, twoWayDetail);
  else if (tp.direction === 'outbound' && tp.initiatedBy === 'company') add('one_way', 1, `one-way: the company sent ${aLabel(tp.channel)} and nobody has answered`);

  // ---- the company's turns ---------------------------------------------------------------
  const nameTokens = customerNameTokens(ctx.customerName);
  const agentSentences = agentAll.flatMap((t) => t.sentences);
  const companySentences = [...companyAll.flatMap((t) => t.sentences), ...(subjectText ? [sentenceOf(subjectText)] : [])];
  // A note's narration is the note writer's wording: it reflects nobody's words and recites no template.
  const customerWords = contentWords(customerAll.filter((t) => !t.reported), nameTokens);
  const ownSentences = companySentences.filter((s) => !s.reported);

  const open = agentSentences.filter((s) => (s.reported ? REPORTED.openQuestion.test(s.norm) && !LEX.factualQuestion.test(s.norm) : isOpenQuestion(s, nameTokens)));
  // Asking means asking about something: "any other questions?" and "your order number?" are not.
  const companyAsked = open.length > 0 || companySentences.some((s) => s.question && !LEX.scriptedQuestion.test(s.norm) && !LEX.factualQuestion.test(s.norm));
  const inDialogue = companyAll.length > 0 && customerAll.length > 0;
  if (open.length > 0) {
    add('open_questions', 1 + 0.25 * Math.min(open.length - 1, 2), `${open.length === 1 ? 'the agent asked an open question' : `the agent asked ${open.length} open questions`}: ${quote(open[0].raw)}`);
  } else if (inDialogue) {
    add('no_open_questions', 1, "nobody on the company side asked an open question about the customer's situation");
  }

  // A closed question can be a good one when it is about what the customer said ("does the display show an error when the heater stops?").
  const closed = agentSentences.filter((s) => s.question && !open.includes(s) && !LEX.factualQuestion.test(s.norm) && !LEX.scriptedQuestion.test(s.norm) && !PERMISSION.test(s.norm));
  const specific = customerWords.size > 0 ? closed.find((s) => reflectedIn(s, customerWords)) : undefined;
  // Without the customer's own words, a closed question about them still asks about their situation ("is the baby with you?").
  const aboutThem = specific ? undefined : closed.find((s) => LEX.you.test(s.norm) && words(s.norm).length >= 4) ?? agentSentences.find((s) => s.reported && !open.includes(s) && REPORTED.closedQuestion.test(s.norm) && !LEX.factualQuestion.test(s.norm));
  if (specific) add('specific_question', 1, `the agent asked about what the customer said: ${quote(specific.raw)}`);
  else if (aboutThem) add('specific_question', 0.5, `the agent asked about the customer's situation: ${quote(aboutThem.raw)}`);

  const agentOwn = agentAll.filter((t) => !t.reported);
  if (agentOwn.length > 0 && customerWords.size > 0) {
    const reflected = reflectedWords(agentOwn, customerWords);
    if (reflected.length > 0) add('reflects_specifics', Math.min(reflected.length, 3) / 3, `the agent picked up the customer's own words: ${reflected.slice(0, 4).map((w) => `'${w}'`).join(', ')}`);
  }

  const formulaSentences = ownSentences.filter((s) => LEX.formula.test(s.norm));
  if (formulaSentences.length > 0) {
    // The share of the company's sentences that are formulas, and a little more for each further formula.
    const value = Math.max(0.34, formulaSentences.length / ownSentences.length) + 0.25 * Math.min(formulaSentences.length - 1, 4);
    add('templated_reply', value, `templated wording${formulaSentences.length > 1 ? ` (${formulaSentences.length} formulas)` : ''}: ${quote(formulaSentences[0].raw)}`);
  }
  // "[link]" where a note's writer left out the address is no merge field nobody filled.
  const merge = ownSentences.find((s) => LEX.mergeField.test(s.raw.replace(NOTE_PLACEHOLDER, ''))) ?? (typeof tp.subject === 'string' && LEX.mergeField.test(tp.subject) ? sentenceOf(tp.subject) : undefined);
  if (merge) add('unfilled_merge_field', 1, `an unfilled merge field: ${quote(merge.raw)}`);

  let commitment: { s: Sentence; value: number } | undefined;
  for (let i = 0; i < agentSentences.length; i++) {
    const s = agentSentences[i];
    if (s.reported ? !reportedCommitment(s.norm) : !LEX.commitAction.test(s.norm) || LEX.formula.test(s.norm) || negatedCommitment(s.norm)) continue;
    const when = LEX.commitTime.test(s.norm) || (i + 1 < agentSentences.length && LEX.commitTime.test(agentSentences[i + 1].norm));
    const value = when ? 1 : 0.5;
    if (!commitment || value > commitment.value) commitment = { s, value };
    if (value === 1) break;
  }
  if (commitment) add('ownership_commitment', commitment.value, `${commitment.value === 1 ? 'the agent committed to something concrete, with a time' : 'the agent took it on personally'}: ${quote(commitment.s.raw)}`);
  const vague = companySentences.find((s) => LEX.vaguePromise.test(s.norm) || (s.reported && REPORTED.vaguePromise.test(s.norm)));
  if (vague && !commitment) add('vague_promise', 1, `a promise with nobody and no time in it: ${quote(vague.raw)}`);

  // Deflection answers a need with self-service: a link in a notice nobody asked about is information,
  // and "rather than send you to the portal, I'll do it now" is the opposite.
  const deflect = customerAll.length > 0 || target || tp.initiatedBy === 'customer' ? companySentences.find((s) => (LEX.deflection.test(s.norm) || (s.reported && REPORTED.deflection.test(s.norm))) && !NOT_DEFLECTING.test(s.norm)) : undefined;
  if (deflect) add('deflection', 1, `sent the customer to serve themselves: ${quote(deflect.raw)}`);
  const passOn = companySentences.find((s) => LEX.passOn.test(s.norm) || (s.reported && REPORTED.passOn.test(s.norm)));
  if (passOn) add('passed_on', 1, `passed the customer on: ${quote(passOn.raw)}`);
  const policy = (agentSentences.length > 0 ? agentSentences : companySentences).find((s) => LEX.policy.test(s.norm) || (s.reported && REPORTED.policy.test(s.norm)));
  if (policy) add('policy_recital', 1, `read out the rules: ${quote(policy.raw)}`);
  const lastCompany = companyAll[companyAll.length - 1];
  const closing = lastCompany?.sentences.find((s) => LEX.closing.test(s.norm) || (s.reported && REPORTED.closing.test(s.norm)));
  if (closing && !companyAsked) add('closed_without_question', 1, `closed without asking anything: ${quote(closing.raw)}`);

  const ack = agentSentences.find((s) => (s.reported ? REPORTED.acknowledgement.test(s.norm) : LEX.acknowledgement.test(s.norm) && !LEX.formula.test(s.norm)));
  if (ack) add('acknowledgement', 1, `the agent acknowledged the customer: ${quote(ack.raw)}`);

  const owned = agentSentences.find((s) => (s.reported ? REPORTED.ownedMistake.test(s.norm) : LEX.ownedMistake.test(s.norm) && !LEX.formula.test(s.norm) && !negatedOwnership(s.norm)));
  if (owned) add('owned_mistake', 1, `the agent owned the company's mistake: ${quote(owned.raw)}`);
  const direct = agentSentences.find((s) => LEX.directLine.test(s.norm) || (s.reported && REPORTED.directLine.test(s.norm)));
  if (direct) add('direct_line', 1, `the agent gave a way to reach them directly: ${quote(direct.raw)}`);

  // A note naming the customer is the note writer's, not the agent addressing them.
  const named = nameTokens.length > 0 ? agentOwn.find((t) => nameTokens.some((n) => hasWord(t.norm, n))) : undefined;
  if (named) add('addressed_by_name', 1, `the agent addressed the customer by name: ${quote(named.sentences.find((s) => nameTokens.some((n) => hasWord(s.norm, n)))?.raw ?? named.raw)}`);

  const historyRef = agentSentences.find((s) => LEX.historyPhrase.test(s.norm) || (s.reported && REPORTED.history.test(s.norm)));
  if (historyRef) add('refers_to_history', 1, `the agent referred to earlier contact: ${quote(historyRef.raw)}`);

  // Offers: the company selling what the customer did not ask about, without asking anything.
  const offerText = [subjectText, tp.direction === 'outbound' && typeof tp.summary === 'string' ? tp.summary : ''].filter(Boolean).map(sentenceOf);
  // In a company-initiated message's own subject or body, a bare "offer"/"tilbud" is the point of it.
  const offer = firstMatch([...companySentences, ...offerText], LEX.offer) ?? (tp.initiatedBy === 'company' ? firstMatch(offerText, /(?<!\p{L})(?:offers?|tilbud\p{L}*)(?!\p{L})/u) : undefined) ?? promoTag(tp, c);
  const customerAskedOffer = customerAll.some((t) => LEX.offer.test(t.norm));
  const pushed = !!offer && !customerAskedOffer && open.length === 0 && !/\?/.test(subjectText);

  // ---- initiative -------------------------------------------------------------------------
  if (!form) {
    if (pushed) add('company_push_offer', 1, `the company pushed an offer without asking anything: ${quote(offer!.raw)}`);
    if (tp.initiatedBy === 'customer') add('customer_initiated', 1, "the customer's own need drove the contact");
    else if (target?.direction === 'inbound') add('customer_initiated', 1, "a reply to the customer's own message");
    else if (!automated && (companyAsked || named || historyRef)) add('proactive_outreach', 1, 'the company reached out to the customer personally');
    else add('company_initiated', 1, 'the company initiated the contact and asked nothing');
  }

  // ---- how the company talked ---------------------------------------------------------------
  // Talk share counts the company's telling: a question, an acknowledgement, the customer's own
  // words given back or a commitment hands the floor back, so it is not counted as talking.
  const customerSelfWords = customerSelf.reduce((n, t) => n + t.words.length, 0);
  const companySelf = self.filter((t) => t.speaker !== 'customer');
  // A note's length says how much its writer wrote, not who talked: no talk share from one.
  const fromNote = self.some((t) => t.reported);
  if (!fromNote && customerSelfWords > 0 && companySelf.length > 0) {
    let telling = 0;
    for (const t of companySelf) {
      for (const s of t.sentences) {
        if (t.speaker === 'agent' && (s.question || isOpenPrompt(s) || LEX.acknowledgement.test(s.norm) || LEX.commitAction.test(s.norm) || reflectedWords([{ ...t, sentences: [s], words: words(s.norm) }], customerWords).length > 0)) continue;
        telling += words(s.norm).length;
      }
    }
    const share = customerSelfWords / (customerSelfWords + telling);
    const pct = Math.round(share * 100);
    const strength = Math.min(1, Math.abs(share - 0.5) / 0.2);
    if (share > 0.5) add('customer_talked_most', strength, `the customer did most of the talking (${pct}% of the words)`);
    else if (share < 0.5) add('agent_talked_most', strength, `the company side did most of the talking (the customer ${pct}% of the words)`);
  }
  const monologue = fromNote ? undefined : talkedOver(self);
  if (monologue) add('talked_over', 1, monologue);

  // ---- how the customer ended ----------------------------------------------------------------
  const ending = customerAll.filter((t) => t.source !== 'before');
  const last = ending[ending.length - 1];
  if (last) {
    const sarcastic = ending.flatMap((t) => t.sentences).find((s) => LEX.sarcasm.test(s.norm) || praiseThenComplaint(s.norm));
    const resigned = firstMatch(last.sentences, LEX.resignation);
    if (sarcastic) add('customer_resigned', 1, `the customer was sarcastic: ${quote(sarcastic.raw)}`);
    else if (resigned) add('customer_resigned', 1, `the customer ended resigned: ${quote(resigned.raw)}`);
    else {
      // "Fine", "noted" in a note's narration are the writer's words, not the customer's manners.
      const relief = last.sentences.find((s) => (s.reported ? REPORTED.relief.test(s.norm) : sincere(s.norm, LEX.relief)));
      const thanks = relief ? undefined : last.sentences.find((s) => (s.reported ? REPORTED.thanks.test(s.norm) : sincere(s.norm, LEX.thanks)));
      if (relief) add('customer_relieved', 1, `the customer ended relieved: ${quote(relief.raw)}`);
      // A plain "thanks" or "ok" is manners: it says the contact ended, not how the customer felt.
      else if (thanks) add('customer_thanked', 1, `the customer ended with a plain thanks: ${quote(thanks.raw)}`);
    }
    const earlier = ending.slice(0, -1).flatMap((t) => t.sentences);
    const upset = !sarcastic && !resigned ? firstMatch(earlier, LEX.resignation) : undefined;
    if (upset) add('customer_frustrated', 1, `the customer was fed up along the way: ${quote(upset.raw)}`);
  }
  const repeated = firstMatch(customerAll.flatMap((t) => t.sentences), LEX.repeatSelf);
  if (repeated) add('customer_had_to_repeat', 1, `the customer had to say it again: ${quote(repeated.raw)}`);

  // ---- facts around it -------------------------------------------------------------------
  replyDelay(tp, target, c, add);
  answer(tp, answeredBy, ctx.unansweredHours, c, add);
  handoffs(tp, add);
  wait(tp, c, add);
  const repeat = repeatContact(tp, history, c);
  if (repeat) add('repeat_contact', repeat.value, repeat.detail);
  if (tp.resolved === true) {
    if (repeat) add('resolved', 1, 'resolved on this contact, but only after an earlier one');
    // The customer's own "third time I ask" outranks the log: the signal stands (the model was fitted
    // so), but its words claim no first contact.
    else add('first_contact_resolution', 1, repeated ? 'resolved on this contact' : 'resolved on the first contact');
  } else if (tp.resolved === false) add('unresolved', 1, 'not resolved on this contact');
  promises(tp, history, answeredBy, customerAll, agentSelf.length > 0 || (!automated && tp.direction === 'outbound'), add);

  // The customer asked for something, and the company's side neither did it, promised it, nor asked about it.
  const asked = customerAll.filter((t) => t.source !== 'after').flatMap((t) => t.sentences).find((s) => REQUEST.test(s.norm) || (s.question && LEX.you.test(s.norm)));
  if (asked && companyAll.length > 0 && !commitment && !companyAsked && !companySentences.some((s) => DONE.test(s.norm)) && !out.some((f) => f.name === 'kept_promise')) {
    add('no_action', 1, `the customer asked (${quote(asked.raw)}) and nothing was done, promised or asked about it`);
  }
  survey(tp, add);
  return out;
}

// ---- questions ---------------------------------------------------------------------------------

const FILLERS: ReadonlySet<string> = new Set(['so', 'and', 'but', 'okay', 'ok', 'well', 'then', 'great', 'thanks', 'right', 'now', 'also', 'så', 'og', 'men', 'okei', 'da', 'flott', 'takk', 'hei', 'hi', 'hello', 'nå', 'også']);

function isOpenPrompt(s: Sentence): boolean {
  return LEX.openPrompt.test(s.norm) && !LEX.factualQuestion.test(s.norm);
}

/** An open question about the customer's situation: not a scripted opener, not asking for an id. */
export function isOpenQuestion(s: Sentence, extraFillers: readonly string[] = []): boolean {
  if (LEX.factualQuestion.test(s.norm) || LEX.scriptedQuestion.test(s.norm)) return false;
  if (LEX.openPrompt.test(s.norm)) return true;
  if (!s.question) return false;
  for (const clause of s.norm.split(/[,;:\u2013\u2014]|\s-\s/)) {
    const ws = words(clause);
    let i = 0;
    while (i < ws.length && (FILLERS.has(ws[i]) || extraFillers.includes(ws[i]))) i++;
    const head = ws.slice(i, i + 2).join(' ');
    const m = LEX.openStarter.exec(head);
    if (m && m.index === 0) return true;
  }
  return false;
}

// ---- reflection ------------------------------------------------------------------------------

const stem = (w: string) => (/\d/.test(w) ? w : w.length > 5 ? w.slice(0, 5) : w);

/** The customer's specifics: words that are not function words or support vocabulary, and numbers. */
function contentWords(turns: readonly Turn[], nameTokens: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of turns) {
    for (const w of t.words) {
      if (w.length < 4 && !/\d/.test(w)) continue;
      if (STOPWORDS.has(w) || nameTokens.includes(w)) continue;
      const k = stem(w);
      if (!out.has(k)) out.set(k, w);
    }
  }
  return out;
}

function reflectedIn(s: Sentence, customer: ReadonlyMap<string, string>): boolean {
  for (const w of words(s.norm)) if ((w.length >= 4 || /\d/.test(w)) && !STOPWORDS.has(w) && customer.has(stem(w))) return true;
  return false;
}

function reflectedWords(agent: readonly Turn[], customer: ReadonlyMap<string, string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of agent) {
    // A formula that happens to repeat a word ("your request") reflects nothing.
    if (t.sentences.every((s) => LEX.formula.test(s.norm))) continue;
    // Echoing the customer's words while sending them elsewhere or reading the rules ("the returns
    // portal is the quickest way") is not listening.
    const ws = t.sentences.some((s) => notListening(s)) ? t.sentences.filter((s) => !notListening(s)).flatMap((s) => words(s.norm)) : t.words;
    for (const w of ws) {
      if (w.length < 4 && !/\d/.test(w)) continue;
      if (STOPWORDS.has(w)) continue;
      const k = stem(w);
      if (customer.has(k) && !seen.has(k)) {
        seen.add(k);
        out.push(customer.get(k)!);
      }
    }
  }
  return out;
}

/** Asking permission to do something ("shall I go ahead?") or to sell something is not asking about the customer. */
const PERMISSION = /^(?:shall i|should i|do you want me to|would you like me to|can i go ahead|skal jeg|vil du at jeg skal|ønsker du at jeg)(?!\p{L})|(?<!\p{L})(?:shall i go ahead|skal jeg (?:gå videre|ordne det|gjøre det))/u;

/** The customer asking for something to be done. */
const REQUEST = /(?<!\p{L})(?:can (?:you|i|someone|somebody)|could (?:you|someone|somebody)|will you|would you|i (?:want|need|would like|'d like|expect)|please (?:\p{L}+)|what (?:will|are) you (?:going to )?do|kan (?:dere|du|jeg få|noen)|kunne (?:dere|du)|vil dere|jeg (?:vil ha|vil at|trenger|ønsker|forventer|må få)|hva (?:skal|vil) dere gjøre)(?!\p{L})/u;

/** Something the company has done: "your refund has been sent", "done", "er sendt". */
const DONE = /(?<!\p{L})(?:(?:is|are|has been|have been|was|were|it's|that's) (?:now |just |already )?(?:sent|booked|refunded|cancell?ed|credited|fixed|resolved|arranged|changed|updated|added|removed|reset|reactivated|delivered|processed|approved|scheduled|sorted|done|ready|on (?:its|the|their) way|restored|replaced|paid|confirmed|active)|^(?:done|sent|sorted|booked|fixed|cancell?ed|yes)(?!\p{L})|(?:er|har blitt|ble) (?:nå |allerede )?(?:sendt|booket|refundert|kansellert|kreditert|fikset|løst|ordnet|endret|oppdatert|lagt til|fjernet|godkjent|behandlet|utbetalt|bekreftet|aktivert|klar|på vei|gjenopprettet|erstattet|betalt)|^(?:ferdig|gjort|ordnet|sendt|ja)(?!\p{L}))/u;

/** "It was not our fault" is the opposite of owning it. */
function negatedOwnership(norm: string): boolean {
  return /(?<!\p{L})(?:not|no|never|ikke|ingen|aldri)(?: \p{L}+)? (?:our|my|vår|min) (?:fault|error|mistake|feil)/u.test(norm);
}

const NOTE_PLACEHOLDER = /\[(?:link|lenke|url)\]/giu;

const NOT_DEFLECTING = /(?<!\p{L})(?:rather than|instead of|no need to|you don't need to|you won't need to|won't (?:send|make) you|i stedet for|slipper du|du trenger ikke|uten at du må)(?!\p{L})/u;

function notListening(s: Sentence): boolean {
  return LEX.formula.test(s.norm) || LEX.deflection.test(s.norm) || LEX.policy.test(s.norm) || LEX.passOn.test(s.norm) || LEX.closing.test(s.norm);
}

// ---- commitments and promises ------------------------------------------------------------------

/** A commitment a note tells of ("promised to call on Thursday", "lovet å ringe"), not a hand-off or a link. */
function reportedCommitment(norm: string): boolean {
  return REPORTED.commitment.test(norm) && !REPORTED.deflection.test(norm) && !REPORTED.passOn.test(norm) && !LEX.deflection.test(norm) && !/(?<!\p{L})(?:not|never|ikke|aldri|couldn't|could not|kunne ikke)(?!\p{L})/u.test(norm);
}

function negatedCommitment(norm: string): boolean {
  return /(?<![\p{L}])(?:i (?:can't|cannot|won't|will not|am not able to|can not)|jeg (?:kan|vil|skal) ikke|jeg får ikke)(?![\p{L}])/u.test(norm);
}

interface Promise {
  at: number;
  due: number;
  quote: string;
}

/** How long a promise runs: "today" to the end of the day, "tomorrow" a day more, a weekday a week. */
function dueAfter(norm: string): number {
  if (/(?<!\p{L})(?:now|right away|straight away|within the hour|in (?:an|one|\d+) hours?|in (?:\d+|a few) minutes|nå|med en gang|straks|om (?:en|ei|\d+) timer?|om (?:\d+|noen) minutter|i løpet av timen)(?!\p{L})/u.test(norm)) return 6 * HOUR_MS;
  if (/(?<!\p{L})(?:today|tonight|this (?:morning|afternoon|evening)|i dag|i kveld|i ettermiddag|i løpet av dagen|kl\.? ?\d)(?!\p{L})/u.test(norm)) return 16 * HOUR_MS;
  if (/(?<!\p{L})(?:tomorrow|i morgen)/u.test(norm)) return 40 * HOUR_MS;
  return 7 * DAY_MS;
}

// Every touchpoint's promises are read again for each later one whose history holds it (about a
// month of a customer's contacts, so ~10x in a rebuild): keep each touchpoint's while the
// touchpoint lives. The object is the key: a touchpoint is event data, never changed once recorded.
const promisesKept = new WeakMap<Touchpoint, readonly Promise[]>();

function promisesIn(tp: Touchpoint): readonly Promise[] {
  let ps = promisesKept.get(tp);
  if (ps === undefined) {
    ps = readPromises(tp);
    promisesKept.set(tp, ps);
  }
  return ps;
}

function readPromises(tp: Touchpoint): readonly Promise[] {
  const at = Date.parse(tp.occurredAt);
  if (!Number.isFinite(at)) return [];
  const out: Promise[] = [];
  for (const t of ownTurns(tp, 'self')) {
    if (t.speaker !== 'agent' && !(t.speaker === 'bot' && LEX.commitTime.test(t.norm))) continue;
    for (const s of t.sentences) {
      const personal = s.reported ? reportedCommitment(s.norm) : LEX.commitAction.test(s.norm) && !negatedCommitment(s.norm);
      // A bot or a colleague naming who will call back, and when: "Anna ringer deg i dag".
      const handover = !personal && /(?<!\p{L})(?:will (?:call|ring|contact|phone) you|ringer deg|tar kontakt med deg|kontakter deg)(?!\p{L})/u.test(s.norm);
      if ((personal || handover) && LEX.commitTime.test(s.norm) && !LEX.formula.test(s.norm)) out.push({ at, due: at + dueAfter(s.norm), quote: s.raw });
    }
  }
  return out;
}

function promises(tp: Touchpoint, history: readonly Touchpoint[], answeredBy: readonly Touchpoint[], customer: readonly Turn[], companyPerson: boolean, add: (n: SignalName, v: number, d: string) => void) {
  const at = Date.parse(tp.occurredAt);
  if (!Number.isFinite(at)) return;
  const byCompany = (h: Touchpoint) => h.handledBy === 'human' && (h.direction === 'outbound' || ownTurns(h, 'self').some((t) => t.speaker === 'agent'));
  const earlier = history
    .map((h) => ({ h, ps: promisesIn(h) }))
    .filter((x) => x.ps.length > 0)
    .sort((a, b) => byTime(a.h, b.h));
  // This contact keeps an earlier promise: the company came back in time.
  if (companyPerson && (tp.initiatedBy === 'company' || tp.direction === 'outbound')) {
    for (const { ps } of earlier) {
      const p = ps.find((x) => x.at < at && at <= x.due);
      if (p) return add('kept_promise', 1, `came back as promised: ${quote(p.quote)}`);
    }
  }
  // A promise made here and kept by a later reply.
  const own = promisesIn(tp);
  if (own.length > 0) {
    const kept = answeredBy.find((a) => byCompany(a) && own.some((p) => Date.parse(a.occurredAt) <= p.due));
    if (kept) return add('kept_promise', 1, `the promise was kept: ${quote(own[0].quote)}`);
  }
  // The customer comes back after a promise nobody kept.
  if (tp.direction === 'inbound' || tp.initiatedBy === 'customer') {
    const said = firstMatch(customer.filter((t) => t.source !== 'after').flatMap((t) => t.sentences), LEX.brokenPromiseText);
    if (said) return add('broken_promise', 1, `the customer says a promise was not kept: ${quote(said.raw)}`);
    for (const { h, ps } of earlier) {
      const p = ps.find((x) => x.due < at);
      if (!p) continue;
      const cameBack = history.some((o) => o !== h && byCompany(o) && Date.parse(o.occurredAt) > p.at && Date.parse(o.occurredAt) <= p.due);
      if (!cameBack) return add('broken_promise', 1, `a promise was not kept: ${quote(p.quote)}`);
    }
  }
}

// ---- talking over the customer ------------------------------------------------------------------

function talkedOver(turns: readonly Turn[]): string | undefined {
  let run = 0;
  let sawCustomer = false;
  for (const t of turns) {
    if (t.speaker === 'customer') {
      sawCustomer = true;
      run = 0;
      continue;
    }
    // A turn that asks something hands the floor back.
    if (t.sentences.some((s) => s.question || isOpenPrompt(s))) {
      run = 0;
      continue;
    }
    run++;
    if (sawCustomer && t.words.length >= 70) return `the company side talked at length without letting the customer in (${t.words.length} words in one turn)`;
    if (sawCustomer && run >= 3) return 'the company side took three turns in a row without the customer getting a word in';
  }
  return undefined;
}

// ---- the customer's words ------------------------------------------------------------------------

const PRAISE_OPENER = /^(?:oh,? )?(?:lovely|great|wonderful|brilliant|perfect|fantastic|super|awesome|excellent|marvellous|flott|supert|herlig|fantastisk|strålende|topp|perfekt|kjempebra|nydelig)[,.!]\s+(.*)$/u;
const NOT_A_COMPLAINT = /(?<!\p{L})(?:no (?:problem|worries|rush|hurry)|not a problem|ingen (?:problem|fare|stress|hast))(?!\p{L})/u;

/** "Lovely, a survey about the call that didn't fix anything": a praise word opening a complaint. */
function praiseThenComplaint(norm: string): boolean {
  const m = PRAISE_OPENER.exec(norm);
  if (!m || NOT_A_COMPLAINT.test(m[1])) return false;
  const rest = m[1];
  return LEX.resignation.test(rest) || LEX.brokenPromiseText.test(rest) || (LEX.negator.test(rest) && NEGATIVE_ALL_ONE.test(rest)) || /(?<!\p{L})(?:didn't|did not|doesn't|does not|won't|never|ikke|aldri|ingenting)(?: \p{L}+){0,2} (?:fix|fixed|help|helped|work|worked|solve|solved|answer|answered|fikset|hjalp|hjelper|løste|fungerte|svarte)/u.test(rest);
}

/** A praise that is not negated ("not helpful") nor turned ("thanks for nothing"). */
function sincere(norm: string, re: Family | RegExp): boolean {
  const m = re.exec(norm);
  if (!m) return false;
  if (LEX.sarcasm.test(norm)) return false;
  const before = words(norm.slice(0, m.index)).slice(-3).join(' ');
  return !LEX.negator.test(before);
}

// ---- facts ---------------------------------------------------------------------------------------

function replyDelay(tp: Touchpoint, original: Touchpoint | undefined, c: ScoringConfig, add: (n: SignalName, v: number, d: string) => void) {
  if (!tp.replyToId || tp.direction !== 'outbound' || !original || original.direction !== 'inbound') return;
  const hours = hoursBetween(original.occurredAt, tp.occurredAt);
  if (hours === undefined) return;
  const sla = c.replySlaHours[original.channel] ?? c.replySlaHours.other;
  // An automatic acknowledgement is not an answer: no credit for speed, but a late one is still late.
  if (hours <= sla && tp.handledBy === 'automation') return;
  if (hours <= sla) add('replied_in_time', 1, `replied within ${duration(hours)} (SLA ${sla} hours)`);
  else add('replied_late', hours <= 2 * sla ? 0.5 : 1, `replied after ${duration(hours)}, past the ${sla}-hour SLA`);
}

function answer(tp: Touchpoint, answeredBy: readonly Touchpoint[], unansweredHours: number | undefined, c: ScoringConfig, add: (n: SignalName, v: number, d: string) => void) {
  if (tp.direction !== 'inbound') return;
  const sla = c.replySlaHours[tp.channel] ?? c.replySlaHours.other;
  const delays = answeredBy
    .filter((a) => a.direction === 'outbound' && a.handledBy === 'human')
    .map((a) => hoursBetween(tp.occurredAt, a.occurredAt))
    .filter((h): h is number => h !== undefined);
  if (delays.length > 0) {
    const hours = Math.min(...delays);
    if (hours <= sla) add('answered_in_time', 1, `answered within ${duration(hours)} (SLA ${sla} hours)`);
    else add('answered_late', hours <= 2 * sla ? 0.5 : 1, `answered after ${duration(hours)}, past the ${sla}-hour SLA`);
    return;
  }
  const h = unansweredHours;
  if (typeof h !== 'number' || !Number.isFinite(h) || h < 0) return;
  // The longer the silence, the stronger the evidence: "did not listen at all".
  add('inbound_unanswered', Math.min(Math.max(h / sla, 1), 3) / 3, `inbound message unanswered for ${duration(h)} (SLA ${sla} hours)`);
}

function handoffs(tp: Touchpoint, add: (n: SignalName, v: number, d: string) => void) {
  const n = tp.handoffs;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return;
  if (n === 0) return add('single_owner', 1, 'one person owned it, no transfers');
  const times = n === 1 ? 'once' : n === 2 ? 'twice' : `${Math.round(n)} times`;
  add('transferred', Math.min(1 + 0.5 * (n - 1), 2), `the customer was transferred ${times}`);
}

function wait(tp: Touchpoint, c: ScoringConfig, add: (n: SignalName, v: number, d: string) => void) {
  const s = tp.waitSeconds;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) return;
  const detail = `the customer waited ${duration(s / 3600)}`;
  if (s <= c.wait.shortSeconds) add('short_wait', 1, detail);
  else if (s >= c.wait.longSeconds) add('long_wait', 1, detail);
  else add('moderate_wait', 1, detail);
}

// Topics and subjects repeat across a customer's history: remember each one's key (bounded).
const topicKeys = new Map<string, string | undefined>();

function topicKey(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (topicKeys.has(value)) return topicKeys.get(value);
  let s = normalise(value);
  // "Re: Sv: Fwd: return" is the same subject as "return".
  while (/^(re|sv|vs|fw|fwd|aw)\s*:\s*/.test(s)) s = s.replace(/^(re|sv|vs|fw|fwd|aw)\s*:\s*/, '');
  const key = s.length > 0 ? s : undefined;
  if (topicKeys.size >= 10_000) topicKeys.clear();
  topicKeys.set(value, key);
  return key;
}

function sameTopic(a: Touchpoint, b: Touchpoint): boolean {
  const [ta, tb] = [topicKey(a.topic), topicKey(b.topic)];
  if (ta && tb && ta === tb) return true;
  const [sa, sb] = [topicKey(a.subject), topicKey(b.subject)];
  return !!sa && sa === sb;
}

function repeatContact(tp: Touchpoint, history: readonly Touchpoint[], c: ScoringConfig): { value: number; detail: string } | undefined {
  const at = Date.parse(tp.occurredAt);
  // A reply continues a conversation; only a new contact started by the customer is "coming back".
  if (tp.replyToId || tp.initiatedBy !== 'customer' || tp.channel === 'newsletter' || !Number.isFinite(at) || !(topicKey(tp.topic) || topicKey(tp.subject))) return undefined;
  const earlier = history
    .filter((h) => h.id !== tp.id && !h.replyToId && h.channel !== 'newsletter' && sameTopic(h, tp))
    .map((h) => at - Date.parse(h.occurredAt))
    .filter((dt) => Number.isFinite(dt) && dt >= 0 && dt <= c.repeatWindowDays * DAY_MS);
  if (earlier.length === 0) return undefined;
  const nth = earlier.length + 1;
  const days = Math.round(Math.max(...earlier) / DAY_MS);
  const about = tp.topic ?? topicKey(tp.subject) ?? '';
  const when = days === 0 ? 'the same day' : `in ${days} day${days === 1 ? '' : 's'}`;
  return { value: nth === 2 ? 1 : 1.5, detail: `${ordinal(nth)} contact about '${about}' ${when}` };
}

function survey(tp: Touchpoint, add: (n: SignalName, v: number, d: string) => void) {
  const s = tp.survey;
  if (!s || typeof s.score !== 'number' || !Number.isInteger(s.score)) return;
  // The comment, split into what it says about the people (and how they handled the contact:
  // the replies, the waits, having to explain it all again) and what about the product.
  const comment = typeof s.comment === 'string' ? s.comment : '';
  let people = 0;
  let product = 0;
  let peopleQuote = '';
  let productQuote = '';
  let productMentioned = '';
  const agentFirst = typeof tp.agent?.name === 'string' ? words(tp.agent.name)[0] : undefined;
  // "X, but Y": Y is the verdict, so a clause after "but"/"men" counts double ("Very friendly, but
  // nothing was solved"; "The app is awful, but Ben sorted it"). After "although"/"selv om" it is
  // the concession and counts once.
  for (const { clause, weight } of clausesOf(comment)) {
    const norm = normalise(clause);
    if (norm === '') continue;
    // What people did in the contact, well or badly: only a person calls back, follows up or transfers you.
    const contact = contactTone(norm);
    const named = LEX.people.test(norm) || (!!agentFirst && agentFirst.length >= 3 && hasWord(norm, agentFirst)) || NAMED_PERSON.test(clause);
    // "I had to ring because the app won't let me change it": the product made the work, unless a person is named.
    const aboutProduct = !named && LEX.product.test(norm);
    const aboutPeople = named || (contact.found && !aboutProduct);
    // "Trege svar", "the wait": the contact itself, when the clause names no product.
    const aboutContact = aboutPeople || (!aboutProduct && LEX.contactTopic.test(norm));
    if (aboutProduct) productMentioned ||= clause.trim();
    const tone = Math.sign(2 * contact.tone + toneOf(norm));
    if (tone === 0) continue;
    if (aboutContact) {
      people += weight * tone;
      peopleQuote ||= clause.trim();
    } else {
      // A clause with a tone that names neither the people nor the contact is about what was bought.
      product += weight * tone;
      productQuote ||= clause.trim();
    }
  }
  if (people > 0) add('survey_praises_people', 1, `the survey comment praises the people: ${quote(peopleQuote)}`);
  else if (people < 0) add('survey_criticises_people', 1, `the survey comment criticises the people or how they handled it: ${quote(peopleQuote)}`);
  // What the comment says of the product is shown, and carries no weight (SHOWN_ONLY): it says nothing of the relationship.
  if (product > 0) add('survey_praises_product', 1, `the survey comment praises the product: ${quote(productQuote)}`);
  else if (product < 0) add('survey_criticises_product', 1, `the survey comment criticises the product: ${quote(productQuote)}`);
  // The score belongs to the product when the comment's word on the product agrees with it and
  // its word on the people does not ("Anna was wonderful, but the app keeps crashing": NPS 3).
  const lean = (s.kind === 'nps' ? (s.score >= 9 ? 1 : s.score <= 6 ? -1 : 0) : s.kind === 'csat' ? (s.score >= 4 ? 1 : s.score <= 2 ? -1 : 0) : s.score <= 3 ? 1 : s.score >= 5 ? -1 : 0);
  // The same when the people get the opposite of the score and the product is named without praise
  // to match them ("Aisha took the time to find gluten-free bread. But the prices …", NPS 4).
  productQuote ||= productMentioned;
  const aboutProduct = lean !== 0 && Math.sign(people) !== lean && (Math.sign(product) === lean || (Math.sign(people) === -lean && Math.sign(product) !== -lean && productQuote !== ''));
  if (aboutProduct) {
    const what = s.kind === 'nps' ? `NPS ${s.score}` : s.kind === 'csat' ? `CSAT ${s.score} of 5` : `CES ${s.score} of 7`;
    const valid = s.kind === 'nps' ? s.score >= 0 && s.score <= 10 : s.kind === 'csat' ? s.score >= 1 && s.score <= 5 : s.score >= 1 && s.score <= 7;
    if (valid) add(lean > 0 ? 'survey_high_about_product' : 'survey_low_about_product', 1, `${what}, and the comment puts it down to the product, not the people: ${quote(productQuote)}`);
    return;
  }
  if (s.kind === 'nps' && s.score >= 0 && s.score <= 10) {
    if (s.score <= 6) add('nps_detractor', 1, `NPS ${s.score}: a detractor`);
    else if (s.score <= 8) add('nps_passive', 1, `NPS ${s.score}: passive`);
    else add('nps_promoter', 1, `NPS ${s.score}: a promoter`);
  } else if (s.kind === 'csat' && s.score >= 1 && s.score <= 5) {
    const detail = `satisfaction (CSAT) ${s.score} of 5`;
    if (s.score <= 2) add('csat_low', s.score === 1 ? 1 : 0.5, detail);
    else if (s.score === 3) add('csat_neutral', 1, detail);
    else add('csat_high', s.score === 5 ? 1 : 0.5, detail);
  } else if (s.kind === 'ces' && s.score >= 1 && s.score <= 7) {
    if (s.score <= 3) add('ces_low_effort', (4 - s.score) / 3, `customer effort (CES) ${s.score} of 7: easy for the customer`);
    else if (s.score === 4) add('ces_neutral', 1, `customer effort (CES) ${s.score} of 7: neither easy nor hard`);
    else add('ces_high_effort', (s.score - 4) / 3, `customer effort (CES) ${s.score} of 7: hard work for the customer`);
  }
}

/** A comment's clauses, each with its weight: 2 after a "but", 1 otherwise. */
function clausesOf(comment: string): { clause: string; weight: number }[] {
  const out: { clause: string; weight: number }[] = [];
  for (const piece of comment.split(/(?<=[.!?;])\s+|\s+[\u2013\u2014-]\s+/)) {
    const parts = piece.split(/(,?\s*(?<!\p{L})(?:but|men|though|however|although|selv om|derimot|likevel)(?!\p{L})[,\s]*)/iu);
    let weight = 1;
    for (let i = 0; i < parts.length; i++) {
      if (i % 2 === 1) {
        weight = /(?<!\p{L})(?:but|men|however|derimot|likevel)(?!\p{L})/iu.test(parts[i]) ? 2 : 1;
        continue;
      }
      if (parts[i].trim() !== '') out.push({ clause: parts[i], weight });
      weight = 1;
    }
  }
  return out;
}

const CONTACT_PRAISE_ALL = new RegExp(LEX.contactPraise.source, 'gu');
const CONTACT_COMPLAINT_ALL = new RegExp(LEX.contactComplaint.source, 'gu');
/** "Nobody listened", "ingen ringte tilbake slik de sa": a praise of the contact that nobody earned. */
const NOBODY = /^(?:not|never|no|didn't|don't|doesn't|wasn't|nobody|without|ikke|aldri|ingen|ingenting|uten|slapp|slipper)$/u;

/**
 * A negator among the three words right before `at`, within the same phrase (a comma ends it):
 * "nobody called me back", "I didn't have to explain it again", "slapp å forklare alt på nytt" —
 * but not "no fuss, she called me back".
 */
function negatedAt(norm: string, at: number): boolean {
  const before = norm.slice(0, at);
  const phrase = before.slice(Math.max(before.lastIndexOf(','), before.lastIndexOf(';'), before.lastIndexOf(':')) + 1);
  return words(phrase).slice(-3).some((x) => NOBODY.test(x));
}

/** What a clause says people did in the contact: the praises less the complaints (each turned by a negator), and whether it says any. */
function contactTone(norm: string): { tone: number; found: boolean } {
  const spans: [number, number][] = [];
  let tone = 0;
  CONTACT_COMPLAINT_ALL.lastIndex = 0;
  for (let m = CONTACT_COMPLAINT_ALL.exec(norm); m; m = CONTACT_COMPLAINT_ALL.exec(norm)) {
    if (m[0].length === 0) {
      CONTACT_COMPLAINT_ALL.lastIndex++;
      continue;
    }
    spans.push([m.index, m.index + m[0].length]);
    // A complaint phrase that carries its own "nobody"/"ingen" is not turned by it.
    tone += !NOBODY.test(words(m[0])[0] ?? '') && negatedAt(norm, m.index) ? 1 : -1;
  }
  CONTACT_PRAISE_ALL.lastIndex = 0;
  for (let m = CONTACT_PRAISE_ALL.exec(norm); m; m = CONTACT_PRAISE_ALL.exec(norm)) {
    const [at, end] = [m.index, m.index + m[0].length];
    if (at === end) {
      CONTACT_PRAISE_ALL.lastIndex++;
      continue;
    }
    if (spans.some(([a, b]) => at < b && end > a)) continue;
    spans.push([at, end]);
    tone += negatedAt(norm, at) ? -1 : 1;
  }
  return { tone, found: spans.length > 0 };
}

/** A person named in a comment: "Sandra, our adjuster, …", "spoke to Amir", "snakket med Kari", "Ahmed spurte …". */
const NAMED_PERSON = /(?:^|[.!?]\s+|\s)\p{Lu}\p{Ll}{2,}, (?:our|my|the|your|vår|min|mitt|deres|rådgiveren|saksbehandleren)(?!\p{L})|(?<!\p{L})(?:spoke to|talked to|spoke with|talked with|dealt with|named|called|snakket med|pratet med|fikk hjelp av|hjulpet av|ved navn) \p{Lu}\p{Ll}{2,}|^\s*\p{Lu}\p{Ll}{2,} (?:asked|called|rang|sorted|fixed|helped|explained|took|knows|knew|follows|followed|remembered|listened|went|on the phone|from (?:support|customer service|the)|spurte|ringte|ordnet|fikset|hjalp|forklarte|tok|kjenner|følger|fulgte|husket|lyttet|stiller|stilte|på telefonen|i kundeservice|fra kundeservice)(?!\p{L})/u;

/** +1 praise, −1 complaint, 0 neither; a negator within the three words before a phrase turns it. */
function toneOf(norm: string): number {
  if (LEX.sarcasm.test(norm)) return -1;
  // A wish ("replies could be quicker", "svarene kunne kommet raskere") is neither praise nor a complaint.
  const wish = WISH.test(norm);
  let tone = 0;
  const seen: [number, number][] = [];
  for (const [re, sign] of [[POSITIVE_ALL, 1], [NEGATIVE_ALL, -1]] as const) {
    re.lastIndex = 0;
    for (let m = re.exec(norm); m; m = re.exec(norm)) {
      const at = m.index;
      const end = at + m[0].length;
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      // A word both lists know (a praise inside a complaint phrase) counts once, as the praise.
      if (seen.some(([a, b]) => at < b && end > a)) continue;
      seen.push([at, end]);
      if (sign < 0 && LEX.negator.test(m[0])) continue;
      if (sign > 0 && wish) continue;
      const negated = words(norm.slice(0, at)).slice(-4).some((x) => LEX.negator.test(x));
      tone += sign * (negated ? -1 : 1);
    }
  }
  // "He called me back when he said he would" keeps the promise it names.
  if (LEX.resignation.test(norm) || (LEX.brokenPromiseText.test(norm) && !(KEPT_AS_SAID.test(norm) && !/(?<!\p{L})(?:nobody|no one|never|ingen|aldri|ikke)(?!\p{L})/u.test(norm)))) tone -= 2;
  return Math.sign(tone);
}

const WISH = /(?<!\p{L})(?:could|should|might|would be nice|kunne|burde|skulle gjerne)(?!\p{L})/u;
const KEPT_AS_SAID = /(?<!\p{L})(?:(?:when|as|exactly when|just as|like) (?:he|she|they|you) said (?:he|she|they|you)(?:'d| would)|(?:slik|som|akkurat når|når) (?:han|hun|de|du) (?:sa|lovet))(?!\p{L})/u;
const NEGATIVE_ALL_ONE = LEX.negative;
const POSITIVE_ALL = new RegExp(LEX.positive.source, 'gu');
const NEGATIVE_ALL = new RegExp(LEX.negative.source, 'gu');

// ---- helpers -------------------------------------------------------------------------------------

/** Time order, then id: a total order, so no result depends on the order the caller passed. */
function byTime(a: Touchpoint, b: Touchpoint): number {
  const ta = Date.parse(a.occurredAt);
  const tb = Date.parse(b.occurredAt);
  const d = (Number.isFinite(ta) ? ta : 0) - (Number.isFinite(tb) ? tb : 0);
  return d !== 0 ? d : String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0;
}

function firstMatch(sentences: readonly Sentence[], re: Family | RegExp, raw = false): Sentence | undefined {
  for (const s of sentences) if (re.test(raw ? s.raw : s.norm)) return s;
  return undefined;
}

function sentenceOf(text: string): Sentence {
  const norm = normalise(text);
  return { raw: text.trim(), norm, question: /\?["'»)\]]*$/.test(norm) };
}

function promoTag(tp: Touchpoint, c: ScoringConfig): Sentence | undefined {
  if (tp.initiatedBy !== 'company' || !Array.isArray(tp.tags)) return undefined;
  const tag = tp.tags.find((t) => typeof t === 'string' && c.promoTags.includes(normalise(t)));
  return tag ? { raw: `tagged ${tag}`, norm: normalise(tag), question: false } : undefined;
}

function hasWord(norm: string, w: string): boolean {
  for (let at = norm.indexOf(w); at >= 0; at = norm.indexOf(w, at + 1)) {
    const a = norm[at - 1];
    const b = norm[at + w.length];
    if ((a === undefined || !/[\p{L}\p{N}]/u.test(a)) && (b === undefined || !/[\p{L}\p{N}]/u.test(b))) return true;
  }
  return false;
}

// Same name → same tokens; bounded.
const nameTokenCache = new Map<string, string[]>();
const NO_TOKENS: string[] = [];
function customerNameTokens(name: string | undefined): string[] {
  if (typeof name !== 'string') return NO_TOKENS;
  let tokens = nameTokenCache.get(name);
  if (!tokens) {
    const first = words(name)[0];
    tokens = first && first.length >= 2 && !STOPWORDS.has(first) ? [first] : NO_TOKENS;
    if (nameTokenCache.size >= 5000) nameTokenCache.clear();
    nameTokenCache.set(name, tokens);
  }
  return tokens;
}

/** A short excerpt in quotes: what an account manager reads to see why. */
export function quote(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= 80) return `'${t}'`;
  // Cut at a word's end, so a quote never ends in half a word ("I'll call y…").
  const cut = t.slice(0, 78);
  const space = cut.lastIndexOf(' ');
  return `'${(space >= 50 ? cut.slice(0, space) : cut.slice(0, 77)).replace(/[\s,;:.–-]+$/, '')}…'`;
}

function hoursBetween(from: string, to: string): number | undefined {
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms)) return undefined;
  return Math.max(0, ms) / HOUR_MS;
}

/** "45 seconds", "14 minutes", "3 hours", "52 hours": whole units an account manager reads at a glance. */
function duration(hours: number): string {
  const seconds = Math.round(hours * 3600);
  if (seconds < 60) return plural(seconds, 'second');
  if (seconds < 3600) return plural(Math.round(seconds / 60), 'minute');
  return plural(Math.round(hours), 'hour');
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
const ordinal = (n: number) => ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'][n - 1] ?? `${n}th`;
/** The contact's name as the follow-ups and health drivers say it: "e-mail", "in-app message". */
const label = (channel: string) => channelNoun(channel).one;
/** With its article: "an e-mail", "an in-app message", "a newsletter". */
const aLabel = (channel: string) => `${article(label(channel))} ${label(channel)}`;
