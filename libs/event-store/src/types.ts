/** Metadata every event carries; ids and times come from the caller, never from the store. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actorId?: string;
  /** When the fact happened in the business (for touchpoints: the touchpoint's occurredAt). */
  occurredAt?: string;
  [key: string]: unknown;
}

export interface NewEvent<T extends string = string, D = unknown> {
  id: string;
  type: T;
  data: D;
  metadata?: EventMetadata;
  /** Defaults to the current schema version known to the upcaster registry (or 1). */
  schemaVersion?: number;
}

export interface StoredEvent<T extends string = string, D = any> {
  id: string;
  streamId: string;
  streamVersion: number;
  globalPosition: number;
  transactionId: string;
  type: T;
  schemaVersion: number;
  data: D;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** `any`: no check; `no_stream`: must not exist; `stream_exists`: must exist; a number: exact version. */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  streamId: string;
  /** The stream version after the append (of the last event). */
  nextVersion: number;
  events: { id: string; streamVersion: number; globalPosition: number }[];
  /** True when every event id was already stored: nothing was written. */
  duplicate: boolean;
}

/** A position in commit order: (transaction id, global position). */
export interface Checkpoint {
  transactionId: string;
  globalPosition: number;
}

export const START: Checkpoint = { transactionId: '0', globalPosition: 0 };

export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
    this.name = 'ConcurrencyError';
  }
}

/** Some of the event ids are already stored, but not all of them (or in another stream). */
export class IdempotencyConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly storedIds: string[],
  ) {
    super(`Stream ${streamId}: ${storedIds.length} of the events are already stored; a partial re-append is refused`);
    this.name = 'IdempotencyConflictError';
  }
}

/** Who and what caused a write: every event the seam stores carries both ids. */
export interface CommandContext {
  correlationId: string;
  /** The message that caused the command; defaults to the correlation id. */
  causationId?: string;
  actorId: string;
  /** More metadata for every event of the command (e.g. `sourceId`). */
  metadata?: Record<string, unknown>;
  /** Inside `EventStore.transaction`: the events commit (or roll back) with the caller's rows. */
  tx?: Queryable;
  /** For deciders that fold no state (no `evolve`); one that folds expects the version it read. */
  expectedVersion?: ExpectedVersion;
}

/** An event as a decider returns it: the store adds metadata, ids it is not given and the version. */
export interface DecidedEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
  /** A deterministic id makes a retried command a duplicate; else the store's id generator gives one. */
  id?: string;
  /** Another stream than the handled one (a multi-stream command, e.g. a registration and its first touchpoint). */
  streamId?: string;
  /** Business time of the fact (metadata `occurredAt`). */
  occurredAt?: string;
  /** Per-event metadata over the context's (e.g. a reaction's own causation and correlation). */
  metadata?: EventMetadata;
}

export interface DecideContext {
  /** From the store's clock. */
  now: Date;
  /** From the store's id generator. */
  nextId(): string;
}

/**
 * A command's business logic, pure. With `evolve` the handled stream is read and folded first,
 * and the append expects the version that was read (a concurrent writer makes the store read,
 * fold and decide again).
 */
export interface Decider<C, S = undefined> {
  initialState?: () => S;
  evolve?: (state: S, event: StoredEvent) => S;
  decide(command: C, state: S, ctx: DecideContext): readonly DecidedEvent[];
}

/**
 * What must hold for the events to be written, checked in the same statement as the append.
 * Typed: the store compiles them itself.
 */
/**
 * Whose customers a writer may write for, as the customers table records it: those an account
 * manager holds, or those of a team lead's team (their own and their account managers'). None:
 * every customer (an admin, a source).
 */
export type CustomerReach = { accountManager: string } | { teamLead: string };

export type Precondition =
  /** Each customer row exists (and, where given, has that external id, and is within `reach`). */
  | { kind: 'customers_exist'; customers: readonly { id: string; externalId: string | null }[]; reach?: CustomerReach }
  /** The webhook delivery's dedupe row is new; it is written with the events. */
  | { kind: 'delivery_claimed'; sourceId: string; dedupeKey: string; eventIds: readonly string[] }
  /**
   * Each id is new, or stored already in that stream by this writer (metadata `actorId`): an id
   * another writer used, or the same writer for another stream, is a clash, not a duplicate.
   */
  | { kind: 'ids_owned'; actorId: string; events: readonly { id: string; streamId: string }[] };

export const Preconditions = {
  customersExist: (customers: readonly { id: string; externalId: string | null }[], reach?: CustomerReach): Precondition => ({ kind: 'customers_exist', customers, ...(reach ? { reach } : {}) }),
  deliveryClaimed: (sourceId: string, dedupeKey: string, eventIds: readonly string[]): Precondition => ({ kind: 'delivery_claimed', sourceId, dedupeKey, eventIds }),
  idsOwned: (actorId: string, events: readonly { id: string; streamId: string }[]): Precondition => ({ kind: 'ids_owned', actorId, events }),
};

/** One decided event as stored (or found stored: `duplicate`). */
export interface HandledEvent {
  id: string;
  streamId: string;
  type: string;
  data: unknown;
  streamVersion: number;
  globalPosition: number;
  duplicate: boolean;
}

export interface Handled<S = unknown> {
  /** False when a precondition did not hold: nothing was written. */
  admitted: boolean;
  /** The handled stream's state after the events (from `evolve`), or the initial state. */
  state: S;
  /** The handled stream's version after the write (0 when nothing was decided for it). */
  nextVersion: number;
  /** In decision order. */
  events: HandledEvent[];
  /** True when every decided event was stored already: nothing was written. */
  duplicate: boolean;
}

/** The event metadata lacks what the seam requires of every write. */
export class MissingMetadataError extends Error {
  constructor(readonly missing: string[]) {
    super(`An event needs ${missing.join(' and ')} in its metadata`);
    this.name = 'MissingMetadataError';
  }
}

/** Anything that runs SQL: a TypeORM DataSource, EntityManager or QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** True when `p` comes after `c` in commit order (the transaction id, then the global position). */
export function comesAfter(p: Checkpoint, c: Checkpoint): boolean {
  const a = BigInt(p.transactionId);
  const b = BigInt(c.transactionId);
  return a > b || (a === b && p.globalPosition > c.globalPosition);
}
