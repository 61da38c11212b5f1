/** The touchpoint as stored in `TouchpointRecorded` (the contract's body, normalised). */
export const CHANNELS = ['email', 'phone', 'meeting', 'video', 'chat', 'chatbot', 'sms', 'support_ticket', 'return', 'survey', 'newsletter', 'in_app', 'social', 'letter', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];
export type Direction = 'inbound' | 'outbound';
export type Initiator = 'customer' | 'company';
export type Handler = 'human' | 'automation';
export type Speaker = 'customer' | 'agent' | 'bot';
export type SurveyKind = 'nps' | 'csat' | 'ces';

export interface TranscriptTurn {
  speaker: Speaker;
  text: string;
  at?: string;
}

export interface Survey {
  kind: SurveyKind;
  score: number;
  comment?: string;
}

export interface Touchpoint {
  /** The idempotency key and the event id of its TouchpointRecorded event. */
  id: string;
  externalId?: string;
  sourceId?: string;
  customerId: string;
  channel: Channel;
  direction: Direction;
  initiatedBy: Initiator;
  handledBy: Handler;
  occurredAt: string;
  agent?: { id?: string; name?: string };
  durationSeconds?: number;
  waitSeconds?: number;
  handoffs?: number;
  resolved?: boolean;
  topic?: string;
  subject?: string;
  summary?: string;
  transcript?: TranscriptTurn[];
  survey?: Survey;
  replyToId?: string;
  language?: string;
  tags?: string[];
}

export type RelationalClass = 'relational' | 'neutral' | 'transactional';

/** One observed reason behind a score: `effect` is signed points (+ towards closeness). */
export interface Signal {
  name: string;
  effect: number;
  detail: string;
}

export interface RelationalScore {
  score: number;
  class: RelationalClass;
  signals: Signal[];
  /** The scoring model's version that computed it (absent on scores stored before models had versions). */
  model?: string;
}

/** A touchpoint with its relational score: what health, churn and follow-up rules read. */
export interface ScoredTouchpoint {
  eventId: string;
  touchpoint: Touchpoint;
  relational: RelationalScore;
  recordedAt: string;
  /** `Date.parse(touchpoint.occurredAt)` when the producer has it at hand (a fold does), so readers need not parse it again. */
  occurredMs?: number;
}

/** A scored touchpoint's business time in ms: the fold's parsed value, else parsed here (a hand-built input). */
export const occurredMsOf = (tp: ScoredTouchpoint): number => tp?.occurredMs ?? Date.parse(tp?.touchpoint?.occurredAt as string);
