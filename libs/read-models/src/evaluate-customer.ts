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
