import type { RelationalClass, RelationalScore, Signal, Touchpoint } from '../touchpoint.js';
import { DEFAULT_SCORING_CONFIG, MODEL, type ScoringConfig } from './config.js';
import { extractFeatures } from './features.js';

export interface ScoringContext {
  /** For addressing the customer by name. */
  customerName?: string;
  /** The customer's OTHER touchpoints that occurred before this one (any order). */
  history: Touchpoint[];
  /** Touchpoints whose replyToId === this touchpoint's id (known so far). */
  answeredBy?: Touchpoint[];
  /** Set when an InboundMessageWentUnanswered fact exists for this touchpoint. */
  unansweredHours?: number;
}

/** The version of the scoring model in force; every score carries it (see docs/relational-score.md). */
export const SCORING_MODEL_VERSION: string = MODEL.version;

/**
 * Score one touchpoint for closeness (relational) or distance (transactional).
 *
 * The features of what the touchpoint does (`features.ts`) are weighted by the learned model
 * (`model.json`): `score = 100·σ(z)`, `z = Σ wᵢ·xᵢ`, rounded; a touchpoint with no evidence
 * scores 50. A signal's `effect` is its share of `score − 50` in points, `(score − 50)·wᵢxᵢ/z`,
 * so the effects add up to `score − 50` (up to rounding) and each keeps the sign of its push.
 * Pure: same input, same output; never throws on odd data.
 */
export function scoreTouchpoint(tp: Touchpoint, ctx: ScoringContext = { history: [] }, config: ScoringConfig = DEFAULT_SCORING_CONFIG): RelationalScore {
  const features = extractFeatures(tp, ctx ?? { history: [] }, config);
  let z = 0;
  const weighted: { name: string; part: number; detail: string }[] = [];
  for (const f of features) {
    // A fact the model gives no weight is still shown (effect 0): the account manager sees what was observed.
    const w = Number.isFinite(config.weights[f.name]) ? config.weights[f.name] : 0;
    const part = w * f.value;
    z += part;
    weighted.push({ name: f.name, part, detail: f.detail });
  }
  const exact = 100 * sigmoid(z);
  const score = Math.min(100, Math.max(0, Math.round(exact)));
  // σ is monotone, so (exact − 50)/z > 0: every effect keeps its sign.
  const scale = z === 0 ? 0 : (exact - 50) / z;
  const signals: Signal[] = weighted
    .map((x) => ({ name: x.name, effect: round1(scale * x.part), detail: x.detail }))
    .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return internScore({ score, class: relationalClass(score, config), signals, model: config === DEFAULT_SCORING_CONFIG ? SCORING_MODEL_VERSION : `${SCORING_MODEL_VERSION}+custom` });
}

const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/** Distinct scores kept for sharing; past this many the table starts over (holders keep theirs). */
const MAX_INTERNED = 100_000;
const interned = new Map<string, RelationalScore>();

/**
 * The one shared, frozen copy of a score equal to `s`. Scores repeat a lot (the same template
 * to many customers, the same bot flow) and a worker keeps one per touchpoint for every cached
 * customer: on the bench's log, sharing them took the folds from about 790 to 550 bytes of heap
 * per event (measured after a full GC), which the garbage collector no longer marks again and again.
 */
export function internScore(s: RelationalScore): RelationalScore {
  if (Object.isFrozen(s)) return s;
  let key = `${s.score}|${s.class}|${s.model ?? ''}`;
  for (const g of s.signals ?? []) key += `|${g.name}\u0001${g.effect}\u0001${g.detail}`;
  const hit = interned.get(key);
  if (hit) return hit;
  if (interned.size >= MAX_INTERNED) interned.clear();
  // Built in the fold's key order, not the input's: a score read back from jsonb has its keys
  // in jsonb's order, and its content id (the hash of its JSON) must equal the one the fold gave.
  const signals = Object.freeze((s.signals ?? []).map((g) => Object.freeze({ name: g.name, effect: g.effect, detail: g.detail }))) as Signal[];
  const out = Object.freeze({ score: s.score, class: s.class, signals, ...(s.model === undefined ? {} : { model: s.model }) }) as RelationalScore;
  interned.set(key, out);
  return out;
}

export function relationalClass(score: number, config: ScoringConfig = DEFAULT_SCORING_CONFIG): RelationalClass {
  if (score >= config.thresholds.relational) return 'relational';
  if (score < config.thresholds.transactional) return 'transactional';
  return 'neutral';
}

function round1(v: number) {
  const r = Math.round(v * 10) / 10;
  return r === 0 ? 0 : r;
}
