import { QUEUES } from './queues.js';

/**
 * The typed job map: queue → job name → payload. A processor registry in the worker checks at
 * start-up that each job here has exactly one processor.
 */
export interface JobMap {
  [QUEUES.followUps]: {
    /** Evaluate the follow-up rules for the customer after one event (job id = event id). */
    'evaluate-event': { eventId: string; customerId: string; type: string; streamVersion: number };
    /** Scheduled: escalate overdue tasks, end snoozes that ran out. */
    'follow-up-sweep': { reason?: string };
  };
  /**
   * One outbound webhook delivery per (subscription, event); job id = webhook id. Ids only: the
   * worker builds what it signs from the stored event and the subscription (a job added by hand
   * cannot make it sign anything else), and the secret is read from Postgres, never carried in Redis.
   */
  [QUEUES.deliveries]: { 'deliver-webhook': { subscriptionId: string; eventId: string; streamId: string; streamVersion: number; webhookId: string } };
  /** Scheduled (`SILENCE_CHECK_CRON`): record what time alone made true (unanswered inbound, quiet relationships). */
  [QUEUES.silence]: { 'silence-check': Record<string, never> };
}

export type JobQueue = keyof JobMap;
export type JobName<Q extends JobQueue> = keyof JobMap[Q] & string;
export type JobData<Q extends JobQueue, N extends JobName<Q>> = JobMap[Q][N];

/** The job names per queue at run time (the type above cannot be enumerated). */
export const JOB_NAMES: { [Q in JobQueue]: readonly JobName<Q>[] } = {
  [QUEUES.followUps]: ['evaluate-event', 'follow-up-sweep'],
  [QUEUES.deliveries]: ['deliver-webhook'],
  [QUEUES.silence]: ['silence-check'],
};
