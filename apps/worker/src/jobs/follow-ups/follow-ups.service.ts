import { Inject, Injectable, Optional } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { alreadyDecided, EventStore, type DecidedEvent, type Queryable } from '../../../../../libs/event-store/src/index.js';
import type { JobData } from '../../../../../libs/queues/src/index.js';
import { QUEUES } from '../../../../../libs/queues/src/index.js';
import {
  churnedAt as leftAt,
  bandRecovered,
  closesOpenTasks,
  combineReasons,
  computeHealth,
  CustomerFoldState,
  customerStream,
  decide,
  decideFollowUp,
  evaluateRules,
  evolve,
  followUpStream,
  occurredMsOf,
  PRIORITIES,
  rejudgeReason,
  type CustomerFold,
  type FollowUpMemory,
  type FollowUpReason,
  type FollowUpRules,
  type FollowUpTask,
  type HealthConfig,
  type HealthView,
  type ReasonJoin,
  type RelationalScore,
  type RuleContext,
  type ScoredTouchpoint,
} from '../../../../../libs/relationship/src/index.js';
import { loadHealthConfig, StreamCache, type CachedEvent } from '../../../../../libs/read-models/src/index.js';
import { APP_CONFIG, Clock, deterministicId, metrics, type AppConfig } from '../../../../../libs/shared/src/index.js';
import { escalationTarget, firstAdmin, loadFollowUpCustomers, loadRegistry, loadRules, loadTask, resolveAssignee, runTaskCommand, type RegistryEntry } from './follow-up.store.js';

type EvaluateJob = JobData<typeof QUEUES.followUps, 'evaluate-event'>;

export interface EvaluateResult {
  raised: string[];
  /** Tasks a reason joined. */
  joined: string[];
  closed: string[];
  skipped: string[];
  bandChanged: boolean;
}

export type EvaluateOutcome = { ok: true; result: EvaluateResult } | { ok: false; error: Error };

/** What the items of one batch share: read once per transaction. */
interface BatchShared {
  rules: FollowUpRules;
  /** The health configuration in force (the projection's). */
  health: HealthConfig;
  registry: Map<string, RegistryEntry>;
  now: Date;
  /** The first admin, looked up on first need (unassigned customers). */
  admin: string | null | undefined;
  /** More than one item: see `flush`. */
  batched: boolean;
  /** Per customer of the batch: its one open follow-up and what closed ones left behind. */
  slots: Map<string, Slot>;
  /** Decided, not yet written (see `flush`). */
  writes: {
    bands: { customerId: string; event: DecidedEvent; result: EvaluateResult }[];
    raises: { customerId: string; rule: string; taskId: string; events: DecidedEvent[]; result: EvaluateResult }[];
  };
}

/** Thrown to roll a batch back and evaluate its items one transaction each. */
class RedoAlone extends Error {}

/** A customer's follow-up state in a batch (read under the customer's lock, kept up to date by the batch). */
interface Slot {
  openTaskId: string | null;
  /** The open task as folded (undefined: not loaded yet). */
  task?: FollowUpTask | null;
  memory: FollowUpMemory;
}

/** One customer's stream as read under its lock. */
interface LockedStream {
  customerId: string;
  events: CachedEvent[];
  pos: Map<string, number>;
  /** The relational human touchpoints of the whole stream (computed on first need). */
  whole: ScoredTouchpoint[] | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * The fold of the whole stream when the fold of its first `version` events is at hand (`scored`):
 * the prefix takes those scores as they are, the rest is folded as a batch is, so it rescores the
 * earlier touchpoints it changes (a reply, a late arrival, a fact). Same fold as a full one.
 */
function wholeStream(events: readonly CachedEvent[], version: number, scored: ReadonlyMap<string, RelationalScore>): CustomerFold {
  const state = new CustomerFoldState();
  state.extend(events.slice(0, version), scored);
  state.extend(events.slice(version));
  return state.fold();
}

/** An event's business time: a touchpoint's or outcome's occurredAt, a fact's observation, else when it was recorded. */
function businessTimeOf(e: CachedEvent): string {
  const d = e.data as any;
  const t = d?.occurredAt ?? d?.observedAt ?? (e.metadata as any)?.occurredAt;
  return typeof t === 'string' ? t : e.recordedAt.toISOString();
}

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
  /**
   * Customers' streams and folds kept between evaluations (READ_MODEL_CACHE_EVENTS, like the
   * projections' own cache in their process): an evaluation reads only the events its customer
   * got since the last one and folds only those, instead of reading and scoring the whole
   * stream every time. Only committed events (read under the customer's lock) go in.
   */
  private readonly cache: StreamCache;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.cache = new StreamCache(store, config?.READ_MODEL_CACHE_EVENTS ?? 100_000);
  }

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
      return await this.store.transaction((tx) => this.evaluateIn(tx, jobs));
    } catch (err) {
      if (jobs.length === 1) return [{ ok: false, error: asError(err) }];
      const outcomes: EvaluateOutcome[] = [];
      for (const job of jobs) {
        try {
          outcomes.push((await this.store.transaction((tx) => this.evaluateIn(tx, [job])))[0]);
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
    const health = (await loadHealthConfig(tx)).config;
    const registry = await loadRegistry(tx, customerIds.filter((c) => UUID.test(c)));
    const now = this.clock.now();
    const outcomes: EvaluateOutcome[] = new Array(jobs.length);
    // Every read before the first write: the transaction takes its xid only with that write,
    // and each commit-safe reader (the relay, the projections) waits for open xids.
    const byStream = await this.cache.loadLatest(tx, customerIds.map((c) => customerStream(c)));
    const streams = new Map(customerIds.map((c) => [c, byStream.get(customerStream(c)) ?? []]));
    const slots = new Map<string, Slot>(await loadFollowUpCustomers(tx, customerIds.filter((c) => UUID.test(c))));
    const shared: BatchShared = { rules, health, registry, now, admin: undefined, slots, writes: { bands: [], raises: [] }, batched: jobs.length > 1 };

    for (const customerId of customerIds) {
      const events = streams.get(customerId)!;
      const pos = new Map(events.map((e, i) => [e.id, i]));
      // This customer's items in stream order, so each fold extends the previous one.
      const items = jobs
        .map((job, i) => ({ job, i, idx: job.customerId === customerId ? (pos.get(job.eventId) ?? -1) : -2 }))
        .filter((x) => x.idx !== -2)
        .sort((a, b) => a.idx - b.idx);
      const state: LockedStream = { customerId, events, pos, whole: undefined };
      for (const { job, i, idx } of items) {
        if (idx < 0) {
          outcomes[i] = { ok: false, error: new UnrecoverableError(`event ${job.eventId} is not in the stream of customer ${job.customerId}`) };
          continue;
        }
        outcomes[i] = { ok: true, result: await this.evaluateOne(tx, state, idx, shared) };
      }
    }
    await this.flush(tx, shared);
    return outcomes;
  }

  /**
   * Writes what the items decided since the last flush in two statements: the customers' open
   * slots (one open follow-up per customer), then the band changes and the raises (one
   * statement; a raise's event id is deterministic, so a task raised before comes back as a
   * duplicate and gives its slot back).
   */
  private async flush(tx: Queryable, shared: BatchShared): Promise<void> {
    const { bands, raises } = shared.writes;
    shared.writes = { bands: [], raises: [] };
    let acquired = raises;
    if (raises.length > 0) {
      const got = new Set<string>(
        (await tx.query(
          `INSERT INTO follow_up_customers AS f (customer_id, open_task_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])
           ON CONFLICT (customer_id) DO UPDATE SET open_task_id = EXCLUDED.open_task_id WHERE f.open_task_id IS NULL
           RETURNING open_task_id::text AS t`,
          [raises.map((r) => r.customerId), raises.map((r) => r.taskId)],
        )).map((r: any) => r.t),
      );
      acquired = raises.filter((r) => got.has(r.taskId));
      for (const r of raises) {
        if (got.has(r.taskId)) continue;
        r.result.skipped.push(r.rule); // the customer has an open follow-up already
        this.freeSlot(shared, r.customerId, r.taskId);
      }
    }
    if (bands.length + acquired.length === 0) return;
    // Each event carries its own trigger's causation and correlation and the worker as actor;
    // the context adds none, so an event without them is refused.
    const { events: results } = await this.store.handle(
      undefined,
      alreadyDecided,
      [...bands.map((b) => ({ ...b.event, streamId: customerStream(b.customerId) })), ...acquired.flatMap((r) => r.events.map((e) => ({ ...e, streamId: followUpStream(r.taskId) })))],
      { correlationId: '', actorId: '', tx },
    );
    bands.forEach((b, i) => (b.result.bandChanged = !results[i].duplicate));
    const freed: string[] = [];
    let k = bands.length;
    for (const r of acquired) {
      const duplicate = results[k].duplicate;
      k += r.events.length;
      if (duplicate) {
        // Re-run of a job whose task was raised and closed since (an open one would have kept
        // its slot): the slot stays free. A later item of this batch may have been refused that
        // slot in the meantime, so a batch redoes its items one by one (rare: re-runs only).
        if (shared.batched) throw new RedoAlone();
        freed.push(r.taskId);
        r.result.skipped.push(r.rule);
        this.freeSlot(shared, r.customerId, r.taskId);
        continue;
      }
      r.result.raised.push(r.taskId);
      metrics.followUpsRaised.inc({ rule: r.rule });
    }
    if (freed.length > 0) await tx.query(`UPDATE follow_up_customers SET open_task_id = NULL WHERE open_task_id = ANY($1::uuid[])`, [freed]);
  }

  private freeSlot(shared: BatchShared, customerId: string, taskId: string): void {
    const slot = shared.slots.get(customerId.toLowerCase());
    if (slot?.openTaskId === taskId) {
      slot.openTaskId = null;
      slot.task = null;
    }
  }

  /** The rules after the event at `idx` of the customer's stream (read under the customer's lock). */
  private async evaluateOne(tx: Queryable, state: LockedStream, idx: number, shared: BatchShared): Promise<EvaluateResult> {
    const { customerId, events } = state;
    const trigger = events[idx];
    const now = shared.now;
    const result: EvaluateResult = { raised: [], joined: [], closed: [], skipped: [], bandChanged: false };

    // The customer's fold before the trigger, then extended by it (the cached fold state: only
    // what arrived since the last evaluation is folded). A fold view is only valid until the
    // state is extended again, so what is needed of "before" is taken first.
    const stream = customerStream(customerId);
    const before = this.cache.foldState(stream, events, idx).fold();
    const hadTouchpoints = before.input.touchpoints.length > 0;
    // Health just before and just after the trigger, both at the trigger's recorded time.
    const at = trigger.recordedAt;
    const moves = HEALTH_MOVERS.has(trigger.type);
    // A first touchpoint gives the customer a band; it does not move one.
    const healthBefore: HealthView | undefined = moves && hadTouchpoints ? computeHealth(before.input, at, shared.health) : undefined;
    const after = this.cache.foldState(stream, events, idx + 1).fold();
    const reg = shared.registry.get(customerId.toLowerCase());
    const name = reg?.name ?? after.customer?.name ?? 'the customer';
    const annualValue = reg?.annualValue != null ? reg.annualValue : (after.customer?.annualValue ?? null);
    const renewalDate = reg ? reg.renewalDate : (after.customer?.renewalDate ?? null);
    const healthAfter: HealthView | undefined = moves && after.input.touchpoints.length > 0 ? computeHealth(after.input, at, shared.health) : undefined;
    if (healthBefore && healthAfter && healthBefore.band !== healthAfter.band) {
      // Written at the flush, at the end of the stream: the positions read above stay valid.
      shared.writes.bands.push({
        customerId,
        result,
        event: {
          id: deterministicId('HealthBandChanged', trigger.id),
          type: 'HealthBandChanged',
          data: { customerId, from: healthBefore.band, to: healthAfter.band, scoreBefore: healthBefore.score, scoreAfter: healthAfter.score, causedBy: trigger.id, observedAt: at.toISOString() },
          metadata: { causationId: trigger.id, correlationId: (trigger.metadata.correlationId as string) ?? trigger.id, actorId: 'worker:follow-ups' },
        },
      });
    }

    const triggerTp = after.input.touchpoints.find((t) => t.eventId === trigger.id);
    const meta = { causationId: trigger.id, correlationId: (trigger.metadata.correlationId as string) ?? trigger.id, actorId: 'worker:follow-ups' };

    const key = customerId.toLowerCase();
    let slot = shared.slots.get(key);
    if (!slot) shared.slots.set(key, (slot = { openTaskId: null, task: null, memory: { lastClosedAt: null, dismissed: {} } }));
    if (slot.openTaskId && slot.task === undefined) slot.task = (await loadTask(this.store, slot.openTaskId, tx)).task;
    // A slot whose task is closed (a row of before the upgrade) holds nothing.
    const open = slot.task && (slot.task.status === 'open' || slot.task.status === 'snoozed') ? slot.task : null;

    // The customer's latest outcome decides whether they are still a customer to keep.
    const churnedAt = leftAt(after.input.outcomes);

    const ctx: RuleContext = {
      customer: { id: customerId, name, annualValue, renewalDate },
      trigger: { eventId: trigger.id, type: trigger.type, occurredAt: businessTimeOf(trigger) },
      touchpoints: after.input.touchpoints,
      facts: after.input.facts,
      health: {
        before: healthBefore && { score: healthBefore.score, band: healthBefore.band },
        after: healthAfter && { score: healthAfter.score, band: healthAfter.band },
        churnProbability: healthAfter?.churnRisk.probability,
      },
      churnedAt,
    };
    const findings = evaluateRules(ctx, shared.rules, now);

    // Already answered: a relational human contact later in the stream than every trigger.
    // Usually the trigger is the stream's last event and nothing is later; else a one-off fold
    // state of the whole stream (the cached one stays at the trigger): its prefix takes the
    // scores just computed, the rest is folded as any batch is (rescoring what it changes).
    const answered = new Set<string>();
    if (findings.length > 0) {
      state.whole ??= idx + 1 === events.length ? [] : wholeStream(events, idx + 1, after.scored).input.touchpoints.filter((t) => closesOpenTasks(t));
      const later = state.whole;
      for (const p of findings) {
        const lastTrigger = Math.max(...p.triggeredBy.map((id) => state.pos.get(id) ?? -1));
        const evidenceMs = Date.parse(p.evidenceAt);
        // Recorded later and not older than the evidence: an imported call of months ago answers nothing newer.
        if (later.some((t) => (state.pos.get(t.eventId) ?? -1) > lastTrigger && occurredMsOf(t) >= evidenceMs)) answered.add(p.rule);
      }
    }
    // A person's relational contact answers the open task when it came after all the task rests on:
    // later in the stream (a retried old job must not close a newer task) and in business time (an
    // imported call of months ago is history, not the answer to today's contacts).
    const afterTriggers = !!(open && triggerTp && open.triggeredBy.every((id) => (state.pos.get(id) ?? -1) < idx));
    const evidence = new Set(open?.triggeredBy ?? []);
    const newest = afterTriggers ? Math.max(-Infinity, ...after.input.touchpoints.filter((t) => evidence.has(t.eventId)).map(occurredMsOf)) : Infinity;
    const answersOpen = afterTriggers && closesOpenTasks(triggerTp!) && occurredMsOf(triggerTp!) >= newest;
    // A touchpoint recorded late (after the task, but occurring before what it rests on) may show
    // a silence to have been shorter, or to have begun later, than a reason says: the open task's
    // reasons are judged again on what is known now. Only then — a change of the rules' settings
    // alone rewrites no task.
    const late = afterTriggers && !answersOpen && occurredMsOf(triggerTp!) < newest;
    const judged = late ? open!.reasons.map((r) => ({ r, j: rejudgeReason(r, ctx, shared.rules, now) })) : [];
    const revised = judged.flatMap(({ r, j }) => (j.holds && j.revised ? [{ ...r, ...j.revised }] : []));
    // Reasons that stopped holding: a silence a late contact broke, a band drop health has come back from.
    const quietBroken = new Set(judged.flatMap(({ r, j }) => (j.holds ? [] : [r.rule])));
    // Only health after the drop speaks for it: a re-run of an older job sees health as it was then.
    const afterDrop = (r: FollowUpReason) => r.triggeredBy.length > 0 && r.triggeredBy.every((id) => (state.pos.get(id) ?? Infinity) < idx);
    const recovered = new Set(open && healthAfter ? open.reasons.filter((r) => afterDrop(r) && bandRecovered(r, healthAfter.band)).map((r) => r.rule) : []);
    const gone = new Set([...quietBroken, ...recovered]);
    const noLongerHolds = !!open && gone.size > 0 && open.reasons.every((r) => gone.has(r.rule));
    const withdrawn = noLongerHolds ? [] : [...gone];
    // The silence check past a further threshold (60 days after 30) rewords an open silence task; a newsletter finding it again does not.
    const deepens = trigger.type === 'RelationshipWentQuiet';
    const decision = decideFollowUp({ now, open, memory: slot.memory, answersOpen, noLongerHolds, revised, withdrawn, deepens, churned: churnedAt !== null, findings, answered, rules: shared.rules });
    for (const s of decision.skipped) result.skipped.push(s.rule);

    if (decision.close || decision.join || decision.revise || decision.withdraw) await this.flush(tx, shared); // a task raised in this batch must be stored first
    // A reason joined or reworded, one event each (deterministic ids: a re-run job changes nothing); true when one was stored.
    const putReasons = async (type: 'AddReason' | 'ReviseReason', taskId: string, joins: readonly ReasonJoin[]) => {
      let stored = false;
      for (const join of joins) {
        const event = type === 'AddReason' ? 'FollowUpReasonAdded' : 'FollowUpReasonRevised';
        const { task, changed } = await runTaskCommand(this.store, tx, taskId, { type, join }, { now, eventId: deterministicId(event, taskId, join.reason.rule, trigger.id), by: meta });
        if (task) slot.task = task;
        stored ||= changed;
      }
      return stored;
    };
    if (decision.revise && slot.openTaskId === decision.revise.taskId) await putReasons('ReviseReason', decision.revise.taskId, decision.revise.joins);
    if (decision.withdraw && slot.openTaskId === decision.withdraw.taskId) {
      for (const withdrawal of decision.withdraw.withdrawals) {
        const eventId = deterministicId('FollowUpReasonWithdrawn', decision.withdraw.taskId, withdrawal.rule, trigger.id);
        const { task } = await runTaskCommand(this.store, tx, decision.withdraw.taskId, { type: 'WithdrawReason', withdrawal }, { now, eventId, by: meta });
        if (task) slot.task = task;
      }
    }
    if (decision.close && slot.openTaskId === decision.close.taskId) {
      const answeredBy = decision.close.why === 'answered';
      const { changed } = await runTaskCommand(
        this.store,
        tx,
        decision.close.taskId,
        {
          type: 'Complete',
          ...(answeredBy ? { touchpointId: triggerTp!.touchpoint.id } : {}),
          note: answeredBy
            ? 'Closed automatically: a relational contact by a person followed.'
            : decision.close.why === 'no_longer_holds'
              ? `Closed automatically: ${[
                  ...(quietBroken.size > 0 ? ['a relational contact recorded later falls in the quiet period the task was about'] : []),
                  ...(recovered.size > 0 ? [`relationship health is back to ${healthAfter!.band}`] : []),
                ].join('; ')}.`
              : 'Closed automatically: the customer has left.',
          by: null,
          automatic: true,
        },
        { now, eventId: deterministicId('FollowUpTaskCompleted', decision.close.taskId, trigger.id), by: meta },
      );
      if (changed) result.closed.push(decision.close.taskId);
      slot.openTaskId = null;
      slot.task = null;
      slot.memory = { ...slot.memory, lastClosedAt: now.toISOString() };
    }
    if (decision.join && slot.openTaskId === decision.join.taskId) {
      if ((await putReasons('AddReason', decision.join.taskId, decision.join.joins)) && !result.joined.includes(decision.join.taskId)) result.joined.push(decision.join.taskId);
    }
    if (decision.open) {
      const p = decision.open.proposal;
      const taskId = deterministicId('follow-up', customerId, p.rule, trigger.id);
      // Looked up once per batch, also when there is no admin (null): `??=` would ask again for every raise.
      if (reg && reg.assignee == null && shared.admin === undefined) shared.admin = await firstAdmin(tx);
      const assignee = reg ? (reg.assignee ?? shared.admin ?? null) : await resolveAssignee(tx, customerId);
      // A new task stream: the raise's event id is deterministic, so a stream that exists already
      // holds it and the flush's append answers "duplicate" (a re-run).
      const raised = decide({ type: 'Raise', taskId, customerId, proposal: p, assigneeId: assignee, reasons: decision.open.reasons }, null, { now, eventId: deterministicId('FollowUpTaskRaised', taskId) });
      shared.writes.raises.push({ customerId, rule: p.rule, taskId, result, events: raised.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: meta })) });
      slot.openTaskId = taskId;
      slot.task = raised.reduce(evolve, null as FollowUpTask | null);
    }
    return result;
  }

  /**
   * The upgrade to one open follow-up per customer, in place and through events: a customer's
   * other open tasks (the per-rule slots of before) are closed as merged into their oldest one,
   * their reasons joined to it. Idempotent (deterministic ids, the slots shrink as it goes), so
   * every start of a jobs worker may run it; a rebuild of the read models replays the same events.
   * One transaction per customer: a customer that fails (counted in `failed`, told to `onError`)
   * keeps its slots for the next start and holds up none of the others.
   */
  async mergeOpenTasks(now = this.clock.now(), onError?: (customerId: string, err: unknown) => void): Promise<{ customers: number; merged: number; failed: number }> {
    const rows: { c: string; t: string }[] = await this.ds.query(
      `SELECT o.customer_id::text AS c, o.task_id::text AS t FROM open_follow_ups o ORDER BY o.customer_id, o.raised_at, o.task_id`,
    );
    const byCustomer = new Map<string, string[]>();
    for (const r of rows) byCustomer.set(r.c, [...(byCustomer.get(r.c) ?? []), r.t]);
    let merged = 0;
    let failed = 0;
    for (const [customerId, legacy] of byCustomer) {
      const by = { correlationId: deterministicId('follow-up-merge', customerId), actorId: 'worker:follow-ups-upgrade' };
      merged += await this.store.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [customerId]);
        const slot = (await loadFollowUpCustomers(tx, [customerId])).get(customerId.toLowerCase());
        const candidates = [...new Set([...(slot?.openTaskId ? [slot.openTaskId] : []), ...legacy])];
        const tasks: FollowUpTask[] = [];
        for (const id of candidates) {
          const { task } = await loadTask(this.store, id, tx);
          if (task && (task.status === 'open' || task.status === 'snoozed')) tasks.push(task);
        }
        let n = 0;
        if (tasks.length > 0) {
          // The customer's slot if it holds an open task, else the oldest open one.
          let survivor = tasks.find((t) => t.id === slot?.openTaskId) ?? [...tasks].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))[0];
          await tx.query(
            `INSERT INTO follow_up_customers AS f (customer_id, open_task_id) VALUES ($1, $2) ON CONFLICT (customer_id) DO UPDATE SET open_task_id = EXCLUDED.open_task_id`,
            [customerId, survivor.id],
          );
          for (const extra of tasks) {
            if (extra.id === survivor.id) continue;
            for (const r of extra.reasons) {
              if (survivor.reasons.some((x) => x.rule === r.rule)) continue;
              const reasons = [...survivor.reasons, r];
              const combined = combineReasons(reasons);
              // A merged task that had been escalated brings its escalation along (its reasons do not carry it).
              const priority = PRIORITIES[Math.max(PRIORITIES.indexOf(combined.priority), PRIORITIES.indexOf(extra.priority))] ?? combined.priority;
              const { task } = await runTaskCommand(this.store, tx, survivor.id, { type: 'AddReason', join: { reason: r, ...combined, priority }, mergedFrom: extra.id }, {
                now, eventId: deterministicId('FollowUpReasonAdded', survivor.id, r.rule, 'merge', extra.id), by,
              });
              if (task) survivor = task;
            }
            await runTaskCommand(this.store, tx, extra.id, { type: 'Complete', note: 'Merged into the customer\'s one open follow-up.', by: null, automatic: true, mergedInto: survivor.id }, {
              now, eventId: deterministicId('FollowUpTaskCompleted', extra.id, 'merged'), by,
            });
            n++;
          }
        }
        await tx.query(`DELETE FROM open_follow_ups WHERE customer_id = $1`, [customerId]);
        return n;
      }).catch((err: unknown) => {
        failed++;
        onError?.(customerId, err);
        return 0;
      });
    }
    return { customers: byCustomer.size, merged, failed };
  }

  /** Escalates overdue open tasks and reopens snoozed ones whose time has come. */
  async sweep(limit = 500, now = this.clock.now()): Promise<{ escalated: number; woke: number }> {
    // One sweep is one flow: its writes share a correlation id.
    const sweep = { correlationId: deterministicId('follow-up-sweep', now.toISOString()), actorId: 'worker:sweep' };
    const overdue = await this.ds.query(
      `SELECT id, assignee_id FROM follow_ups WHERE status = 'open' AND escalated_at IS NULL AND due_at < $1 ORDER BY due_at LIMIT $2`,
      [now, limit],
    );
    let escalated = 0;
    for (const row of overdue) {
      const to = await escalationTarget(this.ds, row.assignee_id);
      const { changed } = await this.store.transaction((tx) =>
        runTaskCommand(this.store, tx, row.id, { type: 'Escalate', escalatedTo: to }, { now, eventId: deterministicId('FollowUpTaskEscalated', row.id), by: sweep }),
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
      const { changed } = await this.store.transaction((tx) =>
        runTaskCommand(this.store, tx, row.id, { type: 'EndSnooze' }, { now, eventId: deterministicId('FollowUpTaskSnoozeEnded', row.id, until), by: sweep }),
      );
      if (changed) woke++;
    }
    return { escalated, woke };
  }
}
