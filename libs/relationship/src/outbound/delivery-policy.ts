/**
 * What to do after one outbound delivery attempt: delivered, retry after a delay, or give up.
 * Pure: the time and the random draw for jitter come in as arguments.
 */

export interface DeliveryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** The first retry waits about this long; each further retry doubles it. */
  baseDelayMs: number;
  /** Ceiling of the exponential backoff. */
  maxDelayMs: number;
  /** Ceiling of a receiver's Retry-After (a receiver cannot park a delivery for days). */
  maxRetryAfterMs: number;
  /** 0..1: the share of each backoff delay that is random (spreads retries of many receivers). */
  jitter: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 1000,
  maxDelayMs: 3_600_000,
  maxRetryAfterMs: 3_600_000,
  jitter: 0.5,
};

/** The result of one attempt as seen by the sender. */
export type AttemptResult =
  | { kind: 'response'; status: number; retryAfter?: string | null }
  /** timeout / connection: worth retrying; refused: the target is not allowed (private address); invalid: the URL cannot be used. */
  | { kind: 'error'; error: 'timeout' | 'connection' | 'refused' | 'invalid'; message: string };

export type DeliveryDecision =
  | { outcome: 'delivered' }
  | { outcome: 'retry'; delayMs: number; reason: string; retryAfterHonoured: boolean }
  | { outcome: 'failed'; reason: string; permanent: boolean };

/**
 * Parses a Retry-After header: delay-seconds or an HTTP date. Returns milliseconds from `now`
 * (0 for a date in the past), or null when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  if (header === null || header === undefined) return null;
  const v = header.trim();
  if (v === '') return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Only the HTTP-date forms (they all name a weekday or month in letters); never a bare number.
  if (!/[a-z]/i.test(v)) return null;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/** Exponential backoff with jitter for the retry after `attempt` (1-based). `random` is in [0, 1). */
export function backoffDelay(attempt: number, policy: DeliveryPolicy, random: number): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.max(1, Math.floor(full * (1 - jitter) + full * jitter * Math.min(Math.max(random, 0), 1)));
}

/**
 * The decision after attempt number `attempt` (1-based):
 * - 2xx: delivered.
 * - 3xx: permanent failure. Redirects are never followed (a redirect could lead to an address
 *   the subscription check refused), and retrying the same URL gets the same redirect.
 * - 408, 429, 5xx, timeouts and connection errors: retried with backoff; on 429 and 503 a
 *   readable Retry-After replaces the backoff (capped).
 * - other 4xx, a refused target or an unusable URL: permanent failure.
 * - when the attempts are used up: failed (not permanent; ops may retry it).
 */
export function decideDelivery(result: AttemptResult, attempt: number, policy: DeliveryPolicy, now: Date, random: number): DeliveryDecision {
  let reason: string;
  let retryAfterMs: number | null = null;
  if (result.kind === 'response') {
    const s = result.status;
    if (s >= 200 && s < 300) return { outcome: 'delivered' };
    if (s >= 300 && s < 400) return { outcome: 'failed', reason: `HTTP ${s}: redirect not followed`, permanent: true };
    const retryable = s === 408 || s === 429 || s >= 500;
    if (!retryable) return { outcome: 'failed', reason: `HTTP ${s}`, permanent: true };
    reason = `HTTP ${s}`;
    if (s === 429 || s === 503) retryAfterMs = parseRetryAfter(result.retryAfter, now);
  } else {
    if (result.error === 'refused' || result.error === 'invalid') return { outcome: 'failed', reason: result.message, permanent: true };
    reason = result.message;
  }
  if (attempt >= policy.maxAttempts) return { outcome: 'failed', reason: `${reason} (after ${attempt} attempts)`, permanent: false };
  if (retryAfterMs !== null) return { outcome: 'retry', delayMs: Math.max(1, Math.min(retryAfterMs, policy.maxRetryAfterMs)), reason, retryAfterHonoured: true };
  return { outcome: 'retry', delayMs: backoffDelay(attempt, policy, random), reason, retryAfterHonoured: false };
}
