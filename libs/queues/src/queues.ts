/**
 * One typed map from queue name to job name to payload. Add a queue or a job here first;
 * start-up fails when a job has no processor (see the worker's job registry).
 */
export const QUEUES = {
  /** Follow-up rule evaluation, one job per causing event (job id = event id). */
  followUps: 'follow-ups',
  /** Outbound webhook deliveries. */
  deliveries: 'deliveries',
  /** The silence check (job scheduler `silence-check`): unanswered inbound and quiet relationships. */
  silence: 'silence',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Worker liveness, not a work queue (apps/worker/src/heartbeat): readiness reads the last completed beat. */
export const HEARTBEAT = { queue: 'heartbeat', lastCompletedKey: (prefix: string) => `${prefix}:heartbeat:last-completed` } as const;
