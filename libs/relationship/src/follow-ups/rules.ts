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
}

export interface FollowUpRules {
  rules: FollowUpRule[];
  priority: PriorityPolicy;
}

/** Which params each rule needs, with defaults and allowed range. */
export const RULE_PARAMS: Record<RuleId, Record<string, { default: number; min: number; max: number; integer?: boolean }>> = {
  high_value_transactional: { minAnnualValue: { default: 100_000, min: 0, max: 1e12 } },
  transactional_streak: { count: { default: 3, min: 2, max: 50, integer: true } },
  automation_without_relational: {
    quietDays: { default: 30, min: 1, max: 3650, integer: true },
    minAutomatedOutbound: { default: 2, min: 1, max: 1000, integer: true },
  },
  unanswered_inbound: {},
  detractor_without_human_reply: {
    npsMax: { default: 6, min: 0, max: 10, integer: true },
    csatMax: { default: 2, min: 1, max: 5, integer: true },
    cesMin: { default: 6, min: 1, max: 7, integer: true },
  },
  return_automation_only: { windowDays: { default: 14, min: 1, max: 365, integer: true } },
  repeat_contact: {
    windowDays: { default: 7, min: 1, max: 90, integer: true },
    minContacts: { default: 2, min: 2, max: 50, integer: true },
  },
  health_band_drop: {},
};

const rule = (id: RuleId, slaHours: number, priorityBase: FollowUpPriority): FollowUpRule => ({
  id,
  enabled: true,
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
  ],
  priority: { highValueAnnualValue: 100_000, highChurnProbability: 0.5 },
};

export interface RuleValidationError {
  path: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a whole rule set (as PUT /rules receives it). Returns the normalised rules, or the
 * list of problems with paths like `rules[2].params.count`. Missing params take their default;
 * unknown params, unknown rule ids and duplicates are errors.
 */
export function validateRules(input: unknown): { ok: true; value: FollowUpRules } | { ok: false; errors: RuleValidationError[] } {
  const errors: RuleValidationError[] = [];
  if (!isObject(input)) return { ok: false, errors: [{ path: '', message: 'must be an object with rules and priority' }] };
  for (const key of Object.keys(input)) if (key !== 'rules' && key !== 'priority') errors.push({ path: key, message: 'unknown field' });

  const priority: PriorityPolicy = { ...DEFAULT_RULES.priority };
  if (input.priority !== undefined) {
    if (!isObject(input.priority)) errors.push({ path: 'priority', message: 'must be an object' });
    else {
      for (const [k, v] of Object.entries(input.priority)) {
        if (k === 'highValueAnnualValue') {
          if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) errors.push({ path: 'priority.highValueAnnualValue', message: 'must be a number ≥ 0' });
          else priority.highValueAnnualValue = v;
        } else if (k === 'highChurnProbability') {
          if (typeof v !== 'number' || !(v >= 0 && v <= 1)) errors.push({ path: 'priority.highChurnProbability', message: 'must be a number between 0 and 1' });
          else priority.highChurnProbability = v;
        } else errors.push({ path: `priority.${k}`, message: 'unknown field' });
      }
    }
  }

  const rules: FollowUpRule[] = [];
  if (!Array.isArray(input.rules)) errors.push({ path: 'rules', message: 'must be an array' });
  else {
    const seen = new Set<string>();
    input.rules.forEach((r, i) => {
      const at = `rules[${i}]`;
      if (!isObject(r)) return void errors.push({ path: at, message: 'must be an object' });
      for (const key of Object.keys(r)) {
        if (!['id', 'enabled', 'slaHours', 'priorityBase', 'params'].includes(key)) errors.push({ path: `${at}.${key}`, message: 'unknown field' });
      }
      const id = r.id;
      if (typeof id !== 'string' || !(RULE_IDS as readonly string[]).includes(id)) {
        return void errors.push({ path: `${at}.id`, message: `must be one of ${RULE_IDS.join(', ')}` });
      }
      if (seen.has(id)) errors.push({ path: `${at}.id`, message: 'appears twice' });
      seen.add(id);
      const spec = RULE_PARAMS[id as RuleId];
      const enabled = r.enabled ?? true;
      if (typeof enabled !== 'boolean') errors.push({ path: `${at}.enabled`, message: 'must be a boolean' });
      const fallback = DEFAULT_RULES.rules.find((d) => d.id === id)!;
      const slaHours = r.slaHours ?? fallback.slaHours;
      if (typeof slaHours !== 'number' || !(slaHours > 0 && slaHours <= 24 * 365)) errors.push({ path: `${at}.slaHours`, message: 'must be a number of hours between 0 and 8760' });
      const priorityBase = r.priorityBase ?? fallback.priorityBase;
      if (typeof priorityBase !== 'string' || !PRIORITIES.includes(priorityBase as FollowUpPriority)) {
        errors.push({ path: `${at}.priorityBase`, message: `must be one of ${PRIORITIES.join(', ')}` });
      }
      const params: Record<string, number> = {};
      const given = r.params ?? {};
      if (!isObject(given)) errors.push({ path: `${at}.params`, message: 'must be an object' });
      else {
        for (const [k, v] of Object.entries(given)) {
          const p = spec[k];
          if (!p) {
            errors.push({ path: `${at}.params.${k}`, message: 'unknown parameter for this rule' });
            continue;
          }
          if (typeof v !== 'number' || !Number.isFinite(v) || v < p.min || v > p.max || (p.integer && !Number.isInteger(v))) {
            errors.push({ path: `${at}.params.${k}`, message: `must be ${p.integer ? 'an integer' : 'a number'} between ${p.min} and ${p.max}` });
            continue;
          }
          params[k] = v;
        }
        for (const [k, p] of Object.entries(spec)) if (params[k] === undefined) params[k] = p.default;
      }
      rules.push({ id: id as RuleId, enabled: enabled as boolean, slaHours: slaHours as number, priorityBase: priorityBase as FollowUpPriority, params });
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { rules, priority } };
}
