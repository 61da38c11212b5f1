import { computeHealth, foldCustomer, type CustomerFold, type FoldEvent, type FoldOptions, type HealthConfig, type HealthView } from '../../relationship/src/index.js';

export interface CustomerEvaluation {
  fold: CustomerFold;
  /** null when no event is known yet. */
  view: HealthView | null;
}

/**
 * Folds a customer's stream and evaluates health at `at` (default: the latest recordedAt among
 * the folded events, a time taken from the log, so a rebuild gives the same rows). The
 * projection, `health?asOf=` and the follow-up worker all come through here.
 */
export function evaluateCustomer(events: readonly FoldEvent[], opts: FoldOptions & { at?: Date; health?: HealthConfig } = {}): CustomerEvaluation {
  const fold = foldCustomer(events, opts);
  const at = opts.at ?? (fold.lastRecordedAt ? new Date(fold.lastRecordedAt) : undefined);
  if (!at) return { fold, view: null };
  return { fold, view: computeHealth(fold.input, at, opts.health) };
}

/** The events health counts: touchpoints, outcomes and the scheduled checks' facts. */
const CONSIDERED = new Set(['TouchpointRecorded', 'OutcomeRecorded', 'AccountManagerPulseRecorded', 'InboundMessageWentUnanswered', 'RelationshipWentQuiet']);

/** When the first event health counts was recorded (knowledge time, ISO), or null when none is among `events`. */
export function firstRecordedOf(events: readonly FoldEvent[]): string | null {
  let first = Infinity;
  for (const e of events) {
    if (!CONSIDERED.has(e.type)) continue;
    const t = e.recordedAt instanceof Date ? e.recordedAt.getTime() : Date.parse(e.recordedAt);
    if (t < first) first = t;
  }
  return Number.isFinite(first) ? new Date(first).toISOString() : null;
}
