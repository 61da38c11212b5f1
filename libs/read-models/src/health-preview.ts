import type { Checkpoint, EventStore, StoredEvent } from '../../event-store/src/index.js';
import { computeHealth, CUSTOMER_EVENT_TYPES, CustomerFoldState, healthHistory, type Band, type Driver, type HealthConfig } from '../../relationship/src/index.js';
import { customerIdOf } from './stream-ids.js';

const DAY_MS = 86_400_000;

/** Every customer's stream in version order, read through the store's commit-ordered log. */
export async function readCustomerStreams(store: EventStore, pageSize = 20_000): Promise<Map<string, StoredEvent[]>> {
  const streams = new Map<string, StoredEvent[]>();
  let after: Checkpoint | undefined;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize, types: [...CUSTOMER_EVENT_TYPES] });
    for (const e of page.events) {
      const id = customerIdOf(e.streamId);
      if (!id) continue;
      let list = streams.get(id);
      if (!list) streams.set(id, (list = []));
      list.push(e);
    }
    if (after && page.checkpoint.transactionId === after.transactionId && page.checkpoint.globalPosition === after.globalPosition) break;
    if (!after && page.events.length === 0) break;
    after = page.checkpoint;
  }
  for (const list of streams.values()) list.sort((a, b) => a.streamVersion - b.streamVersion);
  return streams;
}

export interface PreviewCustomer {
  customerId: string;
  name: string;
  scoreBefore: number;
  bandBefore: Band;
  scoreAfter: number;
  bandAfter: Band;
  /** Days of the window on which the band differs. */
  daysChanged: number;
}

export interface PreviewExample extends PreviewCustomer {
  driversBefore: Driver[];
  driversAfter: Driver[];
}

export interface HealthConfigPreview {
  windowDays: number;
  from: string | null;
  to: string | null;
  customers: number;
  /** Customers whose band now (as the read model shows it) would change. */
  changedNow: number;
  /** Customers whose band would differ on at least one day of the window. */
  changedOnSomeDay: number;
  /** Customer-days (of customers × days) on which the band would differ. */
  changedDays: number;
  bandsBefore: Record<Band, number>;
  bandsAfter: Record<Band, number>;
  /** Every customer whose band changes now or on some day (largest score change first). */
  changes: PreviewCustomer[];
  /** The first few of them with their drivers before and after. */
  examples: PreviewExample[];
}

/**
 * What `proposed` would have done over the last `windowDays` of the log, against `current`:
 * each customer's band now is evaluated as the projection evaluates it (the fold of the whole
 * stream, at its latest recorded event), the days as the health curve draws them (every UTC
 * midnight, business time), with the same functions, so applying `proposed` and rebuilding
 * shows exactly the `after` figures.
 */
export function previewHealthConfig(streams: ReadonlyMap<string, readonly StoredEvent[]>, current: HealthConfig, proposed: HealthConfig, windowDays = 90, maxExamples = 5): HealthConfigPreview {
  const folds: { customerId: string; state: CustomerFoldState; at: Date }[] = [];
  let end = -Infinity;
  for (const [customerId, events] of streams) {
    if (events.length === 0) continue;
    const state = new CustomerFoldState();
    state.extend(events);
    const fold = state.fold();
    if (!fold.lastRecordedAt) continue;
    const at = new Date(fold.lastRecordedAt);
    end = Math.max(end, at.getTime());
    folds.push({ customerId, state, at });
  }
  const empty = (): Record<Band, number> => ({ green: 0, yellow: 0, red: 0 });
  const out: HealthConfigPreview = {
    windowDays,
    from: Number.isFinite(end) ? new Date(end - windowDays * DAY_MS).toISOString() : null,
    to: Number.isFinite(end) ? new Date(end).toISOString() : null,
    customers: folds.length,
    changedNow: 0,
    changedOnSomeDay: 0,
    changedDays: 0,
    bandsBefore: empty(),
    bandsAfter: empty(),
    changes: [],
    examples: [],
  };
  const details: { c: PreviewCustomer; before: Driver[]; after: Driver[] }[] = [];
  for (const { customerId, state, at } of folds) {
    const fold = state.fold();
    const before = computeHealth(fold.input, at, current);
    const after = computeHealth(fold.input, at, proposed);
    out.bandsBefore[before.band]++;
    out.bandsAfter[after.band]++;
    let daysChanged = 0;
    if (Number.isFinite(end)) {
      const from = new Date(end - windowDays * DAY_MS);
      const to = new Date(end);
      const a = healthHistory(fold.input, from, to, 'day', current);
      const b = healthHistory(fold.input, from, to, 'day', proposed);
      for (let i = 0; i < a.length; i++) if (a[i].band !== b[i].band) daysChanged++;
    }
    if (before.band !== after.band) out.changedNow++;
    if (daysChanged > 0) out.changedOnSomeDay++;
    out.changedDays += daysChanged;
    if (before.band !== after.band || daysChanged > 0) {
      details.push({
        c: { customerId, name: fold.customer?.name ?? '', scoreBefore: before.score, bandBefore: before.band, scoreAfter: after.score, bandAfter: after.band, daysChanged },
        before: before.drivers,
        after: after.drivers,
      });
    }
  }
  details.sort((x, y) => Math.abs(y.c.scoreAfter - y.c.scoreBefore) - Math.abs(x.c.scoreAfter - x.c.scoreBefore) || y.c.daysChanged - x.c.daysChanged || (x.c.customerId < y.c.customerId ? -1 : 1));
  out.changes = details.map((d) => d.c);
  out.examples = details.slice(0, maxExamples).map((d) => ({ ...d.c, driversBefore: d.before, driversAfter: d.after }));
  return out;
}
