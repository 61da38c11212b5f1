import type { RelationalClass, RelationalScore, Signal, Touchpoint, TranscriptTurn } from '../touchpoint.js';
import { DEFAULT_SCORING_CONFIG, type ScoringConfig, type ScoringDimension, type SignalName } from './config.js';
import { findPhrase, findPhraseLiteral, isOpenQuestion, isQuestion, normalise, sentences, wordCount, words } from './text.js';

export interface ScoringContext {
  /** For "personal address" detection. */
  customerName?: string;
  /** The customer's OTHER touchpoints that occurred before this one (any order). */
  history: Touchpoint[];
  /** Touchpoints whose replyToId === this touchpoint's id (known so far). */
  answeredBy?: Touchpoint[];
  /** Set when an InboundMessageWentUnanswered fact exists for this touchpoint. */
  unansweredHours?: number;
}

/** One observed dimension: a sub-score in [-1, 1] and how much evidence it carries. */
interface Observation {
  dimension: ScoringDimension;
  name: SignalName;
  sub: number;
  detail: string;
  /** Multiplies the dimension's weight (stronger evidence: more questions, longer silence). */
  weightFactor?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Score one touchpoint for closeness (relational) or distance (transactional).
 *
 * Each observable dimension gives a sub-score in [-1, 1]; the score is
 * `50 + 50 · Σ(wᵢ·sᵢ) / (prior + Σwᵢ)` over the observed dimensions only, rounded and clamped
 * to 0–100. A signal's `effect` is its share of that sum in points, so the effects add up to
 * (score − 50) up to rounding. Pure: same input, same output; never throws on odd data.
 */
export function scoreTouchpoint(tp: Touchpoint, ctx: ScoringContext = { history: [] }, config: ScoringConfig = DEFAULT_SCORING_CONFIG): RelationalScore {
  const obs = observe(tp, ctx ?? { history: [] }, config);
  const weighted = obs
    .map((o) => ({ o, w: (config.weights[o.dimension] ?? 0) * (o.weightFactor ?? 1) }))
    .filter(({ w }) => w > 0 && Number.isFinite(w));
  const denominator = config.priorWeight + weighted.reduce((sum, { w }) => sum + w, 0);
  const mean = denominator > 0 ? weighted.reduce((sum, { o, w }) => sum + w * o.sub, 0) / denominator : 0;
  const score = clamp(Math.round(50 + 50 * mean), 0, 100);
  const signals: Signal[] = weighted
    .map(({ o, w }) => ({ name: o.name, effect: round1(denominator > 0 ? (50 * w * o.sub) / denominator : 0), detail: o.detail }))
    .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || a.name.localeCompare(b.name));
  return internScore({ score, class: relationalClass(score, config), signals });
}

/** Distinct scores kept for sharing; past this many the table starts over (holders keep theirs). */
const MAX_INTERNED = 100_000;
const interned = new Map<string, RelationalScore>();

/**
 * The one shared, frozen copy of a score equal to `s`. Scores repeat a lot (a few dozen signal
 * texts, effects rounded to 0.1) and a worker keeps one per touchpoint for every cached customer:
 * on the bench's log, sharing them took the folds from about 790 to 550 bytes of heap per event
 * (measured after a full GC), which the garbage collector no longer marks again and again.
 */
export function internScore(s: RelationalScore): RelationalScore {
  if (Object.isFrozen(s)) return s;
  let key = `${s.score}|${s.class}`;
  for (const g of s.signals ?? []) key += `|${g.name}\u0001${g.effect}\u0001${g.detail}`;
  const hit = interned.get(key);
  if (hit) return hit;
  if (interned.size >= MAX_INTERNED) interned.clear();
  const signals = Object.freeze((s.signals ?? []).map((g) => Object.freeze({ ...g }))) as Signal[];
  const out = Object.freeze({ ...s, signals }) as RelationalScore;
  interned.set(key, out);
  return out;
}

export function relationalClass(score: number, config: ScoringConfig = DEFAULT_SCORING_CONFIG): RelationalClass {
  if (score >= config.thresholds.relational) return 'relational';
  if (score < config.thresholds.transactional) return 'transactional';
  return 'neutral';
}

interface Turns {
  customer: string[];
  agent: string[];
  bot: string[];
}

function splitTurns(transcript: unknown): Turns {
  const turns: Turns = { customer: [], agent: [], bot: [] };
  if (!Array.isArray(transcript)) return turns;
  for (const t of transcript as Partial<TranscriptTurn>[]) {
    // Empty turns carry no evidence: an empty transcript is the same as none.
    if (!t || typeof t.text !== 'string' || wordCount(t.text) === 0) continue;
    if (t.speaker === 'customer' || t.speaker === 'agent' || t.speaker === 'bot') turns[t.speaker].push(t.text);
  }
  return turns;
}

function observe(tp: Touchpoint, ctx: ScoringContext, c: ScoringConfig): Observation[] {
  const turns = splitTurns(tp.transcript);
  const nameTokens = customerNameTokens(ctx.customerName);
  const companyTurns = [...turns.agent, ...turns.bot];
  const companySentences = companyTurns.flatMap(sentences);
  const out: (Observation | undefined)[] = [
    handling(tp, turns, c),
    dialogue(tp, turns, ctx, c),
    initiative(tp, ctx, companySentences, c),
    replyDelay(tp, ctx, c),
    answer(tp, ctx, c),
    handoffs(tp, c),
    wait(tp, c),
    ...repeatAndResolution(tp, ctx, c),
    survey(tp),
    openQuestions(turns, nameTokens, c),
    talkShare(turns, c),
    acknowledgement(turns, c),
    personal(turns, nameTokens, c),
    templated(tp, companyTurns, c),
  ];
  return out.filter((o): o is Observation => o !== undefined);
}

function handling(tp: Touchpoint, turns: Turns, c: ScoringConfig): Observation | undefined {
  // A survey form is automated by nature; its answer, not its delivery, says something.
  if (c.formChannels.includes(tp.channel)) return undefined;
  const botOnly = turns.bot.length > 0 && turns.agent.length === 0;
  const automated = tp.handledBy === 'automation' || tp.channel === 'chatbot' || botOnly;
  if (!automated) {
    const who = tp.agent?.name ? ` (${tp.agent.name})` : '';
    return { dimension: 'handling', name: 'human_handled', sub: 0.3, detail: `handled by a person${who}` };
  }
  if (turns.agent.length > 0) {
    return { dimension: 'handling', name: 'bot_escalated_to_human', sub: -0.3, detail: 'a bot handled it first, then a person took over' };
  }
  const detail = tp.channel === 'chatbot' || turns.bot.length > 0 ? 'handled by a chatbot' : `handled by automation (no person involved in this ${label(tp.channel)})`;
  return { dimension: 'handling', name: 'automated', sub: -1, detail };
}

function dialogue(tp: Touchpoint, turns: Turns, ctx: ScoringContext, c: ScoringConfig): Observation | undefined {
  const evidence: [number, string][] = [];
  if (turns.customer.length > 0 && turns.agent.length > 0) evidence.push([1, 'a two-way conversation: the customer and the agent both spoke']);
  // A call is two-way by nature, but without a transcript we cannot tell how good the dialogue was.
  if (c.liveChannels.includes(tp.channel)) evidence.push([0.5, `a live conversation (${label(tp.channel)})`]);
  // Only the other side answering makes it two-way; an automatic acknowledgement is not an answer.
  const answered = (ctx.answeredBy ?? []).some((a) => a && a.direction !== tp.direction && (a.direction === 'inbound' || a.handledBy === 'human'));
  if (answered) evidence.push([1, 'two-way: the message got an answer']);
  if (tp.replyToId && (tp.direction === 'inbound' || tp.handledBy === 'human')) evidence.push([1, 'two-way: a reply within an exchange']);
  if (turns.customer.length > 0 && turns.bot.length > 0) evidence.push([0.3, 'a back-and-forth with a bot only']);
  if (evidence.length > 0) {
    const [sub, detail] = evidence.reduce((best, e) => (e[0] > best[0] ? e : best));
    return { dimension: 'dialogue', name: 'two_way', sub, detail };
  }
  if (tp.direction === 'outbound' && tp.initiatedBy === 'company') {
    return { dimension: 'dialogue', name: 'one_way', sub: -1, detail: `one-way: the company sent a ${label(tp.channel)} and nobody has answered` };
  }
  return undefined;
}

function initiative(tp: Touchpoint, ctx: ScoringContext, companySentences: string[], c: ScoringConfig): Observation | undefined {
  if (c.formChannels.includes(tp.channel)) return undefined;
  if (tp.initiatedBy === 'customer') {
    return { dimension: 'initiative', name: 'customer_initiated', sub: 0.3, detail: "the customer's own need drove the contact" };
  }
  const text = [tp.subject ?? '', tp.summary ?? '', ...companySentences].join('\n');
  const promoWord = findPhrase(text, c.phrases.promo);
  const promoTag = (tp.tags ?? []).find((t) => typeof t === 'string' && c.phrases.promoTags.map(normalise).includes(normalise(t)));
  const promo = promoWord ?? (promoTag ? `tagged ${promoTag}` : undefined);
  // Answering the customer's own message is not the company pushing, whoever the source marked as initiator.
  const original = tp.replyToId ? (ctx.history ?? []).find((h) => h && h.id === tp.replyToId) : undefined;
  if (!promo && original?.direction === 'inbound') {
    return { dimension: 'initiative', name: 'customer_initiated', sub: 0.3, detail: "a reply to the customer's own message" };
  }
  // Any question from the company side counts as asking.
  const asked = companySentences.some((s) => isQuestion(s, c.phrases)) || /\?/.test(tp.subject ?? '');
  if (promo && !asked) {
    return { dimension: 'initiative', name: 'company_push_offer', sub: -1, detail: `the company pushed an offer ('${promo}') without asking anything` };
  }
  if (promo) {
    return { dimension: 'initiative', name: 'offer_with_question', sub: -0.2, detail: `the company made an offer ('${promo}') but also asked the customer` };
  }
  if (asked) return { dimension: 'initiative', name: 'proactive_outreach', sub: 0.6, detail: 'the company reached out and asked the customer' };
  return { dimension: 'initiative', name: 'company_initiated', sub: -0.3, detail: 'the company initiated the contact and asked nothing' };
}

function replyDelay(tp: Touchpoint, ctx: ScoringContext, c: ScoringConfig): Observation | undefined {
  if (!tp.replyToId || tp.direction !== 'outbound') return undefined;
  // A reply to an unknown touchpoint: the delay cannot be observed, so it is left out.
  const original = (ctx.history ?? []).find((h) => h && h.id === tp.replyToId);
  if (!original || original.direction !== 'inbound') return undefined;
  const hours = hoursBetween(original.occurredAt, tp.occurredAt);
  if (hours === undefined) return undefined;
  const sla = c.replySlaHours[original.channel] ?? c.replySlaHours.other;
  // An automatic acknowledgement is not an answer: it earns no credit for speed, but a late one is still late.
  if (hours <= sla && tp.handledBy === 'automation') return undefined;
  if (hours <= sla) return { dimension: 'replyDelay', name: 'replied_in_time', sub: 1, detail: `replied within ${duration(hours)} (SLA ${sla} hours)` };
  return { dimension: 'replyDelay', name: 'replied_late', sub: hours <= 2 * sla ? -0.5 : -1, detail: `replied after ${duration(hours)}, past the ${sla}-hour SLA` };
}

function answer(tp: Touchpoint, ctx: ScoringContext, c: ScoringConfig): Observation | undefined {
  if (tp.direction !== 'inbound') return undefined;
  const sla = c.replySlaHours[tp.channel] ?? c.replySlaHours.other;
  const delays = (ctx.answeredBy ?? [])
    .filter((a) => a && a.direction === 'outbound' && a.handledBy === 'human')
    .map((a) => hoursBetween(tp.occurredAt, a.occurredAt))
    .filter((h): h is number => h !== undefined);
  if (delays.length > 0) {
    const hours = Math.min(...delays);
    if (hours <= sla) return { dimension: 'answer', name: 'answered_in_time', sub: 1, detail: `answered within ${duration(hours)} (SLA ${sla} hours)` };
    return { dimension: 'answer', name: 'answered_late', sub: hours <= 2 * sla ? -0.5 : -1, detail: `answered after ${duration(hours)}, past the ${sla}-hour SLA` };
  }
  const h = ctx.unansweredHours;
  if (typeof h !== 'number' || !Number.isFinite(h) || h < 0) return undefined;
  // The longer the silence, the stronger the evidence: "did not listen at all".
  const weightFactor = clamp(h / sla, 1, c.maxUnansweredWeightFactor);
  return { dimension: 'answer', name: 'inbound_unanswered', sub: -1, weightFactor, detail: `inbound message unanswered for ${duration(h)} (SLA ${sla} hours)` };
}

function handoffs(tp: Touchpoint, c: ScoringConfig): Observation | undefined {
  const n = tp.handoffs;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return undefined;
  if (n === 0) return { dimension: 'handoffs', name: 'single_owner', sub: 0.5, detail: 'one person owned it, no transfers' };
  const times = n === 1 ? 'once' : n === 2 ? 'twice' : `${Math.round(n)} times`;
  const weightFactor = clamp(1 + 0.5 * (n - 1), 1, c.maxHandoffWeightFactor);
  return { dimension: 'handoffs', name: 'transferred', sub: n === 1 ? -0.5 : -1, weightFactor, detail: `the customer was transferred ${times}` };
}

function wait(tp: Touchpoint, c: ScoringConfig): Observation | undefined {
  const s = tp.waitSeconds;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) return undefined;
  const detail = `the customer waited ${duration(s / 3600)}`;
  if (s <= c.wait.shortSeconds) return { dimension: 'wait', name: 'short_wait', sub: 0.5, detail };
  if (s >= c.wait.longSeconds) return { dimension: 'wait', name: 'long_wait', sub: -1, detail };
  return { dimension: 'wait', name: 'moderate_wait', sub: -0.3, detail };
}

// Topics and subjects repeat across a customer's history: remember each one's key (bounded).
const topicKeys = new Map<string, string | undefined>();

function topicKey(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (topicKeys.has(value)) return topicKeys.get(value);
  const key = computeTopicKey(value);
  if (topicKeys.size >= 10_000) topicKeys.clear();
  topicKeys.set(value, key);
  return key;
}

function computeTopicKey(value: string): string | undefined {
  let s = normalise(value);
  // "Re: Sv: Fwd: return" is the same subject as "return".
  while (/^(re|sv|vs|fw|fwd|aw)\s*:\s*/.test(s)) s = s.replace(/^(re|sv|vs|fw|fwd|aw)\s*:\s*/, '');
  return s.length > 0 ? s : undefined;
}

function sameTopic(a: Touchpoint, b: Touchpoint): boolean {
  const [ta, tb] = [topicKey(a.topic), topicKey(b.topic)];
  if (ta && tb && ta === tb) return true;
  const [sa, sb] = [topicKey(a.subject), topicKey(b.subject)];
  return !!sa && sa === sb;
}

function repeatAndResolution(tp: Touchpoint, ctx: ScoringContext, c: ScoringConfig): (Observation | undefined)[] {
  let repeat: Observation | undefined;
  const at = Date.parse(tp.occurredAt);
  // A reply continues a conversation; only a new contact started by the customer is "coming back".
  if (!tp.replyToId && tp.initiatedBy === 'customer' && tp.channel !== 'newsletter' && Number.isFinite(at) && (topicKey(tp.topic) || topicKey(tp.subject))) {
    const earlier = (ctx.history ?? [])
      .filter((h) => h && h.id !== tp.id && !h.replyToId && h.channel !== 'newsletter' && sameTopic(h, tp))
      .map((h) => at - Date.parse(h.occurredAt))
      .filter((dt) => Number.isFinite(dt) && dt >= 0 && dt <= c.repeatWindowDays * DAY_MS);
    if (earlier.length > 0) {
      const nth = earlier.length + 1;
      const days = Math.round(Math.max(...earlier) / DAY_MS);
      const about = tp.topic ?? topicKey(tp.subject) ?? '';
      const when = days === 0 ? 'the same day' : `in ${days} day${days === 1 ? '' : 's'}`;
      repeat = { dimension: 'repeat', name: 'repeat_contact', sub: nth === 2 ? -0.7 : -1, detail: `${ordinal(nth)} contact about '${about}' ${when}` };
    }
  }
  let resolution: Observation | undefined;
  if (tp.resolved === true) {
    resolution = repeat
      ? { dimension: 'resolution', name: 'resolved', sub: 0.5, detail: 'resolved on this contact, but only after an earlier one' }
      : { dimension: 'resolution', name: 'first_contact_resolution', sub: 1, detail: 'resolved on the first contact' };
  } else if (tp.resolved === false) {
    resolution = { dimension: 'resolution', name: 'unresolved', sub: -0.5, detail: 'not resolved on this contact' };
  }
  return [repeat, resolution];
}

function survey(tp: Touchpoint): Observation | undefined {
  const s = tp.survey;
  if (!s || typeof s.score !== 'number' || !Number.isInteger(s.score)) return undefined;
  const d = 'survey' as const;
  if (s.kind === 'nps' && s.score >= 0 && s.score <= 10) {
    if (s.score <= 6) return { dimension: d, name: 'nps_detractor', sub: -1, detail: `NPS ${s.score}: a detractor` };
    if (s.score <= 8) return { dimension: d, name: 'nps_passive', sub: 0, detail: `NPS ${s.score}: passive` };
    return { dimension: d, name: 'nps_promoter', sub: 1, detail: `NPS ${s.score}: a promoter` };
  }
  if (s.kind === 'csat' && s.score >= 1 && s.score <= 5) {
    const sub = (s.score - 3) / 2;
    const name = s.score >= 4 ? 'csat_high' : s.score === 3 ? 'csat_neutral' : 'csat_low';
    return { dimension: d, name, sub, detail: `satisfaction (CSAT) ${s.score} of 5` };
  }
  if (s.kind === 'ces' && s.score >= 1 && s.score <= 7) {
    const sub = (4 - s.score) / 3;
    const name = s.score <= 3 ? 'ces_low_effort' : s.score === 4 ? 'ces_neutral' : 'ces_high_effort';
    const verdict = s.score <= 3 ? 'easy for the customer' : s.score === 4 ? 'neither easy nor hard' : 'hard work for the customer';
    return { dimension: d, name, sub, detail: `customer effort (CES) ${s.score} of 7: ${verdict}` };
  }
  return undefined;
}

function openQuestions(turns: Turns, nameTokens: string[], c: ScoringConfig): Observation | undefined {
  // Needs a dialogue: without the customer's turns there was nobody to ask.
  if (turns.customer.length === 0 || turns.agent.length === 0) return undefined;
  const n = turns.agent.flatMap(sentences).filter((s) => isOpenQuestion(s, c.phrases, nameTokens)).length;
  if (n === 0) return { dimension: 'openQuestions', name: 'no_open_questions', sub: -1, detail: 'the agent asked no open questions' };
  const weightFactor = 1 + c.extraQuestionWeight * Math.min(n - 1, c.maxExtraQuestions);
  const detail = n === 1 ? 'the agent asked an open question' : `the agent asked ${n} open questions`;
  return { dimension: 'openQuestions', name: 'open_questions', sub: 1, weightFactor, detail };
}

function talkShare(turns: Turns, c: ScoringConfig): Observation | undefined {
  // Talk share is about listening: only a conversation between the customer and a person counts.
  const customerWords = turns.customer.reduce((n, t) => n + wordCount(t), 0);
  if (customerWords === 0 || turns.agent.length === 0) return undefined;
  // A question hands the floor to the customer, so it does not count as the agent talking.
  const agentWords = turns.agent
    .flatMap(sentences)
    .filter((s) => !isQuestion(s, c.phrases))
    .reduce((n, s) => n + wordCount(s), 0);
  const share = customerWords / (customerWords + agentWords);
  const pct = Math.round(share * 100);
  const sub = clamp((share - 0.5) / c.talkShareFullEffectAt, -1, 1);
  if (share > 0.5) return { dimension: 'talkShare', name: 'customer_talked_most', sub, detail: `the customer did most of the talking (${pct}% of the words)` };
  if (share < 0.5) return { dimension: 'talkShare', name: 'agent_talked_most', sub, detail: `the agent did most of the talking (the customer ${pct}% of the words)` };
  return { dimension: 'talkShare', name: 'balanced_talk', sub: 0, detail: 'the customer and the agent talked equally' };
}

function acknowledgement(turns: Turns, c: ScoringConfig): Observation | undefined {
  for (const t of turns.agent) {
    const p = findPhrase(t, c.phrases.acknowledgement);
    if (p) return { dimension: 'acknowledgement', name: 'acknowledgement', sub: 1, detail: `the agent acknowledged the customer ('${p}')` };
  }
  return undefined;
}

function personal(turns: Turns, nameTokens: string[], c: ScoringConfig): Observation | undefined {
  let byName = false;
  let history: string | undefined;
  for (const t of turns.agent) {
    if (nameTokens.length > 0 && findPhraseLiteral(t, nameTokens)) byName = true;
    history ??= findPhrase(t, c.phrases.historyReference);
  }
  if (!byName && !history) return undefined;
  const parts = [byName ? "used the customer's name" : '', history ? `referred to the customer's history ('${history}')` : ''].filter(Boolean);
  return { dimension: 'personal', name: 'personal_address', sub: 1, detail: `personal: the agent ${parts.join(' and ')}` };
}

function templated(tp: Touchpoint, companyTurns: string[], c: ScoringConfig): Observation | undefined {
  const texts = [...companyTurns, ...(tp.direction === 'outbound' ? [tp.subject ?? '', tp.summary ?? ''] : [])];
  for (const t of texts) {
    const p = findPhrase(t, c.phrases.templated);
    if (p) return { dimension: 'templated', name: 'templated_reply', sub: -1, detail: `templated wording ('${p}')` };
  }
  return undefined;
}

// Same name → same array, so the phrase-regex cache (keyed by array) hits; bounded. Read-only by contract.
const nameTokenCache = new Map<string, string[]>();
const NO_TOKENS: string[] = [];

function customerNameTokens(name: string | undefined): string[] {
  if (typeof name !== 'string') return NO_TOKENS;
  let tokens = nameTokenCache.get(name);
  if (!tokens) {
    const full = normalise(name);
    const first = words(name)[0];
    tokens = [...new Set([full, first].filter((x): x is string => !!x && x.length >= 3))];
    if (nameTokenCache.size >= 5000) nameTokenCache.clear();
    nameTokenCache.set(name, tokens);
  }
  return tokens;
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

function plural(n: number, unit: string) {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function ordinal(n: number): string {
  return ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'][n - 1] ?? `${n}th`;
}

function label(channel: string): string {
  return channel.replace(/_/g, ' ');
}

function clamp(v: number, lo: number, hi: number) {
  return Math.min(hi, Math.max(lo, v));
}

function round1(v: number) {
  const r = Math.round(v * 10) / 10;
  return r === 0 ? 0 : r;
}
