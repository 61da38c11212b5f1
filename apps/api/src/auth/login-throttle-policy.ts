import { isIPv4, isIPv6 } from 'node:net';

/**
 * When a login may be tried (pure: the counters and `now` come in). Three counters, each of
 * failed logins only, and the address the account signed in from before:
 * - per (account, address): the first `freeFailures` are free; then each try waits 1 s, 2 s,
 *   4 s… (up to `backoffMaxSeconds`) after the last failure; an hour without failure resets it;
 * - per account, from every address: above `accountCeiling` in 15 minutes, only addresses the
 *   account signed in from before (within 90 days) may still try;
 * - per address, over every account (spraying): above `addressCeiling` in 15 minutes, the same.
 * So an attacker slows down their own address, never the account's owner at theirs.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  backoffMaxSeconds: number;
  accountCeiling: number;
  addressCeiling: number;
}

export const WINDOW_SECONDS = 15 * 60;
export const PAIR_RESET_SECONDS = 60 * 60;
export const KNOWN_ADDRESS_DAYS = 90;

export interface Counter {
  failures: number;
  windowStartedAt: Date | null;
  lastFailureAt: Date | null;
}

export interface ThrottleState {
  pair: Counter;
  account: Counter;
  address: Counter;
  /** The account signed in from this address within KNOWN_ADDRESS_DAYS. */
  known: boolean;
}

export type Verdict = { allowed: true } | { allowed: false; reason: 'backoff' | 'account' | 'address'; retryAfterSeconds: number };

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

/** Failures that still count: the pair's since its last quiet hour, the others' in their window. */
export function effectiveFailures(c: Counter, kind: 'pair' | 'window', now: Date): number {
  if (kind === 'pair') return c.lastFailureAt && seconds(c.lastFailureAt, now) < PAIR_RESET_SECONDS ? c.failures : 0;
  return c.windowStartedAt && seconds(c.windowStartedAt, now) < WINDOW_SECONDS ? c.failures : 0;
}

/** How long after its last failure a pair with `failures` failures waits before the next try. */
export function backoffSeconds(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(2 ** Math.min(failures - policy.freeFailures, 30), policy.backoffMaxSeconds);
}

export function decide(state: ThrottleState, now: Date, policy: ThrottlePolicy): Verdict {
  const pairFailures = effectiveFailures(state.pair, 'pair', now);
  const wait = backoffSeconds(pairFailures, policy);
  if (wait > 0 && state.pair.lastFailureAt) {
    const left = wait - seconds(state.pair.lastFailureAt, now);
    if (left > 0) return { allowed: false, reason: 'backoff', retryAfterSeconds: Math.ceil(left) };
  }
  if (state.known) return { allowed: true };
  const windowLeft = (c: Counter) => Math.max(1, Math.ceil(WINDOW_SECONDS - seconds(c.windowStartedAt!, now)));
  if (effectiveFailures(state.account, 'window', now) >= policy.accountCeiling) return { allowed: false, reason: 'account', retryAfterSeconds: windowLeft(state.account) };
  if (effectiveFailures(state.address, 'window', now) >= policy.addressCeiling) return { allowed: false, reason: 'address', retryAfterSeconds: windowLeft(state.address) };
  return { allowed: true };
}

/** The counter after one more failure at `now`. */
export function counted(c: Counter, kind: 'pair' | 'window', now: Date): Counter {
  const failures = effectiveFailures(c, kind, now);
  const fresh = kind === 'window' && failures === 0;
  return { failures: failures + 1, windowStartedAt: fresh || !c.windowStartedAt ? now : c.windowStartedAt, lastFailureAt: now };
}

/**
 * The address a limit applies to: an IPv4 address, or the /64 of an IPv6 one (a single host
 * usually holds a whole /64, so per-address limits on full IPv6 addresses limit nothing).
 */
export function addressOf(ip: string | null | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('%')[0].toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
