import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { appendMany, EventStore, notifyAppended, retryAppendConflicts, type AppendManyItem, type AppendManyResult, type NewEvent } from '../../../../libs/event-store/src/index.js';
import { customerStream, decideCustomer, initialCustomerState, type Touchpoint } from '../../../../libs/relationship/src/index.js';
import { Clock, deterministicId, IdGenerator, metrics, scopeCondition, type AuthUser } from '../../../../libs/shared/src/index.js';
import { fastDeterministicId } from './fast-id.js';
import { KnownWriter, type DeliveryClaim } from './known-writer.js';
import type { TouchpointDto } from './touchpoint.dto.js';

export interface IngestContext {
  /** `user:<id>`-less user id, or `source:<id>` for sending systems. */
  actorId: string;
  /** Object-level scope: when set, customers outside the user's reach are refused. */
  user?: AuthUser;
  sourceId?: string;
  correlationId: string;
  causationId?: string;
  route: 'api' | 'batch' | 'webhook' | 'dead_letter';
  /** Event id when the body has neither `id` nor `externalId` (e.g. derived from a webhook dedupe key). */
  fallbackId?: (index: number) => string;
}

export interface IngestOutcome {
  index: number;
  eventId: string;
  position: number;
  duplicate: boolean;
  customerId: string;
}

export interface CustomerProblem {
  index: number;
  path: 'customerId' | 'customerExternalId';
  message: string;
}

/** Advisory-lock key space of customer streams taken by batch ingestion (sorted, per transaction). */
const STREAM_LOCK_SPACE = 72_615_011;

/** Some items name a customer that does not exist or is outside the caller's reach. */
export class CustomerResolutionError extends Error {
  constructor(readonly problems: CustomerProblem[]) {
    super(problems.map((p) => `[${p.index}].${p.path}: ${p.message}`).join('; '));
    this.name = 'CustomerResolutionError';
  }
}

interface CreatedCustomer {
  id: string;
  externalId: string;
  name: string;
  accountManagerId: string | null;
}

const TOUCHPOINT_FIELDS = [
  'externalId', 'channel', 'direction', 'initiatedBy', 'handledBy', 'occurredAt', 'agent', 'durationSeconds', 'waitSeconds', 'handoffs',
  'resolved', 'topic', 'subject', 'summary', 'transcript', 'survey', 'replyToId', 'language', 'tags',
] as const;

// Customer ids learned by external id, for the one-statement path. Only a hint: that statement
// checks every (id, external id) pair itself, and a stale hint just sends the call down the
// general path, which looks the customer up again and refreshes the hint.
const CUSTOMER_HINTS_MAX = 100_000;

/**
 * Records touchpoints: resolves (or creates) their customers, decides and appends every event
 * in ONE transaction with one multi-stream statement. Shared by POST /touchpoints, the batch,
 * webhooks and dead-letter retries.
 */
@Injectable()
export class TouchpointIngestor {
  private readonly customerHints = new Map<string, string>();
  private readonly known: KnownWriter;

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    this.known = new KnownWriter(store, ds);
  }

  /** The event id a touchpoint will get: its `id`, else source + externalId, else the fallback, else new. */
  eventIdFor(dto: TouchpointDto, index: number, ctx: IngestContext): string {
    if (dto.id) return dto.id.toLowerCase();
    if (dto.externalId) return fastDeterministicId('touchpoint', ctx.sourceId ?? 'api', dto.externalId);
    return ctx.fallbackId?.(index) ?? this.ids.next();
  }

  /** All or nothing: resolves customers, decides and appends in one transaction (retried on append races). */
  async ingest(dtos: TouchpointDto[], ctx: IngestContext): Promise<IngestOutcome[]> {
    return (await this.recordKnown(dtos, ctx)) ?? this.transact(ctx, (_tx, write) => write(dtos));
  }

  /**
   * The steady state in ONE statement (one round trip, no BEGIN/COMMIT): every customer exists
   * already and no user scope applies (source callers and webhooks). The statement checks the
   * customers, writes the caller's `claim` row (when given) and appends the events, all or
   * nothing, and commits on its own; concurrent callers share statements (`KnownWriter`). Answers
   * null when this path does not apply (an unknown customer, a stale hint, or a claim that found
   * its row taken): nothing was written, and the caller takes the general path (`ingest` /
   * `transact`), which decides those cases.
   */
  async recordKnown(dtos: TouchpointDto[], ctx: IngestContext, claim?: DeliveryClaim): Promise<IngestOutcome[] | null> {
    if (ctx.user || dtos.length === 0) return null;
    const customerIds: string[] = new Array(dtos.length);
    const misses: string[] = [];
    dtos.forEach((d, i) => {
      if (d.customerId) customerIds[i] = d.customerId.toLowerCase();
      else if (d.customerExternalId !== undefined) {
        const hint = this.customerHints.get(d.customerExternalId);
        if (hint) customerIds[i] = hint;
        else misses.push(d.customerExternalId);
      }
    });
    if (misses.length > 0) {
      const rows: { id: string; external_id: string }[] = await this.ds.query(`SELECT id, external_id FROM customers WHERE external_id = ANY($1::text[])`, [[...new Set(misses)]]);
      for (const r of rows) this.hint(r.external_id, r.id);
      for (let i = 0; i < dtos.length; i++) {
        if (customerIds[i] !== undefined) continue;
        const id = this.customerHints.get(dtos[i].customerExternalId!);
        if (!id) return null; // a customer to create: the general path does that
        customerIds[i] = id;
      }
    }
    // Distinct (id, external id) pairs the statement must find, all of them.
    const pairs = new Map<string, [string, string | null]>();
    dtos.forEach((d, i) => {
      const ext = d.customerId ? null : d.customerExternalId!;
      pairs.set(`${customerIds[i]}\u0000${ext ?? ''}`, [customerIds[i], ext]);
    });
    const eventIds = dtos.map((d, i) => this.eventIdFor(d, i, ctx));
    const { items } = this.events(dtos, eventIds, customerIds, [], ctx);
    const results = await this.known.write({ items, pairIds: [...pairs.values()].map((p) => p[0]), pairExts: [...pairs.values()].map((p) => p[1]), claim });
    if (results === null) return null;
    const outcomes: IngestOutcome[] = results.map((r, i) => ({ index: i, eventId: r.id, position: r.globalPosition, duplicate: r.duplicate, customerId: customerIds[i] }));
    this.afterCommit(items.flatMap((it) => it.events).filter((_, k) => !results[k].duplicate), outcomes, ctx);
    return outcomes;
  }

  private hint(externalId: string, customerId: string) {
    if (this.customerHints.size >= CUSTOMER_HINTS_MAX) this.customerHints.clear();
    this.customerHints.set(externalId, customerId);
  }

  private afterCommit(appended: NewEvent[], outcomes: IngestOutcome[], ctx: IngestContext) {
    if (appended.length > 0) notifyAppended(this.store);
    for (const e of appended) metrics.eventsAppended.inc({ type: e.type });
    for (const o of outcomes) metrics.touchpointsIngested.inc({ route: ctx.route, duplicate: String(o.duplicate) });
  }

  /**
   * Runs `fn` in one transaction; `write` records touchpoints inside it, so callers can put their
   * own rows (webhook dedupe keys, dead-letter resolution) in the same commit. The whole
   * transaction is retried when a concurrent writer took the same stream version.
   */
  async transact<T>(ctx: IngestContext, fn: (tx: EntityManager, write: (dtos: TouchpointDto[]) => Promise<IngestOutcome[]>) => Promise<T>): Promise<T> {
    // Two writers took the same stream version (or stored the same id) at once: the loser retries
    // its whole transaction and then sees the winner's rows.
    return retryAppendConflicts(async () => {
      const appended: NewEvent[] = [];
      const outcomes: IngestOutcome[] = [];
      const result = await this.ds.transaction((tx) =>
        fn(tx, async (dtos) => {
          const eventIds = dtos.map((d, i) => this.eventIdFor(d, i, ctx));
          const r = await this.write(dtos, eventIds, ctx, tx);
          appended.push(...r.appended);
          outcomes.push(...r.outcomes);
          return r.outcomes;
        }),
      );
      this.afterCommit(appended, outcomes, ctx);
      return result;
    });
  }

  private async write(dtos: TouchpointDto[], eventIds: string[], ctx: IngestContext, tx: EntityManager) {
    const { customerIds, created } = await this.resolveCustomers(dtos, ctx, tx);
    const { items, flat } = this.events(dtos, eventIds, customerIds, created, ctx);
    // Writers of overlapping batches queue on the customers' streams, taken in one order, instead
    // of computing the same next versions and losing the race (retries alone can starve under load).
    const streams = [...new Set(items.map((i) => i.streamId))];
    if (streams.length > 1) {
      await tx.query(`SELECT count(pg_advisory_xact_lock(${STREAM_LOCK_SPACE}, hashtext(s))) FROM (SELECT s FROM unnest($1::text[]) AS s ORDER BY s) AS ordered`, [streams]);
    }
    const results = await appendMany(this.store, items, tx);
    const appended = flat.filter((_, k) => !results[k].duplicate);
    // Registrations come first; the last dtos.length results are the touchpoints, in input order.
    const perItem: AppendManyResult[] = results.slice(results.length - dtos.length);
    const outcomes: IngestOutcome[] = perItem.map((r, i) => ({ index: i, eventId: r.id, position: r.globalPosition, duplicate: r.duplicate, customerId: customerIds[i] }));
    return { outcomes, appended };
  }

  /** The decided events: registrations of `created` customers first, then one TouchpointRecorded per dto, in order. */
  private events(dtos: TouchpointDto[], eventIds: string[], customerIds: string[], created: CreatedCustomer[], ctx: IngestContext) {
    const now = this.clock.now();
    const items: AppendManyItem[] = [];
    const meta = (occurredAt: string) => ({
      correlationId: ctx.correlationId,
      causationId: ctx.causationId ?? ctx.correlationId,
      actorId: ctx.actorId,
      occurredAt,
      ...(ctx.sourceId ? { sourceId: ctx.sourceId } : {}),
    });
    for (const c of created) {
      const events = decideCustomer(
        { type: 'RegisterCustomer', data: { customerId: c.id, externalId: c.externalId, name: c.name, accountManagerId: c.accountManagerId, createdVia: 'touchpoint' } },
        initialCustomerState(),
        { now },
      );
      items.push({
        streamId: customerStream(c.id),
        events: events.map((e) => ({ id: deterministicId('customer-registered', c.id), type: e.type, data: e.data, metadata: meta(now.toISOString()) })),
      });
    }
    dtos.forEach((dto, i) => {
      const tp = { id: eventIds[i], customerId: customerIds[i], ...(ctx.sourceId ? { sourceId: ctx.sourceId } : {}) } as Touchpoint;
      // The body came from JSON.parse and was validated: its values are plain JSON already.
      for (const f of TOUCHPOINT_FIELDS) if (dto[f] !== undefined) (tp as any)[f] = dto[f];
      const [event] = decideCustomer({ type: 'RecordTouchpoint', data: { touchpoint: tp } }, { ...initialCustomerState(), exists: true }, { now });
      items.push({ streamId: customerStream(customerIds[i]), events: [{ id: eventIds[i], type: event.type, data: event.data, metadata: meta(tp.occurredAt) }] });
    });
    return { items, flat: items.flatMap((it) => it.events) };
  }

  /** Maps each item to a customer id; unknown external ids create unassigned customers (race-safe). */
  private async resolveCustomers(dtos: TouchpointDto[], ctx: IngestContext, tx: EntityManager) {
    const problems: CustomerProblem[] = [];
    const customerIds: string[] = new Array(dtos.length);
    const byId = [...new Set(dtos.filter((d) => d.customerId).map((d) => d.customerId!.toLowerCase()))];
    const byExternal = [...new Set(dtos.filter((d) => !d.customerId && d.customerExternalId).map((d) => d.customerExternalId!))];

    const visible = new Set<string>();
    const externalToId = new Map<string, { id: string; inScope: boolean }>();
    if (byId.length > 0 || byExternal.length > 0) {
      const params: unknown[] = [byId, byExternal];
      const scope = ctx.user ? scopeCondition(ctx.user, params, 'c') : 'TRUE';
      const rows: { id: string; external_id: string; in_scope: boolean }[] = await tx.query(
        `SELECT c.id, c.external_id, (${scope}) AS in_scope FROM customers c WHERE c.id = ANY($1::uuid[]) OR c.external_id = ANY($2::text[])`,
        params,
      );
      for (const r of rows) {
        if (r.in_scope) visible.add(r.id);
        externalToId.set(r.external_id, { id: r.id, inScope: r.in_scope });
      }
    }

    // Unknown external ids: a touchpoint is never dropped, so its customer is created unassigned.
    // The id is derived from the external id, so concurrent creators converge on one customer.
    const missing = byExternal.filter((x) => !externalToId.has(x));
    const created: CreatedCustomer[] = [];
    if (missing.length > 0) {
      const names = missing.map((x) => dtos.find((d) => !d.customerId && d.customerExternalId === x)?.customerName ?? x);
      const ids = missing.map((x) => fastDeterministicId('customer', x));
      // An account manager who reports a contact with a new customer keeps it (else it would vanish
      // from their reach); sources, admins and team leads create it unassigned.
      const owner = ctx.user?.role === 'account_manager' ? ctx.user.id : null;
      const inserted: { id: string; external_id: string; name: string }[] = await tx.query(
        `INSERT INTO customers (id, external_id, name, account_manager_id, created_via, version)
         SELECT id, ext, name, $4::uuid, 'touchpoint', 1 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, ext, name)
         ORDER BY ext -- one lock order for every writer: no deadlock between concurrent batches
         ON CONFLICT DO NOTHING RETURNING id, external_id, name`,
        [ids, missing, names, owner],
      );
      for (const r of inserted) {
        created.push({ id: r.id, externalId: r.external_id, name: r.name, accountManagerId: owner });
        externalToId.set(r.external_id, { id: r.id, inScope: true });
      }
      const stillMissing = missing.filter((x) => !externalToId.has(x));
      if (stillMissing.length > 0) {
        // A concurrent writer created them first (its row is visible once it committed).
        const params: unknown[] = [stillMissing];
        const scope = ctx.user ? scopeCondition(ctx.user, params, 'c') : 'TRUE';
        const rows: { id: string; external_id: string; in_scope: boolean }[] = await tx.query(
          `SELECT c.id, c.external_id, (${scope}) AS in_scope FROM customers c WHERE c.external_id = ANY($1::text[])`,
          params,
        );
        for (const r of rows) externalToId.set(r.external_id, { id: r.id, inScope: r.in_scope });
      }
    }
    // Customers created right here are reachable by their creator even though unassigned.
    const createdIds = new Set(created.map((c) => c.id));

    dtos.forEach((d, i) => {
      if (d.customerId) {
        const id = d.customerId.toLowerCase();
        if (visible.has(id)) customerIds[i] = id;
        else problems.push({ index: i, path: 'customerId', message: 'no customer with that id' });
        return;
      }
      const hit = d.customerExternalId !== undefined ? externalToId.get(d.customerExternalId) : undefined;
      if (hit && (hit.inScope || createdIds.has(hit.id))) customerIds[i] = hit.id;
      else problems.push({ index: i, path: 'customerExternalId', message: hit ? 'no customer with that external id' : 'the customer could not be created' });
    });
    if (problems.length > 0) throw new CustomerResolutionError(problems);
    if (!ctx.user) dtos.forEach((d, i) => !d.customerId && d.customerExternalId !== undefined && this.hint(d.customerExternalId, customerIds[i]));
    return { customerIds, created };
  }
}
