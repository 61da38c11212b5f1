import type { Touchpoint } from '../touchpoint.js';
import { DEFAULT_SCORING_CONFIG, type ScoringConfig } from './config.js';
import { wordCount } from './text.js';

export interface UnansweredInbound {
  touchpoint: Touchpoint;
  /** Whole hours between the message and `now` (rounded down). */
  hoursUnanswered: number;
  slaHours: number;
}

/**
 * For the scheduled job: inbound customer messages with no reply past their SLA at `now`.
 * A message counts as answered when a human-handled outbound touchpoint has `replyToId`
 * pointing at it (an automatic acknowledgement is not an answer), when it was marked resolved,
 * or when its own transcript ends with an agent speaking (answered within the contact). Only
 * channels in `awaitsReplyChannels` wait for an answer. Sorted oldest first, then by id.
 */
export function findUnansweredInbound(touchpoints: Touchpoint[], now: Date, config: ScoringConfig = DEFAULT_SCORING_CONFIG): UnansweredInbound[] {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) return [];
  const answered = new Set(touchpoints.filter((t) => t && t.replyToId && t.direction === 'outbound' && t.handledBy === 'human').map((t) => t.replyToId));
  const found: UnansweredInbound[] = [];
  for (const tp of touchpoints) {
    if (!tp || tp.direction !== 'inbound' || tp.initiatedBy !== 'customer') continue;
    if (!config.awaitsReplyChannels.includes(tp.channel) || tp.resolved === true || answered.has(tp.id)) continue;
    if (answeredWithinContact(tp)) continue;
    const at = Date.parse(tp.occurredAt);
    if (!Number.isFinite(at)) continue;
    const hours = (nowMs - at) / 3_600_000;
    const slaHours = config.replySlaHours[tp.channel] ?? config.replySlaHours.other;
    if (hours > slaHours) found.push({ touchpoint: tp, hoursUnanswered: Math.floor(hours), slaHours });
  }
  return found.sort((a, b) => Date.parse(a.touchpoint.occurredAt) - Date.parse(b.touchpoint.occurredAt) || (a.touchpoint.id < b.touchpoint.id ? -1 : a.touchpoint.id > b.touchpoint.id ? 1 : 0));
}

function answeredWithinContact(tp: Touchpoint): boolean {
  if (!Array.isArray(tp.transcript)) return false;
  const spoken = tp.transcript.filter((t) => t && typeof t.text === 'string' && wordCount(t.text) > 0);
  const last = spoken[spoken.length - 1];
  return !!last && last.speaker === 'agent';
}
