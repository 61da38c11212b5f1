import type { FollowUpReasonAdded, FollowUpTaskCompleted, FollowUpTaskRaised, HealthBandChanged } from '../events.js';

/** The event types a webhook subscription can ask for (the public names, never renamed). */
export const OUTBOUND_EVENT_TYPES = ['follow_up.raised', 'follow_up.updated', 'follow_up.completed', 'health.band_changed'] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** Domain event type → public webhook type. */
export const OUTBOUND_SOURCE_TYPES = {
  FollowUpTaskRaised: 'follow_up.raised',
  FollowUpReasonAdded: 'follow_up.updated',
  FollowUpTaskCompleted: 'follow_up.completed',
  HealthBandChanged: 'health.band_changed',
} as const satisfies { [K in OutboundSourceEvent['type']]: OutboundEventType };

export type OutboundSourceEvent = FollowUpTaskRaised | FollowUpReasonAdded | FollowUpTaskCompleted | HealthBandChanged;

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
      return {
        type: 'follow_up.updated',
        timestamp: e.addedAt,
        data: {
          eventId: event.id,
          taskId: e.taskId,
          customerId: e.customerId,
          addedReason: publicReasons([e.reason])[0],
          priority: e.priority,
          dueAt: e.dueAt,
          suggestedAction: e.suggestedAction,
          mergedFrom: e.mergedFrom ?? null,
        },
      };
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
          completedBy: e.completedBy ?? null,
          automatic: e.automatic === true,
          touchpointId: e.touchpointId ?? null,
          mergedInto: e.mergedInto ?? null,
          // The completion note is free text written by staff; it can hold personal data, so it stays inside.
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
