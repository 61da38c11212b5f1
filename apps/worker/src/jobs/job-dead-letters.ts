import type { Job } from 'bullmq';
import type { Queryable } from '../../../../libs/event-store/src/index.js';

/** Copies a finally failed job to Postgres, where ops see it (GET /ops/job-dead-letters). */
export async function recordDeadLetter(db: Queryable, queue: string, job: Job, err: Error, unrecoverable: boolean): Promise<void> {
  await db.query(
    `INSERT INTO job_dead_letters (queue, job_name, job_id, data, reason, attempts, unrecoverable)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (queue, job_id) DO UPDATE SET reason = EXCLUDED.reason, attempts = EXCLUDED.attempts, unrecoverable = EXCLUDED.unrecoverable, created_at = now()`,
    [queue, job.name, String(job.id), JSON.stringify(job.data ?? null), (err?.message ?? String(err)).slice(0, 2000), job.attemptsMade, unrecoverable],
  );
}
