import { DomainError, DomainErrorCode } from '../errors.js';
import { CHANNELS, type Channel } from '../touchpoint.js';

/**
 * The dimensions a touchpoint is judged on. Each dimension yields at most one signal; a
 * dimension that cannot be observed is left out and the remaining weights renormalised.
 */
export const SCORING_DIMENSIONS = [
  'handling',
  'dialogue',
  'initiative',
  'replyDelay',
  'answer',
  'handoffs',
  'wait',
  'repeat',
  'resolution',
  'survey',
  'openQuestions',
  'talkShare',
  'acknowledgement',
  'personal',
  'templated',
] as const;
export type ScoringDimension = (typeof SCORING_DIMENSIONS)[number];

/** Every signal name `scoreTouchpoint` can emit (stable snake_case identifiers, see docs/relational-score.md). */
export const SIGNAL_NAMES = [
  'human_handled',
  'automated',
  'bot_escalated_to_human',
  'two_way',
  'one_way',
  'customer_initiated',
  'proactive_outreach',
  'company_initiated',
  'company_push_offer',
  'offer_with_question',
  'replied_in_time',
  'replied_late',
  'answered_in_time',
  'answered_late',
  'inbound_unanswered',
  'single_owner',
  'transferred',
  'short_wait',
  'moderate_wait',
  'long_wait',
  'repeat_contact',
  'first_contact_resolution',
  'resolved',
  'unresolved',
  'nps_promoter',
  'nps_passive',
  'nps_detractor',
  'csat_high',
  'csat_neutral',
  'csat_low',
  'ces_low_effort',
  'ces_neutral',
  'ces_high_effort',
  'open_questions',
  'no_open_questions',
  'customer_talked_most',
  'balanced_talk',
  'agent_talked_most',
  'acknowledgement',
  'personal_address',
  'templated_reply',
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

/**
 * Phrase lists are matched case-insensitively on whole words; a trailing `*` matches any word
 * ending (`rabatt*` matches "rabatten", "rabattkode"), which Norwegian compounds need.
 */
export interface ScoringPhrases {
  /** First word of an open question ("how", "hva"); the sentence must end with `?`. */
  openQuestionStarters: string[];
  /** Open prompts that count anywhere in an agent sentence, question mark or not ("tell me about", "kan du beskrive"). */
  openQuestionPrompts: string[];
  /** Words skipped before the starter ("so what …", "og hvordan …"). */
  questionFillers: string[];
  /** A question containing one of these asks for a fact, not an opinion ("what is your order number?"). */
  factualQuestionPhrases: string[];
  acknowledgement: string[];
  /** References to the customer's own history ("last time", "sist", "your order from"). */
  historyReference: string[];
  templated: string[];
  promo: string[];
  /** Tags on the touchpoint that mark it as a commercial push. */
  promoTags: string[];
}

export interface ScoringConfig {
  /** Relative weight of each dimension (0 switches a dimension off). */
  weights: Record<ScoringDimension, number>;
  /**
   * A neutral pseudo-signal of this weight is always present, so a touchpoint with little
   * evidence stays near 50 instead of jumping to an extreme on one signal.
   */
  priorWeight: number;
  /** score ≥ relational → relational; score < transactional → transactional; otherwise neutral. */
  thresholds: { relational: number; transactional: number };
  /** A contact about the same topic/subject within this many days counts as a repeat contact. */
  repeatWindowDays: number;
  /** How fast the company should answer an inbound message on each channel. */
  replySlaHours: Record<Channel, number>;
  /** Inbound channels on which a customer message waits for an answer (the unanswered check). */
  awaitsReplyChannels: Channel[];
  /** Channels that are a live conversation by nature (two-way without a transcript). */
  liveChannels: Channel[];
  /**
   * Form channels (a survey): automated and company-initiated by nature, so handling and
   * initiative are left out; the answer is what says something.
   */
  formChannels: Channel[];
  /** The unanswered signal's weight grows with hours/SLA up to this factor: longer silence, stronger evidence. */
  maxUnansweredWeightFactor: number;
  /** Each transfer after the first adds half the handoffs weight, up to this factor: every transfer is more effort. */
  maxHandoffWeightFactor: number;
  /** Each open question after the first adds this share of the dimension's weight, up to `maxExtraQuestions`. */
  extraQuestionWeight: number;
  maxExtraQuestions: number;
  wait: { shortSeconds: number; longSeconds: number };
  /** Customer share of the words at which the talk-share signal reaches its full effect (either side of 50%). */
  talkShareFullEffectAt: number;
  phrases: ScoringPhrases;
}

export const DEFAULT_SCORING_CONFIG: ScoringConfig = deepFreeze({
  weights: {
    handling: 4,
    dialogue: 2,
    initiative: 2,
    replyDelay: 2.5,
    answer: 3,
    handoffs: 3,
    wait: 2,
    repeat: 4,
    resolution: 2.5,
    survey: 5,
    openQuestions: 3,
    talkShare: 2.5,
    acknowledgement: 1.5,
    personal: 2,
    templated: 2,
  },
  priorWeight: 2,
  thresholds: { relational: 65, transactional: 40 },
  repeatWindowDays: 7,
  replySlaHours: {
    email: 24,
    phone: 4,
    meeting: 48,
    video: 24,
    chat: 1,
    chatbot: 1,
    sms: 24,
    support_ticket: 24,
    return: 48,
    survey: 72,
    newsletter: 72,
    in_app: 24,
    social: 4,
    letter: 120,
    other: 48,
  },
  awaitsReplyChannels: ['email', 'chat', 'sms', 'support_ticket', 'return', 'in_app', 'social', 'letter', 'other'],
  liveChannels: ['phone', 'meeting', 'video'],
  formChannels: ['survey'],
  maxUnansweredWeightFactor: 3,
  maxHandoffWeightFactor: 2,
  extraQuestionWeight: 0.25,
  maxExtraQuestions: 2,
  wait: { shortSeconds: 120, longSeconds: 600 },
  talkShareFullEffectAt: 0.2,
  phrases: {
    openQuestionStarters: ['how', 'what', "what's", 'why', 'hvordan', 'hva', 'hvorfor', 'hvilke', 'hvilken'],
    openQuestionPrompts: [
      'tell me about', 'tell me more', 'tell me how', 'tell me what', 'tell me why', 'could you describe', 'can you describe',
      'would you describe', 'describe how', 'describe what', 'walk me through', 'help me understand', 'what do you think',
      'how do you feel', 'how did you feel', 'fortell meg om', 'fortell meg mer', 'fortell meg hvordan', 'fortell meg hva',
      'fortell om', 'fortell litt', 'fortell mer', 'kan du beskrive', 'kunne du beskrive', 'kan du fortelle om',
      'kan du fortelle hvordan', 'kan du fortelle hva', 'beskriv hvordan', 'hjelp meg å forstå', 'hva tenker du',
      'hvordan opplevde du',
    ],
    questionFillers: ['so', 'and', 'but', 'okay', 'ok', 'well', 'then', 'great', 'thanks', 'right', 'så', 'og', 'men', 'okei', 'da', 'flott', 'takk', 'hei', 'hi', 'hello'],
    factualQuestionPhrases: [
      'order number', 'customer number', 'account number', 'phone number', 'email address', 'e-mail address', 'postcode',
      'date of birth', 'ordrenummer*', 'kundenummer*', 'kontonummer*', 'telefonnummer*', 'e-postadresse*', 'postnummer*',
      'fødselsdato*',
    ],
    acknowledgement: [
      'i understand', 'i hear you', 'sorry to hear', "i'm sorry", 'i am sorry', 'i can imagine', 'that sounds frustrating',
      'that must have been', 'that must be', 'i see what you mean', 'thank you for telling', 'thanks for telling',
      'i appreciate', 'that makes sense', 'jeg forstår', 'beklager', 'det skjønner jeg', 'jeg skjønner', 'leit å høre',
      'så leit', 'det høres frustrerende ut', 'det kan jeg forstå', 'det forstår jeg', 'takk for at du sier ifra',
      'takk for at du forteller', 'forståelig',
    ],
    historyReference: [
      'last time', 'your order from', 'your previous', 'your last', 'as we discussed', 'you mentioned', 'you told me',
      'when we spoke', 'following up on', 'last week', 'sist', 'sist gang', 'forrige gang', 'som vi snakket om', 'du nevnte',
      'bestillingen din fra', 'din bestilling fra', 'forrige uke', 'som du sa', 'sist vi snakket',
    ],
    templated: [
      'dear customer', 'dear valued customer', 'valued customer', 'do not reply', "don't reply", 'please do not respond',
      'this is an automated message', 'automated message', 'this email was sent automatically', 'no-reply', 'noreply',
      'we have received your request', 'your ticket has been received', 'kjære kunde', 'kjære kunder', 'ikke svar på denne',
      'denne e-posten kan ikke besvares', 'kan ikke besvares', 'dette er en automatisk', 'automatisk generert',
      'automatisk melding', 'vi har mottatt din henvendelse', 'vi har mottatt henvendelsen',
    ],
    promo: [
      'offer', 'discount*', '% off', 'sale', 'upgrade*', 'deal', 'deals', 'promo*', 'campaign*', 'limited time', 'buy now',
      'special price', 'upsell*', 'tilbud*', 'rabatt*', 'kampanje*', 'salg', 'oppgrader*', 'kjøp nå', 'spesialpris*',
      'gratis frakt', 'begrenset tid',
    ],
    promoTags: ['promo', 'promotion', 'offer', 'upsell', 'campaign', 'marketing', 'tilbud', 'kampanje'],
  },
});

/**
 * Deep-merge partial overrides onto the defaults and validate the result. Objects merge key by
 * key, arrays and numbers replace. Throws `DomainError(InvalidRules)` naming the first bad path.
 */
export function scoringConfig(overrides?: unknown): ScoringConfig {
  if (overrides === undefined || overrides === null) return DEFAULT_SCORING_CONFIG;
  if (!isPlainObject(overrides)) invalid('', 'must be an object');
  const merged = merge(DEFAULT_SCORING_CONFIG, overrides, '') as ScoringConfig;
  validate(merged);
  return deepFreeze(merged);
}

function merge(base: unknown, override: unknown, path: string): unknown {
  if (override === undefined) return clone(base);
  if (isPlainObject(base)) {
    if (!isPlainObject(override)) invalid(path, 'must be an object');
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(override)) {
      if (!Object.hasOwn(base, key)) invalid(join(path, key), 'is not a known setting');
    }
    for (const key of Object.keys(base)) out[key] = merge(base[key], override[key], join(path, key));
    return out;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(override)) invalid(path, 'must be a list');
    return [...override];
  }
  if (typeof base === 'number') {
    if (typeof override !== 'number' || !Number.isFinite(override)) invalid(path, 'must be a finite number');
    return override;
  }
  return override;
}

function validate(c: ScoringConfig): void {
  for (const dim of SCORING_DIMENSIONS) nonNegative(c.weights[dim], `weights.${dim}`);
  if (SCORING_DIMENSIONS.every((d) => c.weights[d] === 0)) invalid('weights', 'at least one weight must be above 0');
  nonNegative(c.priorWeight, 'priorWeight');
  const { relational, transactional } = c.thresholds;
  within(relational, 0, 100, 'thresholds.relational');
  within(transactional, 0, 100, 'thresholds.transactional');
  if (transactional > relational) invalid('thresholds.transactional', 'must not be above thresholds.relational');
  positive(c.repeatWindowDays, 'repeatWindowDays');
  for (const ch of CHANNELS) positive(c.replySlaHours[ch], `replySlaHours.${ch}`);
  for (const key of ['awaitsReplyChannels', 'liveChannels', 'formChannels'] as const) {
    c[key].forEach((ch, i) => {
      if (!(CHANNELS as readonly string[]).includes(ch)) invalid(`${key}[${i}]`, `must be one of ${CHANNELS.join(', ')}`);
    });
  }
  if (!(c.maxUnansweredWeightFactor >= 1)) invalid('maxUnansweredWeightFactor', 'must be at least 1');
  if (!(c.maxHandoffWeightFactor >= 1)) invalid('maxHandoffWeightFactor', 'must be at least 1');
  nonNegative(c.extraQuestionWeight, 'extraQuestionWeight');
  if (!Number.isInteger(c.maxExtraQuestions) || c.maxExtraQuestions < 0) invalid('maxExtraQuestions', 'must be a whole number ≥ 0');
  nonNegative(c.wait.shortSeconds, 'wait.shortSeconds');
  if (c.wait.longSeconds <= c.wait.shortSeconds) invalid('wait.longSeconds', 'must be above wait.shortSeconds');
  if (!(c.talkShareFullEffectAt > 0 && c.talkShareFullEffectAt <= 0.5)) invalid('talkShareFullEffectAt', 'must be in (0, 0.5]');
  for (const [key, list] of Object.entries(c.phrases)) {
    (list as unknown[]).forEach((p, i) => {
      if (typeof p !== 'string' || p.trim() === '' || p.trim() === '*') invalid(`phrases.${key}[${i}]`, 'must be a non-empty phrase');
    });
  }
}

function nonNegative(v: number, path: string) {
  if (!(v >= 0)) invalid(path, 'must be ≥ 0');
}
function positive(v: number, path: string) {
  if (!(v > 0)) invalid(path, 'must be > 0');
}
function within(v: number, lo: number, hi: number, path: string) {
  if (!(v >= lo && v <= hi)) invalid(path, `must be between ${lo} and ${hi}`);
}
function invalid(path: string, message: string): never {
  throw new DomainError(DomainErrorCode.InvalidRules, `scoring config${path ? ` ${path}` : ''}: ${message}`);
}
function join(path: string, key: string) {
  return path ? `${path}.${key}` : key;
}
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function clone(v: unknown): unknown {
  if (Array.isArray(v)) return [...v];
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}
function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
