// The latent relationship story behind each demo customer, and everything drawn from it that is
// not a touchpoint: segment, value, language, renewal date, outcomes. Pure and deterministic:
// the same seed and customer index give the same customer, whatever else the run does.

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: one generator per (seed, purpose, customer index), so a reduced demo
// is a prefix of the full one and re-runs produce the same data.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export class Rng {
  private readonly next: () => number;
  constructor(...parts: (string | number)[]) {
    this.next = mulberry32(seedOf('closeness-demo-v2', ...parts));
  }
  float(): number {
    return this.next();
  }
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** A normal-ish draw (sum of three uniforms), mean 0, sd ≈ 1. */
  noise(): number {
    return (this.next() + this.next() + this.next() - 1.5) * 2;
  }
  weighted<T extends string>(weights: Partial<Record<T, number>>): T {
    const entries = Object.entries(weights) as [T, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [k, w] of entries) {
      r -= w;
      if (r <= 0) return k;
    }
    return entries[entries.length - 1][0];
  }
}

// ---------------------------------------------------------------------------------------------
// Stories and their shares.

export const STORIES = ['steady', 'warming', 'drifting', 'recovering', 'churning'] as const;
export type Story = (typeof STORIES)[number];

/**
 * A deck of 40 slots dealt in order (customer i gets slot i mod 40): 22 steady (55 %), 5 warming
 * (12.5 %), 6 drifting (15 %), 3 recovering (7.5 %), 4 churning (10 %). A deck rather than a draw
 * so the shares hold exactly in every full deck, and so the first customers of every account
 * manager (i mod 4) already include someone at risk: a reduced demo still has red customers.
 */
const DECK: Story[] = [
  'drifting', 'steady', 'churning', 'steady', 'steady', 'drifting', 'warming', 'recovering',
  'steady', 'steady', 'steady', 'churning', 'warming', 'steady', 'steady', 'drifting',
  'steady', 'recovering', 'steady', 'steady', 'churning', 'steady', 'warming', 'drifting',
  'steady', 'steady', 'steady', 'steady', 'drifting', 'warming', 'steady', 'churning',
  'steady', 'recovering', 'steady', 'drifting', 'steady', 'warming', 'steady', 'steady',
];
export const storyOf = (i: number): Story => DECK[i % DECK.length];
export const STORY_SHARES: Record<Story, number> = Object.fromEntries(STORIES.map((s) => [s, DECK.filter((d) => d === s).length / DECK.length])) as Record<Story, number>;

export const SEGMENTS = {
  enterprise: { value: [400_000, 2_000_000], amEveryDays: 16, supportPerMonth: 2.6, qbr: true },
  public_sector: { value: [150_000, 900_000], amEveryDays: 24, supportPerMonth: 1.8, qbr: true },
  mid_market: { value: [80_000, 400_000], amEveryDays: 32, supportPerMonth: 1.6, qbr: false },
  smb: { value: [10_000, 80_000], amEveryDays: 50, supportPerMonth: 1.1, qbr: false },
} as const;
export type Segment = keyof typeof SEGMENTS;

export type OutcomeType = 'renewed' | 'churned' | 'expanded' | 'downgraded';
export interface DemoOutcome {
  type: OutcomeType;
  /** Whole days before the demo's `now`: the outcome is recorded at 10:00 UTC on that calendar day. */
  daysAgo: number;
  why: string;
}

export interface StoryShape {
  /** Days before now where the story's change begins and ends (null for steady). */
  turnFromAgo: number | null;
  turnToAgo: number | null;
  /** For recovering: when the recovery starts and when it is complete. */
  recoverFromAgo: number | null;
  recoverToAgo: number | null;
  /** Relational level (0–1) before the change, at its low/high point, and at the end. */
  before: number;
  after: number;
  end: number;
}

export interface DemoCustomer {
  index: number;
  externalId: string;
  name: string;
  /** The customer's contact person (first name and surname). */
  contact: { first: string; last: string };
  language: 'en' | 'nb';
  segment: Segment;
  annualValue: number;
  story: Story;
  shape: StoryShape;
  amIndex: number;
  /** Days from now to the next renewal (negative for a churned customer: the date the contract ended). */
  renewalInDays: number;
  outcomes: DemoOutcome[];
  /** Receives the monthly newsletter. */
  newsletter: boolean;
  /** Gets in-app product tips (uses the web app daily). */
  inApp: boolean;
}

const NB_PREFIX = ['Fjord', 'Nordlys', 'Bølge', 'Vidde', 'Tind', 'Skog', 'Havbris', 'Stein', 'Elve', 'Polar'];
const NB_SUFFIX = ['Logistikk', 'Energi', 'Bygg', 'Helse', 'Handel', 'Data', 'Marin', 'Transport'];
const EN_PREFIX = ['Harbor', 'Summit', 'Bright', 'Oak', 'Riverside', 'Northwind', 'Keystone', 'Silver', 'Meadow', 'Beacon'];
const EN_SUFFIX = ['Logistics', 'Foods', 'Analytics', 'Health', 'Retail', 'Systems', 'Labs', 'Travel'];
const TIERS = ['', ' Group', ' Partners', ' Nordic'];
const NB_FIRST = ['Kari', 'Ingrid', 'Lars', 'Nora', 'Sindre', 'Marte', 'Jonas', 'Silje', 'Håkon', 'Eirik', 'Tone', 'Anders'];
const NB_LAST = ['Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen', 'Haugen'];
const EN_FIRST = ['Sarah', 'Tom', 'Emily', 'David', 'Grace', 'Oliver', 'Hannah', 'Michael', 'Laura', 'Peter', 'Alice', 'Ben'];
const EN_LAST = ['Smith', 'Taylor', 'Brown', 'Evans', 'Walker', 'Wright', 'Hughes', 'Green', 'Hall', 'Wood'];

/** Relational level of a story at `ago` days before now (0 = all distance, 1 = all closeness). */
export function levelAt(c: Pick<DemoCustomer, 'story' | 'shape'>, ago: number): number {
  const s = c.shape;
  const ramp = (from: number, to: number, a: number, b: number) => (ago >= from ? a : ago <= to ? b : a + ((from - ago) / (from - to)) * (b - a));
  switch (c.story) {
    case 'steady':
      return s.before;
    case 'warming':
    case 'drifting':
    case 'churning':
      return ramp(s.turnFromAgo!, s.turnToAgo!, s.before, s.after);
    case 'recovering':
      return ago > s.recoverFromAgo! ? ramp(s.turnFromAgo!, s.turnToAgo!, s.before, s.after) : ramp(s.recoverFromAgo!, s.recoverToAgo!, s.after, s.end);
  }
}

/** The day (days ago) a churning customer leaves. */
export const churnAgo = (c: DemoCustomer): number | null => c.outcomes.find((o) => o.type === 'churned')?.daysAgo ?? null;

export function demoCustomer(i: number, seed = 'v2'): DemoCustomer {
  const rng = new Rng(seed, 'customer', i);
  const language = rng.chance(0.45) ? 'nb' : 'en';
  const prefix = (language === 'nb' ? NB_PREFIX : EN_PREFIX)[i % 10];
  const suffix = (language === 'nb' ? NB_SUFFIX : EN_SUFFIX)[Math.floor(i / 10) % 8];
  const tier = TIERS[Math.floor(i / 80) % TIERS.length];
  const segment = rng.weighted<Segment>({ enterprise: 2, mid_market: 4, smb: 5, public_sector: 1.5 });
  const [lo, hi] = SEGMENTS[segment].value;
  const annualValue = Math.round((lo + rng.float() * (hi - lo)) / 1000) * 1000;
  const story = storyOf(i);
  const contact = { first: rng.pick(language === 'nb' ? NB_FIRST : EN_FIRST), last: rng.pick(language === 'nb' ? NB_LAST : EN_LAST) };

  // The contract anniversary: the last renewal fell within the past year.
  let lastRenewalAgo = rng.int(5, 355);
  const shape: StoryShape = { turnFromAgo: null, turnToAgo: null, recoverFromAgo: null, recoverToAgo: null, before: 0.8, after: 0.8, end: 0.8 };
  const outcomes: DemoOutcome[] = [];
  switch (story) {
    case 'steady':
      shape.before = shape.after = shape.end = rng.between(0.72, 0.92);
      outcomes.push({ type: rng.chance(0.2) ? 'expanded' : 'renewed', daysAgo: lastRenewalAgo, why: 'contract anniversary' });
      break;
    case 'warming': {
      shape.turnFromAgo = rng.int(170, 260);
      shape.turnToAgo = shape.turnFromAgo - rng.int(50, 80);
      shape.before = rng.between(0.3, 0.42);
      shape.after = shape.end = rng.between(0.85, 0.95);
      const renewedAfterTurn = lastRenewalAgo < shape.turnToAgo;
      outcomes.push({ type: renewedAfterTurn && rng.chance(0.6) ? 'expanded' : 'renewed', daysAgo: lastRenewalAgo, why: renewedAfterTurn ? 'renewal after the relationship warmed' : 'contract anniversary, before the warming' });
      // Warming that began after the renewal shows as an expansion mid-term.
      if (!renewedAfterTurn && shape.turnToAgo > 40) outcomes.push({ type: 'expanded', daysAgo: rng.int(10, shape.turnToAgo - 20), why: 'more licences once the relationship warmed' });
      break;
    }
    case 'drifting': {
      shape.turnFromAgo = rng.int(100, 210);
      shape.turnToAgo = Math.max(15, shape.turnFromAgo - rng.int(70, 110));
      shape.before = rng.between(0.72, 0.88);
      // At risk, not gone: contact has turned mostly transactional, but a person still answers now and then.
      shape.after = shape.end = rng.between(0.36, 0.46);
      const duringDrift = lastRenewalAgo < shape.turnFromAgo - 30;
      outcomes.push({ type: duringDrift && rng.chance(0.5) ? 'downgraded' : 'renewed', daysAgo: lastRenewalAgo, why: duringDrift ? 'renewal during the drift' : 'contract anniversary, before the drift' });
      break;
    }
    case 'recovering': {
      shape.turnFromAgo = rng.int(290, 330);
      shape.turnToAgo = shape.turnFromAgo - rng.int(40, 60);
      shape.recoverFromAgo = rng.int(130, 180);
      shape.recoverToAgo = shape.recoverFromAgo - rng.int(40, 60);
      shape.before = rng.between(0.7, 0.85);
      shape.after = rng.between(0.2, 0.3);
      shape.end = rng.between(0.78, 0.9);
      const inDip = lastRenewalAgo < shape.turnToAgo && lastRenewalAgo > shape.recoverFromAgo;
      outcomes.push({ type: inDip && rng.chance(0.5) ? 'downgraded' : 'renewed', daysAgo: lastRenewalAgo, why: inDip ? 'renewal in the low point' : 'contract anniversary' });
      break;
    }
    case 'churning': {
      // The churn lands on the contract's end date, at the end of the story.
      const churn = rng.int(12, 75);
      lastRenewalAgo = churn;
      shape.turnFromAgo = rng.int(250, 320);
      shape.turnToAgo = churn + rng.int(20, 50);
      shape.before = rng.between(0.6, 0.78);
      shape.after = shape.end = rng.between(0.08, 0.16);
      outcomes.push({ type: 'churned', daysAgo: churn, why: 'did not renew at the end of the contract' });
      break;
    }
  }
  outcomes.sort((a, b) => b.daysAgo - a.daysAgo);
  return {
    index: i,
    externalId: `DEMO-${String(i + 1).padStart(4, '0')}`,
    name: `${prefix} ${suffix}${tier} ${language === 'nb' ? 'AS' : 'Ltd'}`,
    contact,
    language,
    segment,
    annualValue,
    story,
    shape,
    amIndex: i % 4,
    renewalInDays: story === 'churning' ? -lastRenewalAgo : 365 - lastRenewalAgo,
    outcomes,
    newsletter: rng.chance(0.85),
    inApp: rng.chance(0.5),
  };
}
