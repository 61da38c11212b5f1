import { z } from 'zod';
import type { FollowUpPriority } from '../events.js';

/** Stable rule ids: stored in tasks, events and the `open_follow_ups` key. Never rename one. */
export const RULE_IDS = [
  'high_value_transactional',
  'transactional_streak',
  'automation_without_relational',
  'unanswered_inbound',
  'detractor_without_human_reply',
  'return_automation_only',
  'repeat_contact',
  'health_band_drop',
  // Not a retention rule: the one rule that speaks about a customer who has left (off by default).
  'win_back',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const PRIORITIES: readonly FollowUpPriority[] = ['low', 'normal', 'high', 'urgent'];

/** A follow-up rule as data: thresholds live in `params`, so ops can tune them without a deploy. */
export interface FollowUpRule {
  id: RuleId;
  enabled: boolean;
  /** Hours the account manager has to act; the task's dueAt = trigger time + slaHours. */
  slaHours: number;
  /** Priority before customer value and churn risk raise it. */
  priorityBase: FollowUpPriority;
  params: Record<string, number>;
}

/** What every rule shares when it ranks a task. */
export interface PriorityPolicy {
  /** Customers at or above this annual value get one priority step up. */
  highValueAnnualValue: number;
  /** Churn probability at or above this gets one step up. */
  highChurnProbability: number;
  /** A renewal date within this many days of the evaluation gets one step up (0: never). */
  renewalWithinDays: number;
}

export interface FollowUpRules {
  rules: FollowUpRule[];
  priority: PriorityPolicy;
}

type ParamSpec = Record<string, { default: number; min: number; max: number; integer?: boolean }>;

/**
 * What every rule has: how old (business time, `occurredAt`) its newest evidence may be at
 * evaluation — older evidence is history, not a task for today — and how long a dismissed
 * reason stays quiet unless the customer gets in touch again.
 */
const common = (maxEvidenceDays: number): ParamSpec => ({
  maxEvidenceDays: { default: maxEvidenceDays, min: 1, max: 3650, integer: true },
  dismissCooldownDays: { default: 30, min: 0, max: 3650, integer: true },
});

/** Which params each rule needs, with defaults and allowed range. */
export const RULE_PARAMS: Record<RuleId, ParamSpec> = {
  high_value_transactional: { minAnnualValue: { default: 100_000, min: 0, max: 1e12 }, ...common(14) },
  transactional_streak: { count: { default: 3, min: 2, max: 50, integer: true }, ...common(14) },
  automation_without_relational: {
    quietDays: { default: 30, min: 1, max: 3650, integer: true },
    minAutomatedOutbound: { default: 2, min: 1, max: 1000, integer: true },
    ...common(14),
  },
  // The SLA is hours; a message nobody answered for weeks is a health fact, not "reply today".
  unanswered_inbound: common(7),
  detractor_without_human_reply: {
    npsMax: { default: 6, min: 0, max: 10, integer: true },
    csatMax: { default: 2, min: 1, max: 5, integer: true },
    cesMin: { default: 6, min: 1, max: 7, integer: true },
    ...common(30),
  },
  return_automation_only: { windowDays: { default: 14, min: 1, max: 365, integer: true }, ...common(14) },
  repeat_contact: {
    windowDays: { default: 7, min: 1, max: 90, integer: true },
    minContacts: { default: 2, min: 2, max: 50, integer: true },
    ...common(14),
  },
  health_band_drop: common(14),
  win_back: common(14),
};

const rule = (id: RuleId, slaHours: number, priorityBase: FollowUpPriority, enabled = true): FollowUpRule => ({
  id,
  enabled,
  slaHours,
  priorityBase,
  params: Object.fromEntries(Object.entries(RULE_PARAMS[id]).map(([k, v]) => [k, v.default])),
});

/** The product's defaults (documented in the rule module and served by GET /rules). */
export const DEFAULT_RULES: FollowUpRules = {
  rules: [
    rule('high_value_transactional', 48, 'high'),
    rule('transactional_streak', 72, 'normal'),
    rule('automation_without_relational', 120, 'normal'),
    rule('unanswered_inbound', 4, 'high'),
    // The 48 h of the brief is the SLA: the task asks for a human reply within 48 h and escalates after.
    rule('detractor_without_human_reply', 48, 'high'),
    rule('return_automation_only', 48, 'normal'),
    rule('repeat_contact', 24, 'normal'),
    rule('health_band_drop', 72, 'normal'),
    rule('win_back', 72, 'normal', false),
  ],
  priority: { highValueAnnualValue: 100_000, highChurnProbability: 0.5, renewalWithinDays: 30 },
};

export interface RuleValidationError {
  path: string;
  message: string;
}

const PRIORITY_VALUES = ['low', 'normal', 'high', 'urgent'] as const;

const ruleInput = z
  .strictObject({
    id: z.enum(RULE_IDS, { error: `must be one of ${RULE_IDS.join(', ')}` }),
    enabled: z.boolean({ error: 'must be a boolean' }).optional(),
    slaHours: z.number({ error: 'must be a number of hours between 0 and 8760' }).gt(0, 'must be a number of hours between 0 and 8760').max(24 * 365, 'must be a number of hours between 0 and 8760').optional(),
    priorityBase: z.enum(PRIORITY_VALUES, { error: `must be one of ${PRIORITIES.join(', ')}` }).optional(),
    params: z.record(z.string(), z.unknown(), { error: 'must be an object' }).optional(),
  })
  .check((ctx) => {
    const spec = RULE_PARAMS[ctx.value.id as RuleId];
    if (!spec || !ctx.value.params) return;
    for (const [k, v] of Object.entries(ctx.value.params)) {
      const p = Object.hasOwn(spec, k) ? spec[k] : undefined;
      if (!p) ctx.issues.push({ code: 'custom', path: ['params', k], message: 'unknown parameter for this rule', input: v });
      else if (typeof v !== 'number' || !Number.isFinite(v) || v < p.min || v > p.max || (p.integer && !Number.isInteger(v))) {
        ctx.issues.push({ code: 'custom', path: ['params', k], message: `must be ${p.integer ? 'an integer' : 'a number'} between ${p.min} and ${p.max}`, input: v });
      }
    }
  });

/**
 * A whole rule set as PUT /rules receives it (and as it is stored). Missing fields and params
 * take their default; unknown fields and params, unknown rule ids and duplicates are errors.
 * The output is the normalised rules.
 */
export const followUpRulesSchema = z
  .strictObject({
    rules: z.array(ruleInput, { error: 'must be an array' }).max(RULE_IDS.length, `must have at most ${RULE_IDS.length} rules`),
    priority: z
      .strictObject({
        highValueAnnualValue: z.number({ error: 'must be a number ≥ 0' }).min(0, 'must be a number ≥ 0').optional(),
        highChurnProbability: z.number({ error: 'must be a number between 0 and 1' }).min(0, 'must be a number between 0 and 1').max(1, 'must be a number between 0 and 1').optional(),
        renewalWithinDays: z.number({ error: 'must be a whole number of days between 0 and 365' }).int('must be a whole number of days between 0 and 365').min(0, 'must be a whole number of days between 0 and 365').max(365, 'must be a whole number of days between 0 and 365').optional(),
      }, { error: 'must be an object' })
      .optional(),
  }, { error: 'must be an object with rules and priority' })
  .check((ctx) => {
    const seen = new Set<string>();
    ctx.value.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.issues.push({ code: 'custom', path: ['rules', i, 'id'], message: 'appears twice', input: r.id });
      seen.add(r.id);
    });
  })
  .transform((input): FollowUpRules => ({
    rules: input.rules.map((r) => {
      const fallback = DEFAULT_RULES.rules.find((d) => d.id === r.id)!;
      const params: Record<string, number> = {};
      for (const [k, p] of Object.entries(RULE_PARAMS[r.id])) params[k] = (r.params?.[k] as number | undefined) ?? p.default;
      return { id: r.id, enabled: r.enabled ?? fallback.enabled, slaHours: r.slaHours ?? fallback.slaHours, priorityBase: r.priorityBase ?? fallback.priorityBase, params };
    }),
    priority: { ...DEFAULT_RULES.priority, ...Object.fromEntries(Object.entries(input.priority ?? {}).filter(([, v]) => v !== undefined)) },
  }));

const pathOf = (segments: readonly PropertyKey[]) => segments.reduce<string>((out, s) => (typeof s === 'number' ? `${out}[${s}]` : out ? `${out}.${String(s)}` : String(s)), '');

/**
 * Validates a whole rule set (as stored, or as PUT /rules receives it; see followUpRulesSchema).
 * Returns the normalised rules, or the problems with paths like `rules[2].params.count`.
 */
export function validateRules(input: unknown): { ok: true; value: FollowUpRules } | { ok: false; errors: RuleValidationError[] } {
  const r = followUpRulesSchema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const errors: RuleValidationError[] = [];
  for (const issue of r.error.issues) {
    const path = pathOf(issue.path);
    if (issue.code === 'unrecognized_keys') for (const k of issue.keys) errors.push({ path: path ? `${path}.${k}` : k, message: 'unknown field' });
    else errors.push({ path, message: issue.message });
  }
  return { ok: false, errors };
}
