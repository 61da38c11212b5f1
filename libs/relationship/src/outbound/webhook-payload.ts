import type {
  FollowUpPriority,
  FollowUpReasonAdded,
  FollowUpReasonRevised,
  FollowUpReasonWithdrawn,
  FollowUpTaskCompleted,
  FollowUpTaskDismissed,
  FollowUpTaskEscalated,
  FollowUpTaskRaised,
  FollowUpTaskSnoozed,
  FollowUpTaskSnoozeEnded,
  HealthBandChanged,
} from '../events.js';

/** The event types a webhook subscription can ask for (the public names, never renamed). */
export const OUTBOUND_EVENT_TYPES = ['follow_up.raised', 'follow_up.updated', 'follow_up.completed', 'health.band_changed'] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/**
 * Domain event type → public webhook type. A type added here is sent from the moment the relay
 * first runs with it, never for the history before (the relay records that moment:
 * `outbound_relay_sources`), so a later rebuild does not send subscribers months of old events.
 */
export const OUTBOUND_SOURCE_TYPES = {
  FollowUpTaskRaised: 'follow_up.raised',
  FollowUpReasonAdded: 'follow_up.updated',
  FollowUpReasonRevised: 'follow_up.updated',
  FollowUpReasonWithdrawn: 'follow_up.updated',
  FollowUpTaskEscalated: 'follow_up.updated',
  FollowUpTaskSnoozed: 'follow_up.updated',
  FollowUpTaskSnoozeEnded: 'follow_up.updated',
  FollowUpTaskCompleted: 'follow_up.completed',
  FollowUpTaskDismissed: 'follow_up.completed',
  HealthBandChanged: 'health.band_changed',
} as const satisfies { [K in OutboundSourceEvent['type']]: OutboundEventType };

export type OutboundSourceEvent =
  | FollowUpTaskRaised
  | FollowUpReasonAdded
  | FollowUpReasonRevised
  | FollowUpReasonWithdrawn
  | FollowUpTaskEscalated
  | FollowUpTaskSnoozed
  | FollowUpTaskSnoozeEnded
  | FollowUpTaskCompleted
  | FollowUpTaskDismissed
  | HealthBandChanged;

/** What a `follow_up.updated` says happened to the task (its `change` field). */
export const FOLLOW_UP_CHANGES = ['reason_added', 'reason_revised', 'reason_withdrawn', 'escalated', 'snoozed', 'snooze_ended'] as const;
export type FollowUpChange = (typeof FOLLOW_UP_CHANGES)[number];

/** The Standard Webhooks payload shape: `{type, timestamp, data}`. */
export interface WebhookPayload {
  type: OutboundEventType;
  /** When the fact happened (business time of the event), ISO 8601. */
  timestamp: string;
  data: Record<string, unknown>;
}

/** The contract's reason shape: `{rule, reason, triggeredBy, at}`. */
const publicReasons = (reasons: readonly any[]) =>
  reasons.map((r) => ({ rule: r?.rule ?? null, reason: r?.reason ?? null, triggeredBy: Array.isArray(r?.triggeredBy) ? r.triggeredBy : [], at: r?.at ?? null }));

/** The task's leading reason after a change, `{rule, reason}`, or null where the event does not name it. */
const publicLead = (lead: unknown) => {
  const l = lead as { rule?: unknown; reason?: unknown } | null | undefined;
  return l && typeof l.rule === 'string' && typeof l.reason === 'string' ? { rule: l.rule, reason: l.reason } : null;
};

type PublicReason = ReturnType<typeof publicReasons>[number];

/**
 * The data of every `follow_up.updated`, whatever the change: the task's state as the event
 * gives it, null where the event does not say (a snooze tells no priority; a receiver keeps what
 * it has for a null).
 */
export type FollowUpUpdatedData = {
  eventId: string;
  taskId: string;
  customerId: string;
  change: FollowUpChange;
  /** The task's priority, due date and suggested action after the change. */
  priority: FollowUpPriority | null;
  dueAt: string | null;
  suggestedAction: string | null;
  /** reason_added: the reason that joined; `mergedFrom` when it came from another task of the customer. */
  addedReason: PublicReason | null;
  mergedFrom: string | null;
  /** reason_revised: the reason as it reads now (it replaces the task's reason of the same rule). */
  revisedReason: PublicReason | null;
  /** reason_withdrawn: the rule whose reason left the task. */
  withdrawnRule: string | null;
  /** The task's leading reason (its `rule` and `reason`) afterwards, where the event names it. */
  lead: { rule: string; reason: string } | null;
  /** snoozed: until when (and who snoozed it); snooze_ended: the `until` that passed. */
  until: string | null;
  snoozedBy: string | null;
  /** escalated: the person the task went to (the assignee's team lead, else an admin). */
  escalatedTo: string | null;
};

function updated(
  eventId: string,
  e: { taskId: string; customerId: string },
  change: FollowUpChange,
  timestamp: string,
  given: Partial<Omit<FollowUpUpdatedData, 'eventId' | 'taskId' | 'customerId' | 'change'>>,
): WebhookPayload {
  const data: FollowUpUpdatedData = {
    eventId,
    taskId: e.taskId,
    customerId: e.customerId,
    change,
    priority: null,
    dueAt: null,
    suggestedAction: null,
    addedReason: null,
    mergedFrom: null,
    revisedReason: null,
    withdrawnRule: null,
    lead: null,
    until: null,
    snoozedBy: null,
    escalatedTo: null,
  };
  // An event written before a field existed has it undefined: null, as for a field it never had.
  for (const [k, v] of Object.entries(given)) (data as Record<string, unknown>)[k] = v ?? null;
  return { type: 'follow_up.updated', timestamp, data };
}

export function isOutboundEventType(v: unknown): v is OutboundEventType {
  return typeof v === 'string' && (OUTBOUND_EVENT_TYPES as readonly string[]).includes(v);
}

/**
 * Maps a stored domain event to the webhook payload, or null for any other type (or an odd
 * shape: a relay never throws on data it does not understand). `eventId` is the stored event's
 * id, so receivers can correlate; the payload is a pure function of the event, so every retry
 * and every replay sends the same bytes' meaning.
 */
export function toWebhookPayload(event: { id: string; type: string; data: unknown }): WebhookPayload | null {
  const d = event.data as any;
  if (!d || typeof d !== 'object') return null;
  switch (event.type) {
    case 'FollowUpTaskRaised': {
      const e = d as FollowUpTaskRaised['data'];
      return {
        type: 'follow_up.raised',
        timestamp: e.raisedAt,
        data: {
          eventId: event.id,
          taskId: e.taskId,
          customerId: e.customerId,
          rule: e.rule,
          reason: e.reason,
          suggestedAction: e.suggestedAction,
          priority: e.priority,
          dueAt: e.dueAt,
          assigneeId: e.assigneeId ?? null,
          triggeredBy: e.triggeredBy ?? [],
          reasons: publicReasons(e.reasons ?? [{ rule: e.rule, reason: e.reason, triggeredBy: e.triggeredBy ?? [], at: e.raisedAt }]),
        },
      };
    }
    case 'FollowUpReasonAdded': {
      const e = d as FollowUpReasonAdded['data'];
      if (!e.reason || typeof e.reason !== 'object') return null;
      return updated(event.id, e, 'reason_added', e.addedAt, {
        addedReason: publicReasons([e.reason])[0],
        priority: e.priority,
        dueAt: e.dueAt,
        suggestedAction: e.suggestedAction,
        mergedFrom: e.mergedFrom ?? null,
        lead: publicLead(e.lead),
      });
    }
    case 'FollowUpReasonRevised': {
      const e = d as FollowUpReasonRevised['data'];
      if (!e.reason || typeof e.reason !== 'object') return null;
      return updated(event.id, e, 'reason_revised', e.revisedAt, {
        revisedReason: publicReasons([e.reason])[0],
        priority: e.priority,
        dueAt: e.dueAt,
        suggestedAction: e.suggestedAction,
      });
    }
    case 'FollowUpReasonWithdrawn': {
      const e = d as FollowUpReasonWithdrawn['data'];
      if (typeof e.rule !== 'string') return null;
      return updated(event.id, e, 'reason_withdrawn', e.withdrawnAt, {
        withdrawnRule: e.rule,
        lead: publicLead(e.lead),
        priority: e.priority,
        dueAt: e.dueAt,
        suggestedAction: e.suggestedAction,
      });
    }
    case 'FollowUpTaskEscalated': {
      const e = d as FollowUpTaskEscalated['data'];
      return updated(event.id, e, 'escalated', e.escalatedAt, { priority: e.priority, escalatedTo: e.escalatedTo ?? null });
    }
    case 'FollowUpTaskSnoozed': {
      const e = d as FollowUpTaskSnoozed['data'];
      if (typeof e.until !== 'string') return null;
      return updated(event.id, e, 'snoozed', e.snoozedAt, { until: e.until, snoozedBy: e.snoozedBy ?? null });
    }
    case 'FollowUpTaskSnoozeEnded': {
      // The task is open again: a CRM that mirrored "snoozed" learns it without guessing from `until`.
      const e = d as FollowUpTaskSnoozeEnded['data'];
      return updated(event.id, e, 'snooze_ended', e.endedAt, { until: e.until ?? null });
    }
    case 'FollowUpTaskCompleted': {
      const e = d as FollowUpTaskCompleted['data'];
      return {
        type: 'follow_up.completed',
        timestamp: e.completedAt,
        data: {
          eventId: event.id,
          taskId: e.taskId,
          customerId: e.customerId,
          status: 'done',
          completedBy: e.completedBy ?? null,
          automatic: e.automatic === true,
          touchpointId: e.touchpointId ?? null,
          mergedInto: e.mergedInto ?? null,
          dismissedBy: null,
          // The completion note is free text written by staff; it can hold personal data, so it stays inside.
        },
      };
    }
    case 'FollowUpTaskDismissed': {
      // Closed as not worth doing: the same message as a completion (a CRM closes its copy either
      // way), told apart by `status`.
      const e = d as FollowUpTaskDismissed['data'];
      return {
        type: 'follow_up.completed',
        timestamp: e.dismissedAt,
        data: {
          eventId: event.id,
          taskId: e.taskId,
          customerId: e.customerId,
          status: 'dismissed',
          completedBy: null,
          automatic: false,
          touchpointId: null,
          mergedInto: null,
          dismissedBy: e.dismissedBy ?? null,
          // The dismiss reason is staff's free text like the completion note (it becomes the task's
          // `note`) and can as well hold personal data ("off sick until May"): it stays inside too.
        },
      };
    }
    case 'HealthBandChanged': {
      const e = d as HealthBandChanged['data'];
      return {
        type: 'health.band_changed',
        timestamp: e.observedAt,
        data: {
          eventId: event.id,
          customerId: e.customerId,
          from: e.from,
          to: e.to,
          scoreBefore: e.scoreBefore,
          scoreAfter: e.scoreAfter,
          causedBy: e.causedBy,
        },
      };
    }
    default:
      return null;
  }
}
