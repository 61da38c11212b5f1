import type { EventStore, Queryable, StoredEvent } from '../../event-store/src/index.js';
import { computeHealth, customerStream, CustomerFoldState, healthHistory, type HealthHistoryPoint, type HealthView } from '../../relationship/src/index.js';
import { storedScores } from './customer-read-models.js';
import { firstRecordedOf } from './evaluate-customer.js';
import { effectiveHealthConfig, loadHealthConfig } from './health-config.js';
import { previewHealthConfig, readCustomerStreams, type HealthConfigPreview } from './health-preview.js';

/** Health at a moment, and when the first event health counts was recorded (null: none yet). */
export interface HealthRead {
  view: HealthView;
  firstRecordedAt: string | null;
}

const DAY_MS = 86_400_000;

interface Entry {
  /** The customer's stream from version 1, as read so far. */
  events: StoredEvent[];
  /** The fold of all of `events`. */
  state: CustomerFoldState;
}

/**
 * `GET /customers/:id/health` and `/health/history` without recomputing the log on every call:
 * each customer's fold is kept with the stream version it covers, so a call reads only the
 * events past it and folds only those; a customer not kept yet starts from the relational
 * scores the read model already stored (as the projection restores one), so its history is not
 * scored again. Health at a moment (`computeHealth`) is cheap next to the fold; history curves
 * are kept per stream version and point range. Runs where the caller puts it: the API runs it
 * in a worker thread, off the event loop that answers requests.
 */
export class HealthReads {
  private readonly entries = new Map<string, Entry>();
  private total = 0;
  private readonly curves = new Map<string, HealthHistoryPoint[]>();

  constructor(
    private readonly db: Queryable,
    private readonly store: EventStore,
    private readonly maxEvents = 200_000,
    private readonly maxCurves = 200,
  ) {}

  /**
   * Health at `atMs` from the events recorded up to `recordedUpToMs` (knowledge time; omitted:
   * all), as `evaluateCustomer` gives it: the same fold and evaluation as the projection.
   */
  async health(customerId: string, atMs: number, recordedUpToMs?: number): Promise<HealthRead> {
    const entry = await this.entry(customerId);
    const { config } = await loadHealthConfig(this.db);
    const { events } = entry;
    const at = new Date(atMs);
    if (recordedUpToMs === undefined || events.every((e) => e.recordedAt.getTime() <= recordedUpToMs)) {
      return { view: computeHealth(entry.state.fold().input, at, config), firstRecordedAt: firstRecordedOf(events) };
    }
    // The log as it stood then: a fold of its own (later replies and facts rescore earlier touchpoints).
    const then = events.filter((e) => e.recordedAt.getTime() <= recordedUpToMs);
    const state = new CustomerFoldState();
    state.extend(then);
    // Nothing counted by then: say when the first thing was recorded.
    return { view: computeHealth(state.fold().input, at, config), firstRecordedAt: firstRecordedOf(then) ?? firstRecordedOf(events) };
  }

  /** What `overrides` (validated by the caller) would have done over the last 90 days (POST /ops/health-config/preview). */
  async preview(overrides: Record<string, unknown>): Promise<HealthConfigPreview> {
    const current = await loadHealthConfig(this.db);
    return previewHealthConfig(await readCustomerStreams(this.store), current.config, effectiveHealthConfig(overrides, current.churn));
  }

  /** The curve in business time, with everything known now. */
  async history(customerId: string, fromMs: number, toMs: number, step: 'day' | 'week'): Promise<HealthHistoryPoint[]> {
    const entry = await this.entry(customerId);
    const { config, version } = await loadHealthConfig(this.db);
    // The points depend on the first midnight and their count only, so calls within a day share a curve.
    const start = Math.ceil(fromMs / DAY_MS) * DAY_MS;
    const count = toMs < start ? 0 : Math.floor((toMs - start) / ((step === 'week' ? 7 : 1) * DAY_MS)) + 1;
    const key = `${customerId}|${version}|${entry.events.length}|${start}|${count}|${step}`;
    let curve = this.curves.get(key);
    if (!curve) {
      curve = healthHistory(entry.state.fold().input, new Date(fromMs), new Date(toMs), step, config);
      this.curves.set(key, curve);
      for (const k of this.curves.keys()) {
        if (this.curves.size <= this.maxCurves) break;
        this.curves.delete(k);
      }
    }
    return curve;
  }

  /** Streams and events kept (tests, metrics). */
  get size(): { customers: number; events: number } {
    return { customers: this.entries.size, events: this.total };
  }

  private async entry(customerId: string): Promise<Entry> {
    const stream = customerStream(customerId);
    const kept = this.entries.get(customerId);
    const tail = await this.store.readStream(stream, { from: (kept?.events.length ?? 0) + 1 }, this.db);
    try {
      if (kept) {
        // Most recently used last: eviction takes the oldest first.
        this.entries.delete(customerId);
        this.entries.set(customerId, kept);
        if (tail.length > 0) {
          kept.state.extend(tail);
          for (const e of tail) kept.events.push(e);
          this.total += tail.length;
        }
        this.evict(customerId);
        return kept;
      }
      const state = new CustomerFoldState();
      // What the read model projected comes with its stored scores (no rescoring); the rest is folded as a batch is.
      const [row] = await this.db.query(`SELECT stream_version FROM customer_health WHERE customer_id = $1`, [customerId]);
      const projected = Math.min(tail.length, Number(row?.stream_version ?? 0));
      const known = projected > 0 ? await storedScores(this.db, [customerId]) : undefined;
      state.extend(tail.slice(0, projected), known);
      state.extend(tail.slice(projected));
      const entry = { events: tail, state };
      this.entries.set(customerId, entry);
      this.total += tail.length;
      this.evict(customerId);
      return entry;
    } catch (err) {
      // A fold that threw half-way is no fold: never keep it.
      if (this.entries.delete(customerId) && kept) this.total -= kept.events.length;
      throw err;
    }
  }

  private evict(keep: string): void {
    for (const [id, e] of this.entries) {
      if (this.total <= this.maxEvents) return;
      if (id === keep) continue;
      this.entries.delete(id);
      this.total -= e.events.length;
    }
  }
}
