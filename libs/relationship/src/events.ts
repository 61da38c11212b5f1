import type { Touchpoint } from './touchpoint.js';

/**
 * Every event type of the product. A `type` string is never renamed; a new payload shape gets
 * a new schema version and an upcaster (libs/shared/src/database/upcasters.ts).
 *
 * Streams: `customer-<customerId>` (customer lifecycle, touchpoints, outcomes, facts found by
 * scheduled jobs), `follow-up-<taskId>`, `user-<userId>`, `source-<sourceId>`, `rules`,
 * `subscription-<id>`.
 */
export const customerStream = (customerId: string) => `customer-${customerId}`;
export const followUpStream = (taskId: string) => `follow-up-${taskId}`;
export const userStream = (userId: string) => `user-${userId}`;

export type OutcomeType = 'renewed' | 'churned' | 'expanded' | 'downgraded';

export interface CustomerRegistered {
  type: 'CustomerRegistered';
  data: {
    customerId: string;
    externalId: string;
    name: string;
    segment?: string | null;
    accountManagerId?: string | null;
    renewalDate?: string | null;
    annualValue?: number | null;
    /** `touchpoint` when an unknown customerExternalId created it. */
    createdVia: 'api' | 'touchpoint';
  };
}

export interface CustomerDetailsChanged {
  type: 'CustomerDetailsChanged';
  data: {
    customerId: string;
    changes: { externalId?: string; name?: string; segment?: string | null; renewalDate?: string | null; annualValue?: number | null };
  };
}

export interface AccountManagerAssigned {
  type: 'AccountManagerAssigned';
  data: { customerId: string; accountManagerId: string | null; previousAccountManagerId: string | null };
}

export interface TouchpointRecorded {
  type: 'TouchpointRecorded';
  data: Touchpoint;
}

export interface OutcomeRecorded {
  type: 'OutcomeRecorded';
  data: { customerId: string; outcomeId: string; outcome: OutcomeType; occurredAt: string };
}

/**
 * The account manager's own judgement of the relationship, 1 (about to lose them) to 5 (never
 * better): a health driver of its own (docs/health-and-churn.md, "Pulse"). `note` is free text
 * shown on the timeline only.
 */
export interface AccountManagerPulseRecorded {
  type: 'AccountManagerPulseRecorded';
  data: { customerId: string; pulseId: string; score: number; note: string | null; recordedBy: string; occurredAt: string };
}

/** Found by the scheduled check: an inbound message had no answer past its SLA. */
export interface InboundMessageWentUnanswered {
  type: 'InboundMessageWentUnanswered';
  data: { customerId: string; touchpointId: string; hoursUnanswered: number; slaHours: number; observedAt: string };
}

/** Found by the scheduled check: no relational contact for a while (silence is a signal). */
export interface RelationshipWentQuiet {
  type: 'RelationshipWentQuiet';
  data: { customerId: string; daysSinceRelational: number; lastRelationalTouchpointId: string | null; observedAt: string };
}

/** Recorded by the follow-up worker when a touchpoint moved the customer's health band. */
export interface HealthBandChanged {
  type: 'HealthBandChanged';
  data: { customerId: string; from: 'green' | 'yellow' | 'red'; to: 'green' | 'yellow' | 'red'; scoreBefore: number; scoreAfter: number; causedBy: string; observedAt: string };
}

export type CustomerEvent =
  | CustomerRegistered
  | CustomerDetailsChanged
  | AccountManagerAssigned
  | TouchpointRecorded
  | OutcomeRecorded
  | InboundMessageWentUnanswered
  | RelationshipWentQuiet
  | HealthBandChanged
  | AccountManagerPulseRecorded;

export type FollowUpPriority = 'low' | 'normal' | 'high' | 'urgent';
export type FollowUpStatus = 'open' | 'done' | 'dismissed' | 'snoozed';

/** One reason a follow-up is there: a rule that fired, in plain words, on these events. */
export interface FollowUpReason {
  rule: string;
  reason: string;
  triggeredBy: string[];
  /** When it joined the task (the raise, or the moment a later rule fired). */
  at: string;
  /** What this reason alone would ask and how urgently (the task's own fields combine all reasons). */
  suggestedAction?: string;
  priority?: FollowUpPriority;
  dueAt?: string;
}

export interface FollowUpTaskRaised {
  type: 'FollowUpTaskRaised';
  data: {
    taskId: string;
    customerId: string;
    /** The leading reason (contract: `rule`/`reason` stay). */
    rule: string;
    reason: string;
    /** Written from every reason together. */
    suggestedAction: string;
    priority: FollowUpPriority;
    dueAt: string;
    triggeredBy: string[];
    assigneeId: string | null;
    raisedAt: string;
    /** Every reason, the leading one first (absent on tasks raised before reasons existed: the raise is the one reason). */
    reasons?: FollowUpReason[];
  };
}

/**
 * A rule fired while the customer's follow-up was open: it joins that task as another reason
 * (one open follow-up per customer). Carries the task's priority, due date and suggested action
 * as they are with the reason added, so readers need not recompute them.
 */
export interface FollowUpReasonAdded {
  type: 'FollowUpReasonAdded';
  data: {
    taskId: string;
    customerId: string;
    reason: FollowUpReason;
    priority: FollowUpPriority;
    dueAt: string;
    suggestedAction: string;
    addedAt: string;
    /** The reason that leads the task afterwards (its `rule` and `reason`); absent on events written before it was recorded. */
    lead?: { rule: string; reason: string };
    /** Set when the reason came from another open task of the customer merged into this one (the upgrade to one per customer). */
    mergedFrom?: string;
  };
}

/**
 * A reason of the open task, judged again on what is known now, reads differently: a relational
 * contact recorded late moved the day a silence began. It replaces the task's reason of the same
 * rule; the task's priority, due date and suggested action are carried as they become.
 */
export interface FollowUpReasonRevised {
  type: 'FollowUpReasonRevised';
  data: {
    taskId: string;
    customerId: string;
    reason: FollowUpReason;
    priority: FollowUpPriority;
    dueAt: string;
    suggestedAction: string;
    revisedAt: string;
  };
}

/**
 * A reason of the open task no longer holds on what is known now (a relational contact recorded
 * late broke the silence it was about) while others still do: it leaves the task, which stays
 * open on the rest. `lead` is the task's leading reason afterwards (its `rule` and `reason`); the
 * task's priority, due date and suggested action are carried as they become.
 */
export interface FollowUpReasonWithdrawn {
  type: 'FollowUpReasonWithdrawn';
  data: {
    taskId: string;
    customerId: string;
    rule: string;
    lead: { rule: string; reason: string };
    priority: FollowUpPriority;
    dueAt: string;
    suggestedAction: string;
    withdrawnAt: string;
  };
}

export interface FollowUpTaskCompleted {
  type: 'FollowUpTaskCompleted';
  data: {
    taskId: string; customerId: string; note?: string; touchpointId?: string; completedBy: string | null; completedAt: string; automatic: boolean;
    /** Closed because its reasons joined this other open task of the customer (one open follow-up per customer). */
    mergedInto?: string;
  };
}

export interface FollowUpTaskDismissed {
  type: 'FollowUpTaskDismissed';
  data: { taskId: string; customerId: string; reason: string; dismissedBy: string; dismissedAt: string };
}

export interface FollowUpTaskSnoozed {
  type: 'FollowUpTaskSnoozed';
  data: { taskId: string; customerId: string; until: string; snoozedBy: string; snoozedAt: string };
}

export interface FollowUpTaskEscalated {
  type: 'FollowUpTaskEscalated';
  data: { taskId: string; customerId: string; priority: FollowUpPriority; escalatedTo: string | null; escalatedAt: string };
}

export type FollowUpEvent = FollowUpTaskRaised | FollowUpReasonAdded | FollowUpReasonRevised | FollowUpReasonWithdrawn | FollowUpTaskCompleted | FollowUpTaskDismissed | FollowUpTaskSnoozed | FollowUpTaskEscalated;

export type DomainEvent = CustomerEvent | FollowUpEvent;
export type DomainEventType = DomainEvent['type'];

// Audit of users and sessions, on stream `user-<userId>`; the actor is in metadata.actorId.
export interface UserCreated {
  type: 'UserCreated';
  data: { userId: string; email: string; name: string; role: 'admin' | 'team_lead' | 'account_manager' | 'ops'; teamLeadId: string | null };
}

export interface UserChanged {
  type: 'UserChanged';
  data: {
    userId: string;
    changes: { name?: string; role?: 'admin' | 'team_lead' | 'account_manager' | 'ops'; teamLeadId?: string | null; disabled?: boolean };
  };
}

export interface UserLoggedIn {
  type: 'UserLoggedIn';
  data: { userId: string; ip: string | null; at: string };
}

/** A failed login of a known user (unknown e-mails make no stream). The password is never stored. */
export interface UserLoginFailed {
  type: 'UserLoginFailed';
  data: { userId: string; reason: 'wrong_password' | 'disabled'; ip: string | null; at: string };
}

export interface UserLoggedOut {
  type: 'UserLoggedOut';
  data: { userId: string; at: string };
}

export type UserEvent = UserCreated | UserChanged | UserLoggedIn | UserLoginFailed | UserLoggedOut;

/** A snoozed follow-up whose `until` has passed is open again (recorded by the scheduled sweep). */
export interface FollowUpTaskSnoozeEnded {
  type: 'FollowUpTaskSnoozeEnded';
  data: { taskId: string; customerId: string; until: string; endedAt: string };
}

/** The follow-up rules as a whole after an admin changed them (stream `rules`): the audit trail. */
export interface FollowUpRulesChanged {
  type: 'FollowUpRulesChanged';
  data: { rules: unknown; version: number; changedBy: string; changedAt: string };
}

/**
 * The health configuration after an admin changed it (stream `health-config`): the audit trail.
 * `overrides`: the weights and bands over the defaults; `churn`: the churn model's coefficients
 * (null: the defaults), with the backtest they came from when they came from one.
 */
export interface HealthConfigChanged {
  type: 'HealthConfigChanged';
  data: { version: number; part: 'health' | 'churn'; overrides: unknown; churn: unknown; backtest: unknown; changedBy: string; changedAt: string };
}

/** An admin subscribed a URL to outbound webhooks (stream `subscription-<id>`). The secret is never in the log. */
export interface WebhookSubscriptionCreated {
  type: 'WebhookSubscriptionCreated';
  data: { subscriptionId: string; url: string; events: string[]; createdBy: string; createdAt: string };
}

/** An admin removed an outbound webhook subscription; pending deliveries to it are dropped. */
export interface WebhookSubscriptionDeleted {
  type: 'WebhookSubscriptionDeleted';
  data: { subscriptionId: string; deletedBy: string; deletedAt: string };
}

/** Every event the product stores. */
export type StoredDomainEvent = DomainEvent | UserEvent | FollowUpTaskSnoozeEnded | FollowUpRulesChanged | HealthConfigChanged | WebhookSubscriptionCreated | WebhookSubscriptionDeleted;
export type StoredEventType = StoredDomainEvent['type'];

/**
 * A list of event types that the compiler checks against the union `E`: a misspelt or foreign
 * type does not compile. `eventTypesOf<TouchpointRecorded | OutcomeRecorded>()('TouchpointRecorded')`.
 */
export const eventTypesOf =
  <E extends { type: string }>() =>
  <const T extends readonly E['type'][]>(...types: T): T =>
    types;

/** Every type of the union `E`, no more: a type added to `E` and missing here does not compile. */
export const allEventTypesOf =
  <E extends { type: string }>() =>
  <const T extends readonly E['type'][]>(...types: T & ([Exclude<E['type'], T[number]>] extends [never] ? unknown : { missing: Exclude<E['type'], T[number]> })): T =>
    types;

/** The events of a customer's stream. */
export const CUSTOMER_EVENT_TYPES = allEventTypesOf<CustomerEvent>()(
  'CustomerRegistered',
  'CustomerDetailsChanged',
  'AccountManagerAssigned',
  'TouchpointRecorded',
  'OutcomeRecorded',
  'InboundMessageWentUnanswered',
  'RelationshipWentQuiet',
  'HealthBandChanged',
  'AccountManagerPulseRecorded',
);

/** The events of a follow-up task's stream. */
export const TASK_EVENT_TYPES = allEventTypesOf<FollowUpEvent | FollowUpTaskSnoozeEnded>()(
  'FollowUpTaskRaised',
  'FollowUpReasonAdded',
  'FollowUpReasonRevised',
  'FollowUpReasonWithdrawn',
  'FollowUpTaskCompleted',
  'FollowUpTaskDismissed',
  'FollowUpTaskSnoozed',
  'FollowUpTaskSnoozeEnded',
  'FollowUpTaskEscalated',
);
