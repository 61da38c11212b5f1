import type { FollowUpPriority, FollowUpReason } from '../events.js';
import { isRetentionRule, type TaskProposal } from './checks.js';
import { PRIORITIES, type FollowUpRules, type RuleId } from './rules.js';
import type { FollowUpTask } from './task.js';

const DAY = 86_400_000;

/** A reason joining an open task, with the task's priority, due date and action as they become. */
export interface ReasonJoin {
  reason: FollowUpReason;
  priority: FollowUpPriority;
  dueAt: string;
  suggestedAction: string;
}

/** What a customer's earlier follow-ups leave behind for the next decision (kept by the worker with the events). */
export interface FollowUpMemory {
  /** When the customer's last follow-up was closed (completed, dismissed, merged): evidence up to then is used up. */
  lastClosedAt: string | null;
  /** Rule → when a follow-up carrying it as a reason was dismissed. */
  dismissed: Record<string, string>;
}

export interface FollowUpDecisionInput {
  /** The clock at evaluation. */
  now: Date;
  /** The customer's one open (or snoozed) follow-up, if there is one. */
  open: FollowUpTask | null;
  memory: FollowUpMemory;
  /** The trigger is a relational contact by a person that came after everything the open task rests on. */
  answersOpen: boolean;
  /**
   * None of the open task's reasons holds any more on what is known now (`reasonStillHolds`): a
   * relational contact recorded late fell inside the quiet period the task is about.
   */
  noLongerHolds?: boolean;
  /** Reasons of the open task that hold but now read differently (`rejudgeReason`), each replacing the one of its rule. */
  revised?: readonly FollowUpReason[];
  /** Rules whose reason of the open task no longer holds while another reason does (`rejudgeReason`). */
  withdrawn?: readonly string[];
  /**
   * The trigger is the silence check finding the relationship quiet past a further threshold: a
   * silence reason already on the open task is reworded to what the rule finds now (days,
   * messages, and the priority a longer silence calls for).
   */
  deepens?: boolean;
  /** The customer's latest outcome is `churned` (not won back since). */
  churned: boolean;
  /** What the rules found on the trigger (evaluateRules: enabled, current evidence). */
  findings: TaskProposal[];
  /** Rules whose finding a relational human contact later in the stream has answered already (a late or re-run job). */
  answered: ReadonlySet<string>;
  rules: FollowUpRules;
}

export type SkipWhy = 'already_answered' | 'before_last_close' | 'dismissed_cooling_down' | 'already_a_reason' | 'churned';

export interface FollowUpDecision {
  /** Close the open task: a person answered it, or the customer left (no retention task stays open). */
  close?: { taskId: string; why: 'answered' | 'no_longer_holds' | 'churned' };
  /** Open the customer's follow-up: the leading proposal (priority, due date and action from every reason) and its reasons. */
  open?: { proposal: TaskProposal; reasons: FollowUpReason[] };
  /** Add reasons to the open task, each with the task's fields as they are once it joined. */
  join?: { taskId: string; joins: ReasonJoin[] };
  /** Reword reasons of the open task (judged again), each with the task's fields as they are once it is replaced. */
  revise?: { taskId: string; joins: ReasonJoin[] };
  /** Take reasons that no longer hold off the open task (others still do), each with the task's fields as they are once it is gone. */
  withdraw?: { taskId: string; withdrawals: ReasonWithdrawal[] };
  skipped: { rule: string; why: SkipWhy }[];
}

const rank = (p: FollowUpPriority | undefined) => PRIORITIES.indexOf(p ?? 'normal');
const sentence = (s: string) => s.trim().replace(/[.\s]+$/, '');
// A capital that only starts the sentence ("The …", "A …") is lowered; one that starts a name or an acronym ("NPS") stays.
const lowerFirst = (s: string) => (/^(?:[A-Z][a-z]|A )/.test(s) ? s[0].toLowerCase() + s.slice(1) : s);

/**
 * The task's own fields from all its reasons: the highest priority that applies, the earliest
 * due date, and one action — what the most urgent reason asks (the earliest among equals),
 * followed by what the others add.
 */
export function combineReasons(reasons: readonly FollowUpReason[]): { priority: FollowUpPriority; dueAt: string; suggestedAction: string } {
  const lead = leadingReason(reasons);
  const priority = PRIORITIES[Math.max(...reasons.map((r) => rank(r.priority)))];
  const dueAt = reasons.map((r) => r.dueAt ?? r.at).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
  const others = reasons.filter((r) => r !== lead).map((r) => lowerFirst(sentence(r.reason)));
  const action = sentence(lead.suggestedAction ?? lead.reason);
  return { priority, dueAt, suggestedAction: others.length === 0 ? `${action}.` : `${action}. Also: ${others.join('; ')}.` };
}

/** The reason that leads the task: the most urgent, the earliest among equals. */
export function leadingReason(reasons: readonly FollowUpReason[]): FollowUpReason {
  let lead = reasons[0];
  for (const r of reasons) if (rank(r.priority) > rank(lead.priority)) lead = r;
  return lead;
}

/** A reason leaving the open task: its rule, the task's leading reason afterwards, and the task's fields from the rest. */
export interface ReasonWithdrawal {
  rule: string;
  lead: { rule: string; reason: string };
  priority: FollowUpPriority;
  dueAt: string;
  suggestedAction: string;
}

const reasonOf = (p: TaskProposal, at: string): FollowUpReason => ({
  rule: p.rule, reason: p.reason, triggeredBy: p.triggeredBy, at, suggestedAction: p.suggestedAction, priority: p.priority, dueAt: p.dueAt,
});

/**
 * One open follow-up per customer — one human reach-out. Given what the rules found on an
 * event and what the customer's follow-ups are, decides (pure; time comes in as `now`):
 * - **close** the open task when a person's relational contact answered it, when none of its
 *   reasons holds any more (a late-recorded relational contact broke the silence it is about),
 *   or when the customer has left (a retention task for a customer who is gone is moot);
 * - **already answered**: a finding a later relational human contact answered is dropped;
 * - a finding whose newest evidence is not newer than the last closing is used up; a reason
 *   dismissed within its cool-down stays quiet unless the customer got in touch since;
 * - **revise**: a reason of the open task that holds but, judged again, reads differently
 *   replaces the reason of its rule;
 * - **join**: while a task is open, every other rule that fires joins it as a reason (a rule
 *   already among its reasons adds nothing);
 * - **open**: with no task open, one task with every finding as a reason, the most urgent leading.
 */
export function decideFollowUp(input: FollowUpDecisionInput): FollowUpDecision {
  const at = input.now.toISOString();
  const out: FollowUpDecision = { skipped: [] };
  let open = input.open;
  let lastClosedAt = input.memory.lastClosedAt;
  if (open && (input.answersOpen || input.noLongerHolds || input.churned)) {
    out.close = { taskId: open.id, why: input.answersOpen ? 'answered' : input.noLongerHolds ? 'no_longer_holds' : 'churned' };
    open = null;
    // The contact that answered it (or showed it was not so) is no reason to call again; a churn
    // uses up no win-back evidence.
    if (input.answersOpen || input.noLongerHolds) lastClosedAt = at;
  }
  // Reasons judged again that read differently replace their rule's reason (the task stays one task).
  let current = open ? [...open.reasons] : [];
  if (open && input.revised && input.revised.length > 0) {
    const joins: ReasonJoin[] = [];
    for (const r of input.revised) {
      if (!current.some((x) => x.rule === r.rule)) continue;
      current = current.map((x) => (x.rule === r.rule ? r : x));
      joins.push({ reason: r, ...combineReasons(current) });
    }
    if (joins.length > 0) out.revise = { taskId: open.id, joins };
  }
  // Reasons that no longer hold leave the task; the last one never does (then the task closes above).
  if (open && input.withdrawn && input.withdrawn.length > 0) {
    const withdrawals: ReasonWithdrawal[] = [];
    for (const rule of input.withdrawn) {
      const rest = current.filter((x) => x.rule !== rule);
      if (rest.length === current.length || rest.length === 0) continue;
      current = rest;
      const lead = leadingReason(current);
      withdrawals.push({ rule, lead: { rule: lead.rule, reason: lead.reason }, ...combineReasons(current) });
    }
    if (withdrawals.length > 0) out.withdraw = { taskId: open.id, withdrawals };
  }
  const fresh: TaskProposal[] = [];
  for (const f of input.findings) {
    const skip = (why: SkipWhy) => out.skipped.push({ rule: f.rule, why });
    if (input.churned && isRetentionRule(f.rule)) skip('churned');
    else if (input.answered.has(f.rule)) skip('already_answered');
    else if (lastClosedAt && !(Date.parse(f.evidenceAt) > Date.parse(lastClosedAt))) skip('before_last_close');
    else if (coolingDown(f, input)) skip('dismissed_cooling_down');
    else if (current.some((r) => r.rule === f.rule) || fresh.some((x) => x.rule === f.rule)) {
      skip('already_a_reason');
      const mine = current.find((r) => r.rule === f.rule);
      // The same silence, longer now: the reason says how long and how urgent it has become (its
      // due date stays: the task was due already). One rule only — another rule found again is
      // other evidence, which would replace what the task rests on.
      if (open && input.deepens && mine && f.rule === 'automation_without_relational' && mine.reason !== f.reason) {
        const deeper: FollowUpReason = { ...mine, reason: f.reason, suggestedAction: f.suggestedAction, triggeredBy: f.triggeredBy, priority: f.priority };
        current = current.map((x) => (x === mine ? deeper : x));
        const join = { reason: deeper, ...combineReasons(current) };
        out.revise = { taskId: open.id, joins: [...(out.revise?.joins ?? []), join] };
      }
    } else fresh.push(f);
  }
  if (fresh.length === 0) return out;
  if (open) {
    const reasons = [...current];
    const joins: ReasonJoin[] = [];
    for (const f of fresh) {
      const reason = reasonOf(f, at);
      reasons.push(reason);
      joins.push({ reason, ...combineReasons(reasons) });
    }
    out.join = { taskId: open.id, joins };
    return out;
  }
  // The most urgent finding leads (the rules' order among equals): its rule and reason are the task's.
  const order = new Map(input.rules.rules.map((r, i) => [r.id, i]));
  const sorted = [...fresh].sort((a, b) => rank(b.priority) - rank(a.priority) || (order.get(a.rule) ?? 0) - (order.get(b.rule) ?? 0));
  const reasons = sorted.map((f) => reasonOf(f, at));
  const combined = combineReasons(reasons);
  const lead = sorted[0];
  out.open = {
    proposal: { ...lead, ...combined, triggeredBy: [...new Set(sorted.flatMap((f) => f.triggeredBy))], evidenceAt: sorted.map((f) => f.evidenceAt).reduce((a, b) => (b > a ? b : a)) },
    reasons,
  };
  return out;
}

function coolingDown(f: TaskProposal, input: FollowUpDecisionInput): boolean {
  const dismissedAt = input.memory.dismissed[f.rule];
  if (!dismissedAt) return false;
  const days = input.rules.rules.find((r) => r.id === f.rule)?.params.dismissCooldownDays ?? 0;
  if (input.now.getTime() - Date.parse(dismissedAt) >= days * DAY) return false;
  // The customer getting in touch again is new evidence; the passage of time or our own messages are not.
  return !(f.customerEvidenceAt && Date.parse(f.customerEvidenceAt) > Date.parse(dismissedAt));
}

/** The rules of a task's reasons (what a dismissal puts to rest). */
export const reasonRules = (task: Pick<FollowUpTask, 'reasons' | 'rule'>): RuleId[] => [...new Set([task.rule, ...task.reasons.map((r) => r.rule)])] as RuleId[];
