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
