// The backtest's rows: for each customer and monthly cut-off, the churn features as the product
// would have computed them then, and whether a churn followed within the horizon.
import { createHash } from 'node:crypto';
import { businessTimeMs, churnAssessment, CustomerFoldState, type ChurnFeatures, type FoldEvent, type HealthConfig } from '../../libs/relationship/src/index.js';

/**
 * Which clock says what was known at a cut-off.
 * - `knowledge`: events *recorded* by the cut-off (what the product really knew then; the honest test).
 * - `occurred`: events that *happened* by the cut-off, for a log whose history was imported in one
 *   go (the demo): recorded today, nothing was known at a past cut-off. Touchpoints and outcomes by
 *   occurredAt, an unanswered-message fact from when its SLA ran out, a silence fact by observedAt;
 *   the customer's details as recorded (their renewal date is today's, a known leak, see docs/backtest.md).
 */
export type TimeBasis = 'knowledge' | 'occurred';

export interface BacktestRow {
  customerId: string;
  cutoff: string;
  features: ChurnFeatures;
  y: 0 | 1;
  /** Health then, for the reader (not a feature). */
  score: number;
  band: string;
}

export interface DatasetOptions {
  horizonDays: number;
  basis: TimeBasis;
  config: HealthConfig;
  /** Cut-offs to use (UTC ms); default: every month boundary from `firstCutoff` with a whole horizon after it. */
  cutoffs?: number[];
}

const DAY = 86_400_000;

const recordedMs = (e: FoldEvent) => (e.recordedAt instanceof Date ? e.recordedAt.getTime() : Date.parse(e.recordedAt));

/** When an event counts as known under `basis` (NaN: never). */
export function knownAtMs(e: FoldEvent, basis: TimeBasis, tpTimes: ReadonlyMap<string, number>): number {
  if (basis === 'knowledge') return recordedMs(e);
  const d = e.data ?? {};
  switch (e.type) {
    case 'TouchpointRecorded':
    case 'OutcomeRecorded':
      return businessTimeMs(d.occurredAt);
    case 'InboundMessageWentUnanswered': {
      const observed = businessTimeMs(d.observedAt);
      const message = tpTimes.get(d.touchpointId);
      const due = message !== undefined && Number.isFinite(Number(d.slaHours)) ? message + Number(d.slaHours) * 3_600_000 : NaN;
      return Number.isFinite(due) ? Math.min(due, Number.isFinite(observed) ? observed : Infinity) : observed;
    }
    case 'RelationshipWentQuiet':
    case 'HealthBandChanged':
      return businessTimeMs(d.observedAt);
    default:
      // Who the customer is: known from the start under this basis.
      return -Infinity;
  }
}

/** A churn outcome's time under `basis` (NaN: not a churn). */
function churnMs(e: FoldEvent, basis: TimeBasis): number {
  if (e.type !== 'OutcomeRecorded' || e.data?.outcome !== 'churned') return NaN;
  return basis === 'knowledge' ? recordedMs(e) : businessTimeMs(e.data.occurredAt);
}

/** The span of the log under `basis`: first and last known times of touchpoints and outcomes. */
export function logSpan(streams: ReadonlyMap<string, readonly FoldEvent[]>, basis: TimeBasis): { first: number; last: number } {
  let first = Infinity;
  let last = -Infinity;
  for (const events of streams.values()) {
    for (const e of events) {
      if (e.type !== 'TouchpointRecorded' && e.type !== 'OutcomeRecorded') continue;
      const t = knownAtMs(e, basis, new Map());
      if (!Number.isFinite(t)) continue;
      if (t < first) first = t;
      if (t > last) last = t;
    }
  }
  return { first, last };
}

/** UTC month starts after `first` + 30 days (a month of history) whose horizon ends by `last`. */
export function monthlyCutoffs(first: number, last: number, horizonDays: number): number[] {
  if (!Number.isFinite(first) || !Number.isFinite(last)) return [];
  const out: number[] = [];
  const start = new Date(first + 30 * DAY);
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth() + 1;
  for (;;) {
    const t = Date.UTC(y, m, 1);
    if (t + horizonDays * DAY > last) break;
    out.push(t);
    if (++m === 12) {
      m = 0;
      y++;
    }
  }
  return out;
}

/**
 * One row per customer and cut-off: the customer had a touchpoint known by then and had not
 * churned (an already lost customer is no prediction). The features come from the projection's
 * own incremental fold (`CustomerFoldState`) and health functions (`churnAssessment`).
 */
export function backtestRows(streams: ReadonlyMap<string, readonly FoldEvent[]>, cutoffs: readonly number[], opts: DatasetOptions): BacktestRow[] {
  const rows: BacktestRow[] = [];
  const horizon = opts.horizonDays * DAY;
  for (const [customerId, events] of streams) {
    const tpTimes = new Map<string, number>();
    for (const e of events) if (e.type === 'TouchpointRecorded' && e.data?.id) tpTimes.set(e.data.id, businessTimeMs(e.data.occurredAt));
    // The events in the order they became known (stable, so a knowledge-time log keeps its stream
    // order): each cut-off's events are a prefix, and one fold state is extended from cut-off to
    // cut-off, as the projection extends its fold batch by batch.
    const order = events.map((e, i) => ({ e, t: knownAtMs(e, opts.basis, tpTimes), i })).filter((x) => !Number.isNaN(x.t));
    order.sort((a, b) => a.t - b.t || a.i - b.i);
    const churns = events.map((e) => churnMs(e, opts.basis)).filter((t) => Number.isFinite(t));
    const state = new CustomerFoldState();
    let taken = 0;
    let touchpoints = 0;
    for (const C of cutoffs) {
      let end = taken;
      while (end < order.length && order[end].t <= C) if (order[end++].e.type === 'TouchpointRecorded') touchpoints++;
      if (end > taken) state.extend(order.slice(taken, end).map((x) => x.e));
      taken = end;
      if (touchpoints === 0) continue;
      const a = churnAssessment(state.fold().input, new Date(C), opts.config);
      if (a.features.churned === 1) continue;
      const y = churns.some((t) => t > C && t <= C + horizon) ? 1 : 0;
      rows.push({ customerId, cutoff: new Date(C).toISOString(), features: a.features, y, score: a.score, band: a.band });
    }
  }
  return rows;
}

/** The customer split, fixed by id: about 30% of customers are held out for reporting and never fitted on. */
export function isHeldOutCustomer(customerId: string): boolean {
  return createHash('sha256').update(customerId).digest()[0] < 77;
}

/** Cross-validation fold (0–4) of a training customer. */
export function cvFoldOf(customerId: string): number {
  return createHash('sha256').update(`cv:${customerId}`).digest()[0] % 5;
}
