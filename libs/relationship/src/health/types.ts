import type { ScoredTouchpoint } from '../touchpoint.js';
import type { OutcomeType } from '../events.js';

export type Band = 'green' | 'yellow' | 'red';
export type RiskLevel = 'low' | 'medium' | 'high';

/** One reason behind a score: `factor` in plain English, `effect` in points (health) or log-odds (churn). */
export interface Driver {
  factor: string;
  effect: number;
  eventIds: string[];
}

export interface HealthFact {
  eventId: string;
  type: 'InboundMessageWentUnanswered' | 'RelationshipWentQuiet';
  occurredAt: string;
  data: any;
}

export interface HealthOutcome {
  eventId: string;
  outcome: OutcomeType;
  occurredAt: string;
}

/** An account manager's pulse (1–5). */
export interface HealthPulse {
  eventId: string;
  score: number;
  occurredAt: string;
}

export interface HealthInput {
  customer: { name: string; annualValue?: number | null; renewalDate?: string | null };
  /** Every known touchpoint of the customer, any order; eventId = the touchpoint's event id. */
  touchpoints: ScoredTouchpoint[];
  outcomes: HealthOutcome[];
  facts: HealthFact[];
  /** The account managers' pulses (optional: inputs from before pulses have none). */
  pulses?: HealthPulse[];
  /** Informational only: follow-ups are the response to drift, they do not move the score. */
  openFollowUps?: number;
}

export interface ChurnRisk {
  probability: number;
  level: RiskLevel;
  drivers: Driver[];
}

/**
 * What the listed drivers leave out, said once under them: the 0–100 clamp (`scale_limit`), the
 * drivers too small to list (`minor_factors`, with those drivers) — their `effect`s make the
 * drivers add up to the score — and, when band and churn level disagree, why (`health_vs_churn`, effect 0).
 * A view "as of" a moment before anything was recorded says so (`nothing_recorded_yet`, effect 0,
 * with `firstRecordedAt`): the curve, in business time, shows that past.
 */
export interface HealthNote {
  kind: 'scale_limit' | 'minor_factors' | 'health_vs_churn' | 'nothing_recorded_yet';
  text: string;
  effect: number;
  drivers?: Driver[];
  /** nothing_recorded_yet: when the customer's first event was recorded (null: nothing is yet). */
  firstRecordedAt?: string | null;
}

export interface HealthView {
  /** ISO time evaluated at. */
  at: string;
  /** 0–100 integer. */
  score: number;
  band: Band;
  /** score(at) − score(at − 30 days), integer points. */
  trend30d: number;
  /** The reasons that matter, sorted by |effect| desc; with the notes' effects they sum to score − baseline (up to rounding). */
  drivers: Driver[];
  notes: HealthNote[];
  churnRisk: ChurnRisk;
  eventsConsidered: number;
  lastRelationalContactAt: string | null;
}

export interface HealthHistoryPoint {
  at: string;
  score: number;
  band: Band;
  churnRisk: number;
}

/** The point-in-time inputs of the churn model (documented in docs/health-and-churn.md). */
export interface ChurnFeatures {
  /** min(days since the last relational contact, 180) / 30. */
  monthsSinceRelational: number;
  /** transactional / all touchpoints in the last 90 days, 0 when none. */
  transactionalShare90d: number;
  /** Trailing run of transactional contacts, capped at 10. */
  transactionalStreak: number;
  /** Negative survey answers (detractor NPS, low CSAT, high CES) in 180 days, capped at 5. */
  negativeSurveys180d: number;
  /** InboundMessageWentUnanswered facts in 90 days, capped at 5. */
  unansweredInbound90d: number;
  /** 0–1: how far engaged contacts in the last 30 days fell below the customer's own baseline. */
  engagedFrequencyDrop: number;
  /** Repeat contacts about the same topic in 90 days, capped at 10. */
  repeatContacts90d: number;
  /** Complaints raised (unresolved tickets or returns) in 90 days, capped at 5. */
  complaints90d: number;
  /** 0–1 ramp: 1 on the renewal date, 0 at or beyond the renewal horizon. */
  renewalSoon: number;
  /** 1 when a downgrade was recorded in 365 days. */
  downgraded365d: number;
  /** 1 when a renewal or expansion was recorded in 365 days. */
  renewedOrExpanded365d: number;
  /** 1 when the latest outcome is a churn (a later renewal, expansion or downgrade ends it). */
  churned: number;
}

export type ChurnFeature = keyof ChurnFeatures;
