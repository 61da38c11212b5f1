import { DomainError, DomainErrorCode } from '../errors.js';
import type {
  FollowUpEvent,
  FollowUpPriority,
  FollowUpReason,
  FollowUpStatus,
  FollowUpTaskSnoozeEnded,
} from '../events.js';
import { PRIORITIES } from './rules.js';
import type { TaskProposal } from './checks.js';
import { leadingReason, type ReasonJoin, type ReasonWithdrawal } from './decision.js';

export type TaskEvent = FollowUpEvent | FollowUpTaskSnoozeEnded;
/** An event the decider wants stored: the id comes from the caller (deterministic where retried). */
export type TaskEventWithId = TaskEvent & { id: string };

/** A follow-up task folded from its stream `follow-up-<taskId>`. */
export interface FollowUpTask {
  id: string;
  customerId: string;
  rule: string;
  reason: string;
  suggestedAction: string;
  priority: FollowUpPriority;
  dueAt: string;
  status: FollowUpStatus;
  triggeredBy: string[];
  assigneeId: string | null;
  createdAt: string;
  closedAt: string | null;
  note: string | null;
  snoozedUntil: string | null;
  escalatedAt: string | null;
  escalatedTo: string | null;
  /** Every reason, the leading one (`rule`, `reason`) first. */
  reasons: FollowUpReason[];
}

export type TaskCommand =
  /** `reasons`: every reason of a new task, the proposal's first (default: the proposal alone). */
  | { type: 'Raise'; taskId: string; customerId: string; proposal: TaskProposal; assigneeId: string | null; reasons?: FollowUpReason[] }
  | { type: 'AddReason'; join: ReasonJoin; mergedFrom?: string }
  /** Replace the reason of the same rule with this wording of it (judged again: `rejudgeReason`). */
  | { type: 'ReviseReason'; join: ReasonJoin }
  /** Take the reason of this rule off the open task: it no longer holds, another reason does. */
  | { type: 'WithdrawReason'; withdrawal: ReasonWithdrawal }
  | { type: 'Complete'; note?: string; touchpointId?: string; by: string | null; automatic: boolean; mergedInto?: string }
  | { type: 'Dismiss'; reason: string; by: string }
  | { type: 'Snooze'; until: string; by: string }
  | { type: 'Escalate'; escalatedTo: string | null }
  | { type: 'EndSnooze' };

export interface DecideContext {
  now: Date;
  /** The id the resulting event gets. */
  eventId: string;
}

const isClosed = (s: FollowUpTask) => s.status === 'done' || s.status === 'dismissed';

/** Emmett-style decider: command + current state → new events. Throws DomainError on a broken rule. */
export function decide(cmd: TaskCommand, state: FollowUpTask | null, { now, eventId }: DecideContext): TaskEventWithId[] {
  const at = now.toISOString();
  if (cmd.type === 'Raise') {
    if (state) return []; // raised already: a re-run job changes nothing
    const p = cmd.proposal;
    const reasons = cmd.reasons ?? [{ rule: p.rule, reason: p.reason, triggeredBy: p.triggeredBy, at, suggestedAction: p.suggestedAction, priority: p.priority, dueAt: p.dueAt }];
    return [{
      id: eventId,
      type: 'FollowUpTaskRaised',
      data: {
        taskId: cmd.taskId, customerId: cmd.customerId, rule: p.rule, reason: p.reason, suggestedAction: p.suggestedAction,
        priority: p.priority, dueAt: p.dueAt, triggeredBy: p.triggeredBy, assigneeId: cmd.assigneeId, raisedAt: at, reasons,
      },
    }];
  }
  if (!state) throw new DomainError(DomainErrorCode.FollowUpNotFound, 'No follow-up with that id.');
  const base = { taskId: state.id, customerId: state.customerId };
  switch (cmd.type) {
    case 'AddReason': {
      // A closed task takes no reasons, and a rule already among them adds nothing (a re-run, a duplicate).
      if (isClosed(state) || state.reasons.some((r) => r.rule === cmd.join.reason.rule)) return [];
      const j = cmd.join;
      // The reasons rank the task, but an escalation (the task went overdue) is a step they do not
      // know of: a reason joining never lowers the priority the task has.
      const priority = PRIORITIES[Math.max(PRIORITIES.indexOf(j.priority), PRIORITIES.indexOf(state.priority))] ?? j.priority;
      // The most urgent reason leads the task (its title), as it leads the suggested action: an
      // unanswered ticket joining a silence is what the task is about now.
      const lead = leadingReason([...state.reasons, j.reason]);
      return [{
        id: eventId,
        type: 'FollowUpReasonAdded',
        data: {
          ...base, reason: j.reason, priority, dueAt: j.dueAt, suggestedAction: j.suggestedAction, addedAt: at,
          lead: { rule: lead.rule, reason: lead.reason },
          ...(cmd.mergedFrom ? { mergedFrom: cmd.mergedFrom } : {}),
        },
      }];
    }
    case 'ReviseReason': {
      const j = cmd.join;
      const current = state.reasons.find((r) => r.rule === j.reason.rule);
      // Only an open task's own reason, and only when it reads differently (a re-run changes nothing).
      if (isClosed(state) || !current || current.reason === j.reason.reason) return [];
      const priority = PRIORITIES[Math.max(PRIORITIES.indexOf(j.priority), PRIORITIES.indexOf(state.priority))] ?? j.priority;
      return [{ id: eventId, type: 'FollowUpReasonRevised', data: { ...base, reason: j.reason, priority, dueAt: j.dueAt, suggestedAction: j.suggestedAction, revisedAt: at } }];
    }
    case 'WithdrawReason': {
      const w = cmd.withdrawal;
      // Only an open task's own reason, never its last (a task with no reason closes instead); a re-run changes nothing.
      if (isClosed(state) || !state.reasons.some((r) => r.rule === w.rule) || state.reasons.length < 2) return [];
      // The rest may rank the task lower, but not below a step the reasons do not know of (an escalation).
      const priority = state.escalatedAt ? PRIORITIES[Math.max(PRIORITIES.indexOf(w.priority), PRIORITIES.indexOf(state.priority))] ?? w.priority : w.priority;
      return [{ id: eventId, type: 'FollowUpReasonWithdrawn', data: { ...base, rule: w.rule, lead: w.lead, priority, dueAt: w.dueAt, suggestedAction: w.suggestedAction, withdrawnAt: at } }];
    }
    case 'Complete':
      if (isClosed(state)) throw new DomainError(DomainErrorCode.FollowUpAlreadyClosed, `The follow-up is already ${state.status}.`);
      return [{
        id: eventId,
        type: 'FollowUpTaskCompleted',
        data: {
          ...base, ...(cmd.note !== undefined ? { note: cmd.note } : {}), ...(cmd.touchpointId !== undefined ? { touchpointId: cmd.touchpointId } : {}),
          completedBy: cmd.by, completedAt: at, automatic: cmd.automatic, ...(cmd.mergedInto ? { mergedInto: cmd.mergedInto } : {}),
        },
      }];
    case 'Dismiss':
      if (isClosed(state)) throw new DomainError(DomainErrorCode.FollowUpAlreadyClosed, `The follow-up is already ${state.status}.`);
      return [{ id: eventId, type: 'FollowUpTaskDismissed', data: { ...base, reason: cmd.reason, dismissedBy: cmd.by, dismissedAt: at } }];
    case 'Snooze':
      if (isClosed(state)) throw new DomainError(DomainErrorCode.FollowUpAlreadyClosed, `The follow-up is already ${state.status}.`);
      if (!(Date.parse(cmd.until) > now.getTime())) throw new DomainError(DomainErrorCode.FollowUpNotOpen, 'A follow-up can only be snoozed until a time in the future.');
      return [{ id: eventId, type: 'FollowUpTaskSnoozed', data: { ...base, until: new Date(cmd.until).toISOString(), snoozedBy: cmd.by, snoozedAt: at } }];
    case 'Escalate': {
      // Only open, overdue, not yet escalated tasks: the sweep may ask again and again.
      if (state.status !== 'open' || state.escalatedAt || Date.parse(state.dueAt) > now.getTime()) return [];
      const priority = PRIORITIES[Math.min(PRIORITIES.indexOf(state.priority) + 1, PRIORITIES.length - 1)];
      return [{ id: eventId, type: 'FollowUpTaskEscalated', data: { ...base, priority, escalatedTo: cmd.escalatedTo, escalatedAt: at } }];
    }
    case 'EndSnooze':
      if (state.status !== 'snoozed' || !state.snoozedUntil || Date.parse(state.snoozedUntil) > now.getTime()) return [];
      return [{ id: eventId, type: 'FollowUpTaskSnoozeEnded', data: { ...base, until: state.snoozedUntil, endedAt: at } }];
  }
}

/** Folds one event into the task; unknown events leave it as it is (projections never throw). */
export function evolve(state: FollowUpTask | null, event: { type: string; data: any }): FollowUpTask | null {
  const d = event.data;
  switch (event.type) {
    case 'FollowUpTaskRaised':
      return {
        id: d.taskId, customerId: d.customerId, rule: d.rule, reason: d.reason, suggestedAction: d.suggestedAction,
        priority: d.priority, dueAt: d.dueAt, status: 'open', triggeredBy: d.triggeredBy ?? [], assigneeId: d.assigneeId ?? null,
        createdAt: d.raisedAt, closedAt: null, note: null, snoozedUntil: null, escalatedAt: null, escalatedTo: null,
        // A task raised before reasons existed has its raise as its one reason.
        reasons: Array.isArray(d.reasons) && d.reasons.length > 0
          ? d.reasons
          : [{ rule: d.rule, reason: d.reason, triggeredBy: d.triggeredBy ?? [], at: d.raisedAt, suggestedAction: d.suggestedAction, priority: d.priority, dueAt: d.dueAt }],
      };
    case 'FollowUpReasonAdded': {
      if (!state || !d?.reason) return state;
      const triggeredBy = [...new Set([...state.triggeredBy, ...(d.reason.triggeredBy ?? [])])];
      // Events written before a join named its lead keep the first reason as the title.
      const lead = typeof d.lead?.rule === 'string' && typeof d.lead?.reason === 'string' ? { rule: d.lead.rule, reason: d.lead.reason } : {};
      return { ...state, ...lead, reasons: [...state.reasons, d.reason], priority: d.priority ?? state.priority, dueAt: d.dueAt ?? state.dueAt, suggestedAction: d.suggestedAction ?? state.suggestedAction, triggeredBy };
    }
    case 'FollowUpReasonRevised': {
      if (!state || !d?.reason) return state;
      const reasons = state.reasons.map((r) => (r.rule === d.reason.rule ? d.reason : r));
      const triggeredBy = [...new Set([...state.triggeredBy, ...(d.reason.triggeredBy ?? [])])];
      // The leading reason is the task's own `reason` (contract field): it reads as revised too.
      const lead = state.rule === d.reason.rule ? { reason: d.reason.reason } : {};
      return { ...state, ...lead, reasons, priority: d.priority ?? state.priority, dueAt: d.dueAt ?? state.dueAt, suggestedAction: d.suggestedAction ?? state.suggestedAction, triggeredBy };
    }
    case 'FollowUpReasonWithdrawn': {
      if (!state || typeof d?.rule !== 'string') return state;
      const reasons = state.reasons.filter((r) => r.rule !== d.rule);
      if (reasons.length === 0) return state;
      // The leading reason is the task's own `rule` and `reason` (contract fields): the next one leads.
      const lead = d.lead ?? { rule: reasons[0].rule, reason: reasons[0].reason };
      const triggeredBy = [...new Set(reasons.flatMap((r) => r.triggeredBy ?? []))];
      return { ...state, rule: lead.rule, reason: lead.reason, reasons, priority: d.priority ?? state.priority, dueAt: d.dueAt ?? state.dueAt, suggestedAction: d.suggestedAction ?? state.suggestedAction, triggeredBy };
    }
    case 'FollowUpTaskCompleted':
      return state && { ...state, status: 'done', closedAt: d.completedAt, note: d.note ?? state.note, snoozedUntil: null };
    case 'FollowUpTaskDismissed':
      return state && { ...state, status: 'dismissed', closedAt: d.dismissedAt, note: d.reason ?? state.note, snoozedUntil: null };
    case 'FollowUpTaskSnoozed':
      return state && { ...state, status: 'snoozed', snoozedUntil: d.until };
    case 'FollowUpTaskSnoozeEnded':
      return state && (state.status === 'snoozed' ? { ...state, status: 'open', snoozedUntil: null } : state);
    case 'FollowUpTaskEscalated':
      return state && { ...state, priority: d.priority, escalatedAt: d.escalatedAt, escalatedTo: d.escalatedTo };
    default:
      return state;
  }
}

export const foldTask = (events: { type: string; data: any }[]): FollowUpTask | null => events.reduce(evolve, null as FollowUpTask | null);
