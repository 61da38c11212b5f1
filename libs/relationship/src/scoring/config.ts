import { DomainError, DomainErrorCode } from '../errors.js';
import { CHANNELS, type Channel } from '../touchpoint.js';
import MODEL_JSON from './model.json' with { type: 'json' };

/**
 * Every signal `scoreTouchpoint` can emit (stable snake_case identifiers, see
 * docs/relational-score.md), with the direction its learned weight is held to: +1 towards
 * closeness, −1 towards distance, 0 either way. The fit never gives a signal the other sign, so
 * "asking never lowers the score" holds by construction, whatever the corpus.
 */
export const SIGNALS = {
  human_handled: 1,
  automated: -1,
  two_way: 1,
  one_way: -1,
  customer_initiated: 0,
  proactive_outreach: 1,
  company_initiated: -1,
  company_push_offer: -1,
  replied_in_time: 1,
  replied_late: -1,
  answered_in_time: 1,
  answered_late: -1,
  inbound_unanswered: -1,
  single_owner: 1,
  transferred: -1,
  short_wait: 1,
  moderate_wait: -1,
  long_wait: -1,
  repeat_contact: -1,
  first_contact_resolution: 1,
  resolved: 1,
  unresolved: -1,
  nps_promoter: 1,
  nps_passive: 0,
  nps_detractor: -1,
  csat_high: 1,
  csat_neutral: 0,
  csat_low: -1,
  ces_low_effort: 1,
  ces_neutral: 0,
  ces_high_effort: -1,
  survey_praises_people: 1,
  survey_criticises_people: -1,
  survey_praises_product: 0,
  survey_criticises_product: 0,
  survey_low_about_product: 0,
  survey_high_about_product: 0,
  open_questions: 1,
  specific_question: 1,
  no_open_questions: -1,
  reflects_specifics: 1,
  ownership_commitment: 1,
  vague_promise: -1,
  kept_promise: 1,
  broken_promise: -1,
  addressed_by_name: 1,
  refers_to_history: 1,
  acknowledgement: 1,
  owned_mistake: 1,
  direct_line: 1,
  templated_reply: -1,
  unfilled_merge_field: -1,
  deflection: -1,
  passed_on: -1,
  policy_recital: -1,
  no_action: -1,
  closed_without_question: -1,
  customer_talked_most: 1,
  agent_talked_most: -1,
  talked_over: -1,
  customer_relieved: 1,
  customer_thanked: 0,
  customer_resigned: -1,
  customer_frustrated: 0,
  customer_had_to_repeat: -1,
} as const satisfies Record<string, -1 | 0 | 1>;

export type SignalName = keyof typeof SIGNALS;

/**
 * Signals shown with their evidence that the fit leaves at weight 0: what a survey comment says
 * of the product, and a score it puts down to the product, say nothing of the relationship
 * (a slow reply or "we had to explain it all again" is about the people, `survey_criticises_people`).
 */
export const SHOWN_ONLY: ReadonlySet<SignalName> = new Set<SignalName>(['survey_praises_product', 'survey_criticises_product', 'survey_low_about_product', 'survey_high_about_product']);
export const SIGNAL_NAMES = Object.keys(SIGNALS) as SignalName[];

export interface ScoringConfig {
  /** The learned weight of each signal (score = 100·σ(Σ weight·value)); from the model file. */
  weights: Record<SignalName, number>;
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
  wait: { shortSeconds: number; longSeconds: number };
  /** Tags on a company-initiated touchpoint that mark it as a commercial push. */
  promoTags: string[];
}

/** The model file: learned weights and where they came from. */
export interface ModelFile {
  /** `<feature set>.<hash of the weights>`: what stored scores carry; a change rescores the projections. */
  version: string;
  features: string;
  corpus: { version: string; source: 'corpus' | 'seed'; trainingCases: number; trainingHash: string; labels: Record<string, number> };
  fit: Record<string, unknown>;
  thresholds: { relational: number; transactional: number };
  weights: Partial<Record<SignalName, number>>;
}

const fitted = MODEL_JSON as unknown as ModelFile;

/** The fitted model in force (libs/relationship/src/scoring/model.json, written by `npm run score:fit`). */
export const MODEL: Readonly<ModelFile> = deepFreeze(fitted);

export const DEFAULT_SCORING_CONFIG: ScoringConfig = deepFreeze({
  weights: Object.fromEntries(SIGNAL_NAMES.map((n) => [n, fitted.weights?.[n] ?? 0])) as Record<SignalName, number>,
  thresholds: { relational: fitted.thresholds?.relational ?? 65, transactional: fitted.thresholds?.transactional ?? 40 },
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
  wait: { shortSeconds: 120, longSeconds: 600 },
  promoTags: ['promo', 'promotion', 'offer', 'upsell', 'campaign', 'marketing', 'tilbud', 'kampanje'],
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
  for (const n of SIGNAL_NAMES) if (!Number.isFinite(c.weights[n])) invalid(`weights.${n}`, 'must be a finite number');
  if (SIGNAL_NAMES.every((n) => c.weights[n] === 0)) invalid('weights', 'at least one weight must be other than 0');
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
  nonNegative(c.wait.shortSeconds, 'wait.shortSeconds');
  if (c.wait.longSeconds <= c.wait.shortSeconds) invalid('wait.longSeconds', 'must be above wait.shortSeconds');
  c.promoTags.forEach((p, i) => {
    if (typeof p !== 'string' || p.trim() === '') invalid(`promoTags[${i}]`, 'must be a non-empty tag');
  });
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
