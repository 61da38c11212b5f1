import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { EventStore, type StoredEvent } from '../../../../../libs/event-store/src/index.js';
import type { JobData } from '../../../../../libs/queues/src/index.js';
import { QUEUES } from '../../../../../libs/queues/src/index.js';
import {
  closesOpenTasks,
  computeHealth,
  customerStream,
  evaluateRules,
  type HealthView,
  type RuleContext,
  type ScoredTouchpoint,
  type TaskProposal,
} from '../../../../../libs/relationship/src/index.js';
import { foldCustomer } from '../../../../../libs/relationship/src/history/index.js';
import { Clock, deterministicId, metrics } from '../../../../../libs/shared/src/index.js';
import { escalationTarget, loadRules, loadTask, resolveAssignee, runTaskCommand } from './follow-up.store.js';

type EvaluateJob = JobData<typeof QUEUES.followUps, 'evaluate-event'>;

export interface EvaluateResult {
  raised: string[];
  closed: string[];
  skipped: string[];
  bandChanged: boolean;
}

/** Event types whose arrival can move health (and so the band). */
const HEALTH_MOVERS = new Set(['TouchpointRecorded', 'OutcomeRecorded', 'InboundMessageWentUnanswered', 'RelationshipWentQuiet']);

/**
 * What the follow-up jobs do. Every write is idempotent (deterministic event ids, expected
 * versions, the `open_follow_ups` key), so a job that runs twice — after a crash, a stalled
 * lock or a duplicate enqueue — changes nothing the second time.
 */
@Injectable()
export class FollowUpsService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async evaluateEvent(job: EvaluateJob): Promise<EvaluateResult> {
    return this.ds.transaction(async (tx) => {
      // One job per customer at a time: a transactional and a relational touchpoint processed
      // concurrently would otherwise each miss the other's effect.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [job.customerId]);
      const events = await this.store.readStream(customerStream(job.customerId), {}, tx);
      const idx = events.findIndex((e) => e.id === job.eventId);
      if (idx < 0) throw new UnrecoverableError(`event ${job.eventId} is not in the stream of customer ${job.customerId}`);
      const trigger = events[idx];
      const now = this.clock.now();
      const result: EvaluateResult = { raised: [], closed: [], skipped: [], bandChanged: false };

      const upTo = events.slice(0, idx + 1);
      const after = foldCustomer(upTo);
      const registry = await tx.query(`SELECT name, annual_value FROM customers WHERE id = $1`, [job.customerId]);
      const name = registry[0]?.name ?? after.customer?.name ?? 'the customer';
      const annualValue = registry[0]?.annual_value != null ? Number(registry[0].annual_value) : (after.customer?.annualValue ?? null);

      // Health just before and just after the trigger, both at the trigger's recorded time.
      const at = trigger.recordedAt;
      let healthAfter: HealthView | undefined;
      let healthBefore: HealthView | undefined;
      if (HEALTH_MOVERS.has(trigger.type) && after.input.touchpoints.length > 0) {
        healthAfter = computeHealth(after.input, at);
        const before = foldCustomer(events.slice(0, idx));
        // A first touchpoint gives the customer a band; it does not move one.
        if (before.input.touchpoints.length > 0) healthBefore = computeHealth(before.input, at);
      }
      if (healthBefore && healthAfter && healthBefore.band !== healthAfter.band) {
        const appended = await this.store.append(
          customerStream(job.customerId),
          [{
            id: deterministicId('HealthBandChanged', trigger.id),
            type: 'HealthBandChanged',
            data: { customerId: job.customerId, from: healthBefore.band, to: healthAfter.band, scoreBefore: healthBefore.score, scoreAfter: healthAfter.score, causedBy: trigger.id, observedAt: at.toISOString() },
            metadata: { causationId: trigger.id, correlationId: (trigger.metadata.correlationId as string) ?? trigger.id, actorId: 'worker:follow-ups' },
          }],
          'any',
          tx,
        );
        result.bandChanged = !appended.duplicate;
      }

      const triggerTp = after.input.touchpoints.find((t) => t.eventId === trigger.id);
      const meta = { causationId: trigger.id, correlationId: (trigger.metadata.correlationId as string) ?? trigger.id, actorId: 'worker:follow-ups' };

      // A relational contact by a person closes the customer's open tasks raised before it.
      if (triggerTp && closesOpenTasks(triggerTp)) {
        const open = await tx.query(`SELECT task_id FROM open_follow_ups WHERE customer_id = $1 ORDER BY task_id`, [job.customerId]);
        for (const { task_id: taskId } of open) {
          // Only tasks raised on earlier facts: a retried old job must not close a newer task.
          const { task: current } = await loadTask(this.store, taskId, tx);
          if (!current || !this.causedBefore(current.triggeredBy, events, idx)) continue;
          const { changed } = await runTaskCommand(
            this.store,
            tx,
            taskId,
            { type: 'Complete', touchpointId: triggerTp.touchpoint.id, note: 'Closed automatically: a relational contact by a person followed.', by: null, automatic: true },
            { now, eventId: deterministicId('FollowUpTaskCompleted', taskId, trigger.id), metadata: meta },
          );
          if (changed) result.closed.push(taskId);
        }
      }

      const rules = await loadRules(tx);
      const ctx: RuleContext = {
        customer: { id: job.customerId, name, annualValue },
        trigger: { eventId: trigger.id, type: trigger.type },
        touchpoints: after.input.touchpoints,
        facts: after.input.facts,
        health: {
          before: healthBefore && { score: healthBefore.score, band: healthBefore.band },
          after: healthAfter && { score: healthAfter.score, band: healthAfter.band },
          churnProbability: healthAfter?.churnRisk.probability,
        },
      };
      const proposals = evaluateRules(ctx, rules, now);
      if (proposals.length === 0) return result;

      // Already answered: a relational human contact later in the stream than every trigger.
      const later = foldCustomer(events).input.touchpoints.filter((t) => closesOpenTasks(t));
      let assignee: string | null | undefined;
      for (const p of proposals) {
        if (this.answeredLater(p, later, events)) {
          result.skipped.push(p.rule);
          continue;
        }
        const taskId = deterministicId('follow-up', job.customerId, p.rule, trigger.id);
        const slot = await tx.query(
          `INSERT INTO open_follow_ups (customer_id, rule, task_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING task_id`,
          [job.customerId, p.rule, taskId],
        );
        if (slot.length === 0) {
          result.skipped.push(p.rule); // one open task per customer and rule
          continue;
        }
        assignee = assignee === undefined ? await resolveAssignee(tx, job.customerId) : assignee;
        const { changed } = await runTaskCommand(
          this.store,
          tx,
          taskId,
          { type: 'Raise', taskId, customerId: job.customerId, proposal: p, assigneeId: assignee },
          { now, eventId: deterministicId('FollowUpTaskRaised', taskId), metadata: meta },
        );
        if (!changed) {
          // Re-run of a job whose task was raised and closed since: keep the slot free.
          await tx.query(`DELETE FROM open_follow_ups WHERE task_id = $1`, [taskId]);
          result.skipped.push(p.rule);
          continue;
        }
        result.raised.push(taskId);
        metrics.followUpsRaised.inc({ rule: p.rule });
      }
      return result;
    });
  }

  /** Escalates overdue open tasks and reopens snoozed ones whose time has come. */
  async sweep(limit = 500): Promise<{ escalated: number; woke: number }> {
    const now = this.clock.now();
    const overdue = await this.ds.query(
      `SELECT id, assignee_id FROM follow_ups WHERE status = 'open' AND escalated_at IS NULL AND due_at < $1 ORDER BY due_at LIMIT $2`,
      [now, limit],
    );
    let escalated = 0;
    for (const row of overdue) {
      const to = await escalationTarget(this.ds, row.assignee_id);
      const { changed } = await this.ds.transaction((tx) =>
        runTaskCommand(this.store, tx, row.id, { type: 'Escalate', escalatedTo: to }, { now, eventId: deterministicId('FollowUpTaskEscalated', row.id), metadata: { actorId: 'worker:sweep' } }),
      );
      if (changed) escalated++;
    }
    const snoozed = await this.ds.query(
      `SELECT id, snoozed_until FROM follow_ups WHERE status = 'snoozed' AND snoozed_until <= $1 ORDER BY snoozed_until LIMIT $2`,
      [now, limit],
    );
    let woke = 0;
    for (const row of snoozed) {
      const until = new Date(row.snoozed_until).toISOString();
      const { changed } = await this.ds.transaction((tx) =>
        runTaskCommand(this.store, tx, row.id, { type: 'EndSnooze' }, { now, eventId: deterministicId('FollowUpTaskSnoozeEnded', row.id, until), metadata: { actorId: 'worker:sweep' } }),
      );
      if (changed) woke++;
    }
    return { escalated, woke };
  }

  private causedBefore(triggeredBy: string[], events: StoredEvent[], idx: number): boolean {
    const pos = new Map(events.map((e, i) => [e.id, i]));
    return triggeredBy.every((id) => (pos.get(id) ?? -1) < idx);
  }

  private answeredLater(p: TaskProposal, relationalHuman: ScoredTouchpoint[], events: StoredEvent[]): boolean {
    const pos = new Map(events.map((e, i) => [e.id, i]));
    const lastTrigger = Math.max(...p.triggeredBy.map((id) => pos.get(id) ?? -1));
    return relationalHuman.some((t) => (pos.get(t.eventId) ?? -1) > lastTrigger);
  }
}

