import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { EventStore, type Queryable, type StoredEvent } from '../../../../../libs/event-store/src/index.js';
import type { JobData } from '../../../../../libs/queues/src/index.js';
import { QUEUES } from '../../../../../libs/queues/src/index.js';
import {
  closesOpenTasks,
  computeHealth,
  customerStream,
  decide,
  evaluateRules,
  followUpStream,
  type FollowUpRules,
  type HealthView,
  type RuleContext,
  type ScoredTouchpoint,
} from '../../../../../libs/relationship/src/index.js';
import { foldIncrementally, type CustomerFold } from '../../../../../libs/relationship/src/history/index.js';
import { Clock, deterministicId, metrics } from '../../../../../libs/shared/src/index.js';
import { escalationTarget, firstAdmin, loadRegistry, loadRules, loadTask, resolveAssignee, runTaskCommand, type RegistryEntry } from './follow-up.store.js';

type EvaluateJob = JobData<typeof QUEUES.followUps, 'evaluate-event'>;

export interface EvaluateResult {
  raised: string[];
  closed: string[];
  skipped: string[];
  bandChanged: boolean;
}

export type EvaluateOutcome = { ok: true; result: EvaluateResult } | { ok: false; error: Error };

/** What the items of one batch share: read once per transaction. */
interface BatchShared {
  rules: FollowUpRules;
  registry: Map<string, RegistryEntry>;
  now: Date;
  /** The first admin, looked up on first need (unassigned customers). */
  admin: string | null | undefined;
}

/** One customer's stream as read under its lock, and the last fold made of a prefix of it. */
interface CustomerState {
  customerId: string;
  events: StoredEvent[];
  pos: Map<string, number>;
  prefix: { n: number; fold: CustomerFold } | undefined;
  /** The relational human touchpoints of the whole stream (computed on first need). */
  whole: ScoredTouchpoint[] | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

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

  /** One event on its own (tests, tools); the queue goes through `evaluateBatch`. */
  async evaluateEvent(job: EvaluateJob): Promise<EvaluateResult> {
    const [outcome] = await this.evaluateBatch([job]);
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /**
   * Evaluates several events (of one or many customers) in ONE transaction: one lock statement,
   * one rules read, one customer/assignee read, one stream read per customer, and one
   * incremental fold per customer, instead of all of that per event. Each event is still
   * evaluated on its own stream prefix, exactly as alone, in stream order per customer.
   * An event that is not in its customer's stream is that item's UnrecoverableError; when the
   * transaction itself fails, every item is tried again on its own, so one bad item never
   * fails the others.
   */
  async evaluateBatch(jobs: EvaluateJob[]): Promise<EvaluateOutcome[]> {
    if (jobs.length === 0) return [];
    try {
      return await this.ds.transaction((tx) => this.evaluateIn(tx, jobs));
    } catch (err) {
      if (jobs.length === 1) return [{ ok: false, error: asError(err) }];
      const outcomes: EvaluateOutcome[] = [];
      for (const job of jobs) {
        try {
          outcomes.push((await this.ds.transaction((tx) => this.evaluateIn(tx, [job])))[0]);
        } catch (e) {
          outcomes.push({ ok: false, error: asError(e) });
        }
      }
      return outcomes;
    }
  }

  private async evaluateIn(tx: Queryable, jobs: EvaluateJob[]): Promise<EvaluateOutcome[]> {
    const customerIds = [...new Set(jobs.map((j) => j.customerId))].sort();
    // One evaluation per customer at a time: a transactional and a relational touchpoint
    // processed concurrently would otherwise each miss the other's effect. Locks are taken in
    // one sorted order, so two batches sharing customers cannot deadlock.
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(c, 7)) FROM (SELECT c FROM unnest($1::text[]) AS c ORDER BY c OFFSET 0) AS s`,
      [customerIds],
    );
    const rules = await loadRules(tx);
    const registry = await loadRegistry(tx, customerIds.filter((c) => UUID.test(c)));
    const now = this.clock.now();
    const outcomes: EvaluateOutcome[] = new Array(jobs.length);
    const shared: BatchShared = { rules, registry, now, admin: undefined };

    // Every read before the first write: the transaction takes its xid only with that write,
    // and each commit-safe reader (the relay, the projections) waits for open xids.
    const streams = new Map<string, StoredEvent[]>();
    for (const customerId of customerIds) streams.set(customerId, await this.store.readStream(customerStream(customerId), {}, tx));

    for (const customerId of customerIds) {
      const events = streams.get(customerId)!;
      const pos = new Map(events.map((e, i) => [e.id, i]));
      // This customer's items in stream order, so each fold extends the previous one.
      const items = jobs
        .map((job, i) => ({ job, i, idx: job.customerId === customerId ? (pos.get(job.eventId) ?? -1) : -2 }))
        .filter((x) => x.idx !== -2)
        .sort((a, b) => a.idx - b.idx);
      const state: CustomerState = { customerId, events, pos, prefix: undefined, whole: undefined };
      for (const { job, i, idx } of items) {
        if (idx < 0) {
          outcomes[i] = { ok: false, error: new UnrecoverableError(`event ${job.eventId} is not in the stream of customer ${job.customerId}`) };
          continue;
        }
        outcomes[i] = { ok: true, result: await this.evaluateOne(tx, state, idx, shared) };
      }
    }
    return outcomes;
  }

  /** The rules after the event at `idx` of the customer's stream (read under the customer's lock). */
  private async evaluateOne(tx: Queryable, state: CustomerState, idx: number, shared: BatchShared): Promise<EvaluateResult> {
    const { customerId, events } = state;
    const trigger = events[idx];
    const now = shared.now;
    const result: EvaluateResult = { raised: [], closed: [], skipped: [], bandChanged: false };

    // Folds of the prefix before and up to the trigger, each reusing the scores of the last fold.
    const before = this.foldPrefix(state, idx);
    const after = this.foldPrefix(state, idx + 1);
    const reg = shared.registry.get(customerId.toLowerCase());
    const name = reg?.name ?? after.customer?.name ?? 'the customer';
    const annualValue = reg?.annualValue != null ? reg.annualValue : (after.customer?.annualValue ?? null);

    // Health just before and just after the trigger, both at the trigger's recorded time.
    const at = trigger.recordedAt;
    let healthAfter: HealthView | undefined;
    let healthBefore: HealthView | undefined;
    if (HEALTH_MOVERS.has(trigger.type) && after.input.touchpoints.length > 0) {
      healthAfter = computeHealth(after.input, at);
      // A first touchpoint gives the customer a band; it does not move one.
      if (before.input.touchpoints.length > 0) healthBefore = computeHealth(before.input, at);
    }
    if (healthBefore && healthAfter && healthBefore.band !== healthAfter.band) {
      // Appended at the end of the stream: the positions of the events read above stay valid.
      const appended = await this.store.append(
        customerStream(customerId),
        [{
          id: deterministicId('HealthBandChanged', trigger.id),
          type: 'HealthBandChanged',
          data: { customerId, from: healthBefore.band, to: healthAfter.band, scoreBefore: healthBefore.score, scoreAfter: healthAfter.score, causedBy: trigger.id, observedAt: at.toISOString() },
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
      const open = await tx.query(`SELECT task_id FROM open_follow_ups WHERE customer_id = $1 ORDER BY task_id`, [customerId]);
      for (const { task_id: taskId } of open) {
        // Only tasks raised on earlier facts: a retried old job must not close a newer task.
        const { task: current } = await loadTask(this.store, taskId, tx);
        if (!current || !current.triggeredBy.every((id) => (state.pos.get(id) ?? -1) < idx)) continue;
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

    const ctx: RuleContext = {
      customer: { id: customerId, name, annualValue },
      trigger: { eventId: trigger.id, type: trigger.type },
      touchpoints: after.input.touchpoints,
      facts: after.input.facts,
      health: {
        before: healthBefore && { score: healthBefore.score, band: healthBefore.band },
        after: healthAfter && { score: healthAfter.score, band: healthAfter.band },
        churnProbability: healthAfter?.churnRisk.probability,
      },
    };
    const proposals = evaluateRules(ctx, shared.rules, now);
    if (proposals.length === 0) return result;

    // Already answered: a relational human contact later in the stream than every trigger.
    state.whole ??= this.foldPrefix(state, events.length, false).input.touchpoints.filter((t) => closesOpenTasks(t));
    const later = state.whole;
    for (const p of proposals) {
      const lastTrigger = Math.max(...p.triggeredBy.map((id) => state.pos.get(id) ?? -1));
      if (later.some((t) => (state.pos.get(t.eventId) ?? -1) > lastTrigger)) {
        result.skipped.push(p.rule);
        continue;
      }
      const taskId = deterministicId('follow-up', customerId, p.rule, trigger.id);
      const slot = await tx.query(
        `INSERT INTO open_follow_ups (customer_id, rule, task_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING task_id`,
        [customerId, p.rule, taskId],
      );
      if (slot.length === 0) {
        result.skipped.push(p.rule); // one open task per customer and rule
        continue;
      }
      const assignee = reg ? (reg.assignee ?? (shared.admin ??= await firstAdmin(tx))) : await resolveAssignee(tx, customerId);
      // The raise's event id is deterministic, so a task stream that exists already holds it:
      // appending with 'no_stream' then answers "duplicate" (a re-run), without reading the stream first.
      const raised = decide({ type: 'Raise', taskId, customerId, proposal: p, assigneeId: assignee }, null, { now, eventId: deterministicId('FollowUpTaskRaised', taskId) });
      const appended = await this.store.append(
        followUpStream(taskId),
        raised.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: meta })),
        'no_stream',
        tx,
      );
      if (appended.duplicate) {
        // Re-run of a job whose task was raised and closed since (an open one would have kept
        // its slot): keep the slot free.
        await tx.query(`DELETE FROM open_follow_ups WHERE task_id = $1`, [taskId]);
        result.skipped.push(p.rule);
        continue;
      }
      result.raised.push(taskId);
      metrics.followUpsRaised.inc({ rule: p.rule });
    }
    return result;
  }

  /**
   * The fold of the stream's first `n` events (the projection's own fold function), reusing the
   * scores of the customer's last fold when that was of a prefix of them. `keep: false` for a
   * one-off fold that must not replace the prefix the next item extends.
   */
  private foldPrefix(state: CustomerState, n: number, keep = true): CustomerFold {
    const prev = state.prefix;
    if (prev && prev.n === n) return prev.fold;
    const fold = foldIncrementally(state.events.slice(0, n), prev && prev.n <= n ? { scored: prev.fold.scored, version: prev.n } : undefined);
    if (keep) state.prefix = { n, fold };
    return fold;
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
}
