import type { AppendManyItem, AppendManyResult } from './append-many.js';
import type { AppendedEvent, EventStore } from './event-store.js';
import { GroupCommit } from './group-commit.js';
import { Preconditions, type AppendResult, type ExpectedVersion, type NewEvent, type Precondition, type Queryable } from './types.js';

/*
 * The event store's private strategies, for the store's own tests only (lint keeps apps, libs
 * and scripts out of this file): the product writes through `EventStore.handle`.
 */

interface Internals {
  appendStream(streamId: string, events: NewEvent[], expected?: ExpectedVersion, tx?: Queryable): Promise<AppendResult>;
  emitAppended(appended: AppendedEvent[]): void;
}

/** The one-stream statement as it is, with the events' own metadata; listeners are told at once. */
export async function appendRaw(store: EventStore, streamId: string, events: NewEvent[], expected: ExpectedVersion = 'any', tx?: Queryable): Promise<AppendResult> {
  const internals = store as unknown as Internals;
  const result = await internals.appendStream(streamId, events, expected, tx);
  if (!result.duplicate) internals.emitAppended(events.map((e) => ({ type: e.type, streamId })));
  return result;
}

/** A unit as the group commit's tests build it: events, the (customer id, external id) pairs that must exist, a delivery claim. */
export interface GroupUnit {
  items: AppendManyItem[];
  pairIds: string[];
  pairExts: (string | null)[];
  claim?: { sourceId: string; dedupeKey: string; eventIds: string[] };
}

/** A group commit of its own over `db` (e.g. one that counts statements). */
export function groupCommit(store: EventStore, db: Queryable, maxWaitMs?: number): { write(unit: GroupUnit): Promise<AppendManyResult[] | null> } {
  const group = new GroupCommit(store, db, maxWaitMs);
  return {
    write(unit) {
      const preconditions: Precondition[] = [Preconditions.customersExist(unit.pairIds.map((id, k) => ({ id, externalId: unit.pairExts[k] })))];
      if (unit.claim) preconditions.push(Preconditions.deliveryClaimed(unit.claim.sourceId, unit.claim.dedupeKey, unit.claim.eventIds));
      return group.write(unit.items, preconditions);
    },
  };
}
