import { computeHealth, foldCustomer, type CustomerFold, type FoldEvent, type FoldOptions, type HealthConfig, type HealthView } from '../../relationship/src/index.js';

export interface Evaluation {
  fold: CustomerFold;
  /** null when no event is known yet. */
  view: HealthView | null;
}

/**
 * Folds a customer's stream and evaluates health at `at` (default: the latest recordedAt among
 * the folded events, a time taken from the log, so a rebuild gives the same rows). The
 * projection, `health?asOf=` and the follow-up worker all come through here.
 */
export function evaluateCustomer(events: readonly FoldEvent[], opts: FoldOptions & { at?: Date; health?: HealthConfig } = {}): Evaluation {
  const fold = foldCustomer(events, opts);
  const at = opts.at ?? (fold.lastRecordedAt ? new Date(fold.lastRecordedAt) : undefined);
  if (!at) return { fold, view: null };
  return { fold, view: computeHealth(fold.input, at, opts.health) };
}

/** `customer-<uuid>` → the uuid (null for other streams). */
export function customerIdOf(streamId: string): string | null {
  return streamId.startsWith('customer-') ? streamId.slice('customer-'.length) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuidOrNull = (v: unknown): string | null => (typeof v === 'string' && UUID.test(v) ? v : null);
