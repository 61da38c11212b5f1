import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, Preconditions, type CommandContext, type CustomerReach, type DecidedEvent, type Decider, type Precondition, type Queryable } from '../../../../libs/event-store/src/index.js';
import { customerStream, decideCustomer, initialCustomerState, ownerOfCustomerFromTouchpoint, type Touchpoint } from '../../../../libs/relationship/src/index.js';
import { deterministicId, IdGenerator, metrics, scopeCondition, type AuthUser } from '../../../../libs/shared/src/index.js';
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

/**
 * A touchpoint's id (its `id`, or its writer's `externalId`) is stored already for another
 * customer or by another writer: a clash, not a duplicate. Says nothing about that event.
 */
export class TouchpointIdTakenError extends Error {
  constructor() {
    super('A touchpoint id is taken by another customer or another writer');
    this.name = 'TouchpointIdTakenError';
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

/** Record these touchpoints for these (resolved) customers, registering the `created` ones first. */
interface RecordTouchpoints {
  dtos: readonly TouchpointDto[];
  eventIds: readonly string[];
  customerIds: readonly string[];
  created: readonly CreatedCustomer[];
  sourceId?: string;
}

/** Registrations of the created customers first, then one TouchpointRecorded per dto, in order; each on its customer's stream. */
const recordTouchpoints: Decider<RecordTouchpoints> = {
  decide({ dtos, eventIds, customerIds, created, sourceId }, _state, { now }) {
    const out: DecidedEvent[] = [];
    const at = now.toISOString();
    for (const c of created) {
      const events = decideCustomer(
        { type: 'RegisterCustomer', data: { customerId: c.id, externalId: c.externalId, name: c.name, accountManagerId: c.accountManagerId, createdVia: 'touchpoint' } },
        initialCustomerState(),
        { now },
      );
      for (const e of events) out.push({ id: deterministicId('customer-registered', c.id), streamId: customerStream(c.id), type: e.type, data: e.data, occurredAt: at });
    }
    dtos.forEach((dto, i) => {
      const tp = { id: eventIds[i], customerId: customerIds[i], ...(sourceId ? { sourceId } : {}) } as Touchpoint;
      // The body came from JSON.parse and was validated: its values are plain JSON already.
      for (const f of TOUCHPOINT_FIELDS) if (dto[f] !== undefined) (tp as any)[f] = dto[f];
      const [event] = decideCustomer({ type: 'RecordTouchpoint', data: { touchpoint: tp } }, { ...initialCustomerState(), exists: true }, { now });
      out.push({ id: eventIds[i], streamId: customerStream(customerIds[i]), type: event.type, data: event.data, occurredAt: tp.occurredAt });
    });
    return out;
  },
};

/**
 * A signed-in writer's reach over customers, as the one-statement path checks it: the same
 * object-level scope as `scopeCondition` (admin: every customer). Null: a role that writes no
 * touchpoints, left to the general path to refuse.
 */
function reachOf(user: AuthUser): CustomerReach | undefined | null {
  if (user.role === 'admin') return undefined;
  if (user.role === 'account_manager') return { accountManager: user.id };
  if (user.role === 'team_lead') return { teamLead: user.id };
  return null;
}

// Customer ids learned by external id, for the one-statement path. Only a hint: that statement
// checks every (id, external id) pair itself, and a stale hint just sends the call down the
// general path, which looks the customer up again and refreshes the hint.
const CUSTOMER_HINTS_MAX = 100_000;

/**
 * Records touchpoints: resolves (or creates) their customers, decides and appends every event
 * through the event store's seam. Shared by POST /touchpoints, the batch, webhooks and
 * dead-letter retries.
 */
@Injectable()
export class TouchpointIngestor {
  private readonly customerHints = new Map<string, string>();

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * The event id a touchpoint will get: its `id`; else derived from its writer and `externalId`
   * (two writers' "call-1" are two touchpoints); else the fallback; else new.
   */
  eventIdFor(dto: TouchpointDto, index: number, ctx: IngestContext): string {
    if (dto.id) return dto.id.toLowerCase();
    // A source keeps the derivation it always had (its ids are its own already); a user's are theirs.
    if (dto.externalId) return ctx.sourceId ? deterministicId('touchpoint', ctx.sourceId, dto.externalId) : deterministicId('touchpoint', 'user', ctx.actorId, dto.externalId);
    return ctx.fallbackId?.(index) ?? this.ids.next();
  }

  /** All or nothing: resolves customers, decides and appends in one transaction (retried on append races). */
  async ingest(dtos: TouchpointDto[], ctx: IngestContext): Promise<IngestOutcome[]> {
    return (await this.recordKnown(dtos, ctx)) ?? this.transact(ctx, (_tx, write) => write(dtos));
  }

  /**
   * The steady state in ONE statement (one round trip, no BEGIN/COMMIT): every customer exists
   * already (and is within a signed-in writer's reach). The store checks the customers, claims the delivery (when `dedupeKey` is given) and appends, all or nothing, and
   * commits on its own; concurrent callers share statements (group commit). Answers null when
   * this path does not apply (an unknown customer, a stale hint, a delivery seen before, an id
   * that is not the writer's): nothing was written, and the caller takes the general path
   * (`ingest` / `transact`), which decides those cases.
   */
  async recordKnown(dtos: TouchpointDto[], ctx: IngestContext, dedupeKey?: string): Promise<IngestOutcome[] | null> {
    if (dtos.length === 0) return null;
    const reach = ctx.user ? reachOf(ctx.user) : undefined;
    if (reach === null) return null;
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
    const eventIds = dtos.map((d, i) => this.eventIdFor(d, i, ctx));
    const preconditions: Precondition[] = [
      Preconditions.customersExist(dtos.map((d, i) => ({ id: customerIds[i], externalId: d.customerId ? null : d.customerExternalId! })), reach),
      ...this.owned(dtos, eventIds, customerIds, ctx),
    ];
    if (dedupeKey !== undefined) preconditions.push(Preconditions.deliveryClaimed(ctx.sourceId!, dedupeKey, eventIds));
    const handled = await this.store.handle(undefined, recordTouchpoints, { dtos, eventIds, customerIds, created: [], sourceId: ctx.sourceId }, this.command(ctx), preconditions);
    if (!handled.admitted) return null;
    const outcomes = handled.events.map((e, i) => ({ index: i, eventId: e.id, position: e.globalPosition, duplicate: e.duplicate, customerId: customerIds[i] }));
    this.counted(outcomes, ctx);
    return outcomes;
  }

  /**
   * A webhook delivery: its touchpoints and its dedupe key in one commit. Null when the key was
   * claimed before (a redelivery): nothing was written.
   */
  async deliver(dtos: TouchpointDto[], ctx: IngestContext, dedupeKey: string): Promise<IngestOutcome[] | null> {
    const known = await this.recordKnown(dtos, ctx, dedupeKey);
    if (known) return known;
    return this.transact(ctx, async (tx, write) => {
      // Every id is derived (body id, source + externalId, or the delivery key), so the claim can
      // carry them. Claimed first: a concurrent delivery of the same key waits here for our commit
      // and then finds the row (ON CONFLICT DO NOTHING), so only one of them writes events.
      const eventIds = dtos.map((d, i) => this.eventIdFor(d, i, ctx));
      const claimed = await tx.query(
        `INSERT INTO webhook_deliveries (source_id, dedupe_key, outcome, event_ids) VALUES ($1, $2, 'accepted', $3) ON CONFLICT DO NOTHING RETURNING source_id`,
        [ctx.sourceId, dedupeKey, eventIds],
      );
      if (claimed.length === 0) return null;
      return dtos.length > 0 ? write(dtos) : [];
    });
  }

  /**
   * Runs `fn` in one event-store transaction; `write` records touchpoints inside it, so callers
   * can put their own rows (webhook dedupe keys, dead-letter resolution) in the same commit. The
   * whole transaction runs again when a concurrent writer took the same stream version.
   */
  async transact<T>(ctx: IngestContext, fn: (tx: Queryable, write: (dtos: TouchpointDto[]) => Promise<IngestOutcome[]>) => Promise<T>): Promise<T> {
    let outcomes: IngestOutcome[] = [];
    const result = await this.store.transaction((tx) => {
      outcomes = [];
      return fn(tx, async (dtos) => {
        const written = await this.write(dtos, ctx, tx);
        outcomes.push(...written);
        return written;
      });
    });
    this.counted(outcomes, ctx);
    return result;
  }

  private hint(externalId: string, customerId: string) {
    if (this.customerHints.size >= CUSTOMER_HINTS_MAX) this.customerHints.clear();
    this.customerHints.set(externalId, customerId);
  }

  private command(ctx: IngestContext): CommandContext {
    return { correlationId: ctx.correlationId, causationId: ctx.causationId, actorId: ctx.actorId, ...(ctx.sourceId ? { metadata: { sourceId: ctx.sourceId } } : {}) };
  }

  /** Ids the writer chose (`id`, or derived from its `externalId`) must be its own for that customer. */
  private owned(dtos: readonly TouchpointDto[], eventIds: readonly string[], customerIds: readonly string[], ctx: IngestContext): Precondition[] {
    const events: { id: string; streamId: string }[] = [];
    dtos.forEach((d, i) => (d.id || d.externalId) && events.push({ id: eventIds[i], streamId: customerStream(customerIds[i]) }));
    return events.length > 0 ? [Preconditions.idsOwned(ctx.actorId, events)] : [];
  }

  private counted(outcomes: IngestOutcome[], ctx: IngestContext) {
    for (const o of outcomes) metrics.touchpointsIngested.inc({ route: ctx.route, duplicate: String(o.duplicate) });
  }

  private async write(dtos: TouchpointDto[], ctx: IngestContext, tx: Queryable): Promise<IngestOutcome[]> {
    const { customerIds, created } = await this.resolveCustomers(dtos, ctx, tx);
    const eventIds = dtos.map((d, i) => this.eventIdFor(d, i, ctx));
    // Writers of overlapping batches queue on the customers' streams, taken in one order, instead
    // of computing the same next versions and losing the race (retries alone can starve under load).
    const streams = [...new Set(customerIds.map(customerStream))];
    if (streams.length > 1) {
      await tx.query(`SELECT count(pg_advisory_xact_lock(${STREAM_LOCK_SPACE}, hashtext(s))) FROM (SELECT s FROM unnest($1::text[]) AS s ORDER BY s) AS ordered`, [streams]);
    }
    const handled = await this.store.handle(
      undefined,
      recordTouchpoints,
      { dtos, eventIds, customerIds, created, sourceId: ctx.sourceId },
      { ...this.command(ctx), tx },
      this.owned(dtos, eventIds, customerIds, ctx),
    );
    if (!handled.admitted) throw new TouchpointIdTakenError();
    // Registrations come first; the last dtos.length events are the touchpoints, in input order.
    return handled.events.slice(handled.events.length - dtos.length).map((e, i) => ({ index: i, eventId: e.id, position: e.globalPosition, duplicate: e.duplicate, customerId: customerIds[i] }));
  }

  /** Maps each item to a customer id; unknown external ids create unassigned customers (race-safe). */
  private async resolveCustomers(dtos: TouchpointDto[], ctx: IngestContext, tx: Queryable) {
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
      const ids = missing.map((x) => deterministicId('customer', x));
      const owner = ownerOfCustomerFromTouchpoint(ctx.user);
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
