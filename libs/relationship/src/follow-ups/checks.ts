import type { FollowUpPriority, FollowUpReason } from '../events.js';
import { occurredMsOf, type Channel, type ScoredTouchpoint, type Touchpoint } from '../touchpoint.js';
import { lastRelationalContact, wholeDaysBetween } from '../history/relational-contact.js';
import { DEFAULT_RULES, PRIORITIES, type FollowUpRule, type FollowUpRules, type RuleId } from './rules.js';
import * as say from './wording.js';

export type HealthBand = 'green' | 'yellow' | 'red';

/** A fact recorded by a scheduled job (silence is a signal). */
export interface RuleFact {
  eventId: string;
  type: 'InboundMessageWentUnanswered' | 'RelationshipWentQuiet';
  occurredAt: string;
  data: any;
}

/** Everything the rules look at, as known when the triggering event was recorded. */
export interface RuleContext {
  customer: { id: string; name: string; annualValue?: number | null; renewalDate?: string | null };
  /**
   * The event being evaluated; rules fire on what it adds, never on old news alone.
   * `occurredAt`: its business time (a touchpoint's occurredAt, a fact's observation), which
   * dates the evidence of a rule that rests on the event itself (a band drop).
   */
  trigger: { eventId: string; type: string; occurredAt?: string };
  /** The customer's scored touchpoints known at the trigger, any order. */
  touchpoints: ScoredTouchpoint[];
  facts: RuleFact[];
  /** Health just before and just after the trigger (omit when unknown). */
  health?: { before?: { score: number; band: HealthBand }; after?: { score: number; band: HealthBand }; churnProbability?: number };
  /** When the customer left, if their latest outcome is `churned` (not won back since). */
  churnedAt?: string | null;
}

/** A task the worker should raise (or skip when one is already open for this customer and rule). */
export interface TaskProposal {
  rule: RuleId;
  reason: string;
  suggestedAction: string;
  priority: FollowUpPriority;
  dueAt: string;
  triggeredBy: string[];
  /** Business time of the newest evidence the finding rests on (ISO). */
  evidenceAt: string;
  /** Business time of the newest contact of the customer's own among that evidence (null: none). */
  customerEvidenceAt: string | null;
}

const DAY = 86_400_000;
const time = occurredMsOf;
const byTime = (a: ScoredTouchpoint, b: ScoredTouchpoint) => time(a) - time(b) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
const topicOf = (tp: Touchpoint) => (tp.topic ?? tp.subject ?? '').trim().toLowerCase();
const isHuman = (tp: ScoredTouchpoint) => tp.touchpoint.handledBy === 'human';
/** The customer's own contact: they wrote, called, came in. Company replies (outbound, even in a thread the customer opened) never are. */
export const isCustomerContact = (tp: Touchpoint) => tp.direction === 'inbound' && tp.initiatedBy === 'customer';
/** A company broadcast: newsletters, notifications, campaigns sent by a machine. Nobody talked with the customer. */
export const isBroadcast = (tp: Touchpoint) => tp.direction === 'outbound' && tp.initiatedBy === 'company' && tp.handledBy === 'automation';
const SYNC_CHANNELS = new Set<Channel>(['phone', 'meeting', 'video', 'chat']);
/** A person from the company answered or spoke with the customer (not a message of theirs waiting for one). */
const isHumanReply = (tp: ScoredTouchpoint) => isHuman(tp) && (tp.touchpoint.direction === 'outbound' || SYNC_CHANNELS.has(tp.touchpoint.channel));
const isRelationalHuman = (tp: ScoredTouchpoint) => tp.relational.class === 'relational' && isHuman(tp);
const RETURN_WORDS = /\b(return|returns|returned|refund|retur|returen|returnere|refusjon)\b/i;
const isAboutReturn = (tp: Touchpoint) =>
  tp.channel === 'return' || RETURN_WORDS.test(tp.topic ?? '') || RETURN_WORDS.test(tp.subject ?? '') || (tp.tags ?? []).some((t) => RETURN_WORDS.test(t));

/** The same topic on every touchpoint, if there is one. */
function sharedTopic(tps: ScoredTouchpoint[]): string | undefined {
  const topics = new Set(tps.map((t) => topicOf(t.touchpoint)));
  if (topics.size !== 1) return undefined;
  const only = [...topics][0];
  return only ? (tps[0].touchpoint.topic ?? tps[0].touchpoint.subject ?? '').trim() : undefined;
}

/** The worst (most negative) signals, as the plain sentences scoring wrote for them. */
function worstSignals(tp: ScoredTouchpoint, n = 2): string {
  const bad = tp.relational.signals.filter((s) => s.effect < 0).sort((a, b) => a.effect - b.effect).slice(0, n);
  return bad.map((s) => s.detail).join('; ');
}

function priorityFor(rule: FollowUpRule, rules: FollowUpRules, ctx: RuleContext, renewal: number | null, escalate = 0): FollowUpPriority {
  let i = PRIORITIES.indexOf(rule.priorityBase) + escalate;
  if ((ctx.customer.annualValue ?? 0) >= rules.priority.highValueAnnualValue && rules.priority.highValueAnnualValue > 0) i++;
  if ((ctx.health?.churnProbability ?? 0) >= rules.priority.highChurnProbability) i++;
  if (renewal !== null) i++;
  return PRIORITIES[Math.min(i, PRIORITIES.length - 1)];
}

/**
 * The customer's renewal day (ms, UTC midnight) when it falls from today to `renewalWithinDays`
 * ahead of `now`: the weeks in which a drifting relationship decides the contract. Null otherwise.
 */
export function renewalAhead(renewalDate: string | null | undefined, rules: FollowUpRules, now: Date): number | null {
  const days = rules.priority.renewalWithinDays ?? 0;
  if (!(days > 0) || typeof renewalDate !== 'string') return null;
  const t = Date.parse(`${renewalDate.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(t)) return null;
  const today = Math.floor(now.getTime() / DAY) * DAY;
  return t >= today && t <= now.getTime() + days * DAY ? t : null;
}

interface Finding {
  reason: string;
  suggestedAction: string;
  triggeredBy: string[];
  /** Business time (ms) of the newest evidence: what the rule's maxEvidenceDays is measured on. */
  evidenceMs: number;
  /** Levels above the rule's base priority that the finding itself calls for (a silence twice the rule's length). */
  escalate?: number;
}

type RuleCheck = (ctx: RuleContext, params: Record<string, number>, sorted: ScoredTouchpoint[], trigger: ScoredTouchpoint | undefined) => Finding | undefined;

const BAND_RANK: Record<HealthBand, number> = { red: 0, yellow: 1, green: 2 };

const CHECKS: Record<RuleId, RuleCheck> = {
  high_value_transactional(ctx, p, _sorted, t) {
    const value = ctx.customer.annualValue ?? 0;
    // A newsletter to a big customer is not a contact that felt transactional to them.
    if (!t || isBroadcast(t.touchpoint) || t.relational.class !== 'transactional' || value < p.minAnnualValue) return undefined;
    return {
      ...say.highValueTransactional({ tp: t.touchpoint, name: ctx.customer.name, annualValue: value, why: worstSignals(t) }),
      triggeredBy: [t.eventId],
      evidenceMs: time(t),
    };
  },

  transactional_streak(ctx, p, sorted, t) {
    // Contacts the customer took part in: three newsletters in a row are not three contacts.
    if (!t || isBroadcast(t.touchpoint)) return undefined;
    const last = sorted.filter((x) => !isBroadcast(x.touchpoint)).slice(-p.count);
    if (last.length < p.count || !last.some((x) => x.eventId === t.eventId)) return undefined;
    if (!last.every((x) => x.relational.class === 'transactional')) return undefined;
    return {
      ...say.transactionalStreak({ contacts: last.map((x) => x.touchpoint), name: ctx.customer.name, topic: sharedTopic(last) }),
      triggeredBy: last.map((x) => x.eventId),
      evidenceMs: time(last[last.length - 1]),
    };
  },

  automation_without_relational(ctx, p, sorted, t) {
    const quiet = ctx.trigger.type === 'RelationshipWentQuiet' ? ctx.facts.find((f) => f.eventId === ctx.trigger.eventId) : undefined;
    if (!quiet && !(t && t.touchpoint.direction === 'outbound' && t.touchpoint.handledBy === 'automation')) return undefined;
    if (sorted.length === 0) return undefined;
    const at = quiet ? Date.parse(quiet.occurredAt) : time(t!);
    // The health driver's definitions (lastRelationalContact, wholeDaysBetween), so the task and
    // the recency driver quote the same day the silence began and count it the same way.
    const lastRelational = lastRelationalContact(sorted, at);
    const since = lastRelational ? time(lastRelational) : time(sorted[0]);
    const days = wholeDaysBetween(since, at);
    if (days < p.quietDays) return undefined;
    const automated = sorted.filter((x) => time(x) > since && time(x) <= at && x.touchpoint.direction === 'outbound' && x.touchpoint.handledBy === 'automation');
    if (automated.length < p.minAutomatedOutbound) return undefined;
    const recent = automated.slice(-5);
    const reachedOut = sorted.filter((x) => time(x) > since && time(x) <= at && isCustomerContact(x.touchpoint)).map((x) => x.touchpoint);
    return {
      ...say.automationWithoutRelational({
        name: ctx.customer.name,
        days,
        sinceMs: since,
        hasRelational: lastRelational !== undefined,
        automated: automated.map((x) => x.touchpoint),
        last: lastRelational?.touchpoint,
        reachedOut,
      }),
      triggeredBy: [...(quiet ? [quiet.eventId] : []), ...recent.map((x) => x.eventId)],
      evidenceMs: at,
      // Two quiet periods and more without a real conversation is no longer a gap in the rhythm:
      // it sorts above the customers who are just past the line.
      escalate: days >= 2 * p.quietDays ? 1 : 0,
    };
  },

  unanswered_inbound(ctx, _p, sorted) {
    if (ctx.trigger.type !== 'InboundMessageWentUnanswered') return undefined;
    const fact = ctx.facts.find((f) => f.eventId === ctx.trigger.eventId);
    if (!fact) return undefined;
    const tp = sorted.find((x) => x.eventId === fact.data?.touchpointId || x.touchpoint.id === fact.data?.touchpointId);
    // Only the customer's own message waits for an answer; without it the task cannot say what to answer.
    if (!tp || !isCustomerContact(tp.touchpoint)) return undefined;
    // Someone answered in the meantime: the fact is stale.
    if (sorted.some((x) => x.touchpoint.replyToId === tp.touchpoint.id)) return undefined;
    const sla = Number(fact.data?.slaHours);
    return {
      ...say.unansweredInbound({ tp: tp.touchpoint, name: ctx.customer.name, hours: Number(fact.data?.hoursUnanswered ?? 0), slaHours: Number.isFinite(sla) ? sla : null }),
      triggeredBy: [fact.eventId, tp.eventId],
      // The message itself dates the evidence: one from weeks ago is history, whenever a sweep noticed it.
      evidenceMs: time(tp),
    };
  },

  detractor_without_human_reply(ctx, p, sorted, t) {
    const s = t?.touchpoint.survey;
    if (!t || !s) return undefined;
    const detractor = (s.kind === 'nps' && s.score <= p.npsMax) || (s.kind === 'csat' && s.score <= p.csatMax) || (s.kind === 'ces' && s.score >= p.cesMin);
    if (!detractor) return undefined;
    if (sorted.some((x) => time(x) > time(t) && isHumanReply(x))) return undefined;
    return {
      ...say.detractorWithoutHumanReply({ kind: s.kind, score: s.score, at: t.touchpoint.occurredAt, name: ctx.customer.name, comment: s.comment }),
      triggeredBy: [t.eventId],
      evidenceMs: time(t),
    };
  },

  return_automation_only(ctx, p, sorted, t) {
    if (!t || t.touchpoint.handledBy !== 'automation' || !isAboutReturn(t.touchpoint)) return undefined;
    const from = time(t) - p.windowDays * DAY;
    const about = sorted.filter((x) => time(x) >= from && time(x) <= time(t) && isAboutReturn(x.touchpoint));
    // The customer's own return, and nobody from the company answered or spoke with them about it.
    if (!about.some((x) => isCustomerContact(x.touchpoint)) || about.some(isHumanReply)) return undefined;
    return {
      ...say.returnAutomationOnly({ contacts: about.map((x) => x.touchpoint), name: ctx.customer.name }),
      triggeredBy: about.slice(-5).map((x) => x.eventId),
      evidenceMs: time(t),
    };
  },

  repeat_contact(ctx, p, sorted, t) {
    // Only the customer coming to us again: an answer of ours in a thread they opened is
    // `initiatedBy: customer` too, but outbound, and a reply to our answer continues that thread.
    const cameBack = (x: ScoredTouchpoint) => isCustomerContact(x.touchpoint) && !x.touchpoint.replyToId;
    if (!t || !cameBack(t)) return undefined;
    // A person took the repeat contact and engaged with it (asked, owned it, committed): what the
    // task would ask has been done in that very contact. The repeat still weighs on health.
    if (isRelationalHuman(t)) return undefined;
    const topic = topicOf(t.touchpoint);
    if (!topic) return undefined;
    const from = time(t) - p.windowDays * DAY;
    const same = sorted.filter((x) => cameBack(x) && topicOf(x.touchpoint) === topic && time(x) >= from && time(x) <= time(t));
    if (same.length < p.minContacts) return undefined;
    const days = Math.max(1, Math.ceil((time(t) - time(same[0])) / DAY));
    return {
      ...say.repeatContact({ label: (t.touchpoint.topic ?? t.touchpoint.subject ?? '').trim(), contacts: same.length, days, name: ctx.customer.name }),
      triggeredBy: same.slice(-5).map((x) => x.eventId),
      evidenceMs: time(t),
    };
  },

  health_band_drop(ctx, _p, sorted, t) {
    const before = ctx.health?.before;
    const after = ctx.health?.after;
    if (!before || !after || BAND_RANK[after.band] >= BAND_RANK[before.band]) return undefined;
    // What moved health dates the drop. A check noticing today that a message went unanswered
    // weeks ago (a sweep over imported history) moves health now, but the evidence is that message.
    const fact = ctx.trigger.type === 'InboundMessageWentUnanswered' ? ctx.facts.find((f) => f.eventId === ctx.trigger.eventId) : undefined;
    const message = fact && sorted.find((x) => x.eventId === fact.data?.touchpointId || x.touchpoint.id === fact.data?.touchpointId);
    return {
      ...say.healthBandDrop({ before, after, name: ctx.customer.name }),
      triggeredBy: [ctx.trigger.eventId],
      evidenceMs: t ? time(t) : message ? time(message) : Date.parse(ctx.trigger.occurredAt ?? ''),
    };
  },

  win_back(ctx, _p, _sorted, t) {
    // A customer who left and got in touch again on their own: a chance, not a retention task.
    if (!ctx.churnedAt || !t || !isCustomerContact(t.touchpoint) || time(t) <= Date.parse(ctx.churnedAt)) return undefined;
    return {
      ...say.winBack({ name: ctx.customer.name, churnedAt: ctx.churnedAt, tp: t.touchpoint }),
      triggeredBy: [t.eventId],
      evidenceMs: time(t),
    };
  },
};

/** Rules about keeping a customer; a customer who has left gets none of them. */
export const isRetentionRule = (rule: RuleId) => rule !== 'win_back';

/**
 * Evaluates every enabled rule against what the triggering event added. Pure and
 * deterministic: `now` (the clock at evaluation) sets the due dates and judges the evidence's
 * age — a finding whose newest evidence occurred more than the rule's `maxEvidenceDays` before
 * `now` is history (an import, a backfill, a late job), never a task for today. A customer
 * whose latest outcome is churned gets no retention rule.
 */
export function evaluateRules(ctx: RuleContext, rules: FollowUpRules, now: Date): TaskProposal[] {
  const sorted = [...ctx.touchpoints].sort(byTime);
  const trigger = ctx.trigger.type === 'TouchpointRecorded' ? sorted.find((x) => x.eventId === ctx.trigger.eventId) : undefined;
  const byId = new Map(sorted.map((x) => [x.eventId, x]));
  const renewal = renewalAhead(ctx.customer.renewalDate, rules, now);
  const out: TaskProposal[] = [];
  for (const rule of rules.rules) {
    if (!rule.enabled) continue;
    if (ctx.churnedAt && isRetentionRule(rule.id)) continue;
    const found = CHECKS[rule.id]?.(ctx, rule.params, sorted, trigger);
    if (!found) continue;
    const maxAge = (rule.params.maxEvidenceDays ?? Infinity) * DAY;
    if (!Number.isFinite(found.evidenceMs) || now.getTime() - found.evidenceMs > maxAge) continue;
    const own = found.triggeredBy.map((id) => byId.get(id)).filter((x): x is ScoredTouchpoint => !!x && isCustomerContact(x.touchpoint));
    const ownMs = own.length > 0 ? Math.max(...own.map(time)) : null;
    out.push({
      rule: rule.id,
      reason: found.reason,
      suggestedAction: renewal === null ? found.suggestedAction : say.withRenewal(found.suggestedAction, renewal),
      priority: priorityFor(rule, rules, ctx, renewal, found.escalate),
      dueAt: new Date(now.getTime() + rule.slaHours * 3_600_000).toISOString(),
      triggeredBy: [...new Set(found.triggeredBy)],
      evidenceAt: new Date(found.evidenceMs).toISOString(),
      customerEvidenceAt: ownMs === null ? null : new Date(ownMs).toISOString(),
    });
  }
  return out;
}

/**
 * Whether a touchpoint closes the customer's open tasks by itself: a relational contact
 * handled by a person, that happened after the task's trigger.
 */
export function closesOpenTasks(tp: ScoredTouchpoint): boolean {
  return isRelationalHuman(tp);
}

/**
 * Whether a band-drop reason has stopped holding: health is back in the band it dropped from, or
 * above ("dropped from green to yellow" is not something to call about once it is green again).
 */
export function bandRecovered(reason: Pick<FollowUpReason, 'rule' | 'reason'>, band: HealthBand): boolean {
  if (reason.rule !== 'health_band_drop') return false;
  const from = say.bandDroppedFrom(reason.reason);
  return from !== null && BAND_RANK[band] >= BAND_RANK[from];
}

/** A reason judged again: it no longer holds, it holds as worded, or it holds and now reads `revised`. */
export type Rejudged = { holds: false } | { holds: true; revised?: Pick<FollowUpReason, 'rule' | 'reason' | 'suggestedAction' | 'triggeredBy'> };

/**
 * A reason of the open task judged again on what is known now, by the rule's own check at the
 * reason's evidence. Only the silence reason can change: a relational contact recorded late (a
 * call logged in the CRM a week on; a customer's e-mail that arrives after the reply to it, so
 * the reply is judged anew with the message it answers) may fall inside the quiet period it
 * quoted — then either the silence was never that long (it no longer holds) or it began later
 * than the reason says (it holds, with other days and messages). `now` is the clock at evaluation,
 * as for `evaluateRules` (a renewal ahead of it is named in the reworded action).
 */
export function rejudgeReason(
  reason: Pick<FollowUpReason, 'rule' | 'reason' | 'triggeredBy'>,
  ctx: Pick<RuleContext, 'customer' | 'touchpoints' | 'facts'>,
  rules: FollowUpRules,
  now: Date,
): Rejudged {
  if (reason.rule !== 'automation_without_relational') return { holds: true };
  const ids = new Set(reason.triggeredBy);
  const quiet = ctx.facts.find((f) => ids.has(f.eventId) && f.type === 'RelationshipWentQuiet');
  const sorted = [...ctx.touchpoints].sort(byTime);
  const evidence = sorted.filter((x) => ids.has(x.eventId));
  const last = evidence[evidence.length - 1];
  // Evidence no longer in view (or none) leaves nothing to judge it by: it stands as worded.
  if (!quiet && !last) return { holds: true };
  const trigger = quiet ? { eventId: quiet.eventId, type: quiet.type, occurredAt: quiet.occurredAt } : { eventId: last.eventId, type: 'TouchpointRecorded', occurredAt: last.touchpoint.occurredAt };
  const params = (rules.rules.find((r) => r.id === reason.rule) ?? DEFAULT_RULES.rules.find((r) => r.id === reason.rule)!).params;
  const found = CHECKS[reason.rule]({ ...ctx, trigger }, params, sorted, quiet ? undefined : last);
  if (!found) return { holds: false };
  if (found.reason === reason.reason) return { holds: true };
  // Reworded as `evaluateRules` words it today, the renewal ahead included.
  const renewal = renewalAhead(ctx.customer.renewalDate, rules, now);
  const suggestedAction = renewal === null ? found.suggestedAction : say.withRenewal(found.suggestedAction, renewal);
  return { holds: true, revised: { rule: reason.rule, reason: found.reason, suggestedAction, triggeredBy: [...new Set(found.triggeredBy)] } };
}
