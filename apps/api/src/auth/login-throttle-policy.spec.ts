import { addressOf, backoffSeconds, counted, decide, type Counter, type ThrottlePolicy, type ThrottleState } from './login-throttle-policy.js';

const policy: ThrottlePolicy = { freeFailures: 5, backoffMaxSeconds: 900, accountCeiling: 100, addressCeiling: 100 };
const t0 = new Date('2026-01-05T09:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const empty: Counter = { failures: 0, windowStartedAt: null, lastFailureAt: null };
const state = (over: Partial<ThrottleState> = {}): ThrottleState => ({ pair: empty, account: empty, address: empty, known: false, ...over });

/** Fails `n` times at one-second steps from `from`, as the service would (decide, then count). */
function failTimes(n: number, s: ThrottleState, from: number): { s: ThrottleState; refused: number } {
  let refused = 0;
  for (let i = 0; i < n; i++) {
    const now = at(from + i);
    if (!decide(s, now, policy).allowed) {
      refused++;
      continue;
    }
    s = { ...s, pair: counted(s.pair, 'pair', now), account: counted(s.account, 'window', now), address: counted(s.address, 'window', now) };
  }
  return { s, refused };
}

describe('login throttle policy', () => {
  it('given five failures from one address, then the sixth try waits 1 s, and the waits double up to the maximum', () => {
    expect([4, 5, 6, 7, 14, 15, 40].map((f) => backoffSeconds(f, policy))).toEqual([0, 1, 2, 4, 512, 900, 900]);
    const { s } = failTimes(5, state(), 0);
    expect(decide(s, at(4.5), policy)).toEqual({ allowed: false, reason: 'backoff', retryAfterSeconds: 1 });
    expect(decide(s, at(5), policy).allowed).toBe(true);
  });

  it('given ten quick failures from one address, then only the free ones and the waited-for ones were tried', () => {
    const { s, refused } = failTimes(10, state(), 0);
    expect(s.pair.failures).toBe(10 - refused);
    expect(refused).toBeGreaterThan(0);
  });

  it('given an attacker slowed down at their address, then the same account from another address is not affected', () => {
    const { s } = failTimes(10, state(), 0);
    expect(decide({ ...s, pair: empty, address: empty }, at(10), policy).allowed).toBe(true);
  });

  it('given the account over its ceiling, then unknown addresses are refused until the window ends and known ones may still try', () => {
    const account: Counter = { failures: 100, windowStartedAt: at(0), lastFailureAt: at(60) };
    expect(decide(state({ account }), at(300), policy)).toEqual({ allowed: false, reason: 'account', retryAfterSeconds: 600 });
    expect(decide(state({ account, known: true }), at(300), policy).allowed).toBe(true);
    expect(decide(state({ account }), at(900), policy).allowed).toBe(true);
  });

  it('given an address spraying many accounts, then it is refused past its ceiling, except for an account it signed in to before', () => {
    const address: Counter = { failures: 100, windowStartedAt: at(0), lastFailureAt: at(10) };
    expect(decide(state({ address }), at(20), policy)).toMatchObject({ allowed: false, reason: 'address' });
    expect(decide(state({ address, known: true }), at(20), policy).allowed).toBe(true);
  });

  it('given a known address, then its own backoff still applies', () => {
    const { s } = failTimes(6, state({ known: true }), 0);
    expect(decide(s, at(5.5), policy)).toMatchObject({ allowed: false, reason: 'backoff' });
  });

  it('given an hour without failures, then the pair starts over; given 15 minutes, the window counters do', () => {
    const pair: Counter = { failures: 14, windowStartedAt: at(0), lastFailureAt: at(0) };
    expect(counted(pair, 'pair', at(3599)).failures).toBe(15);
    expect(counted(pair, 'pair', at(3600)).failures).toBe(1);
    const window: Counter = { failures: 40, windowStartedAt: at(0), lastFailureAt: at(800) };
    expect(counted(window, 'window', at(899))).toEqual({ failures: 41, windowStartedAt: at(0), lastFailureAt: at(899) });
    expect(counted(window, 'window', at(900))).toEqual({ failures: 1, windowStartedAt: at(900), lastFailureAt: at(900) });
  });

  it('given IPv6 addresses of one /64, then they are one address; IPv4 and IPv4-mapped addresses are themselves', () => {
    expect(addressOf('2001:db8:1:2:aaaa::1')).toBe(addressOf('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(addressOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressOf('2001:db8:1:3::1')).not.toBe(addressOf('2001:db8:1:2::1'));
    expect(addressOf('::1')).toBe('0:0:0:0::/64');
    expect(addressOf('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressOf('10.1.2.3')).toBe('10.1.2.3');
    expect(addressOf(undefined)).toBe('unknown');
  });
});
