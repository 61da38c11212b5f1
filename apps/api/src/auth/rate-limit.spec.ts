import type { AppConfig } from '../../../../libs/shared/src/index.js';
import { ProblemException } from '../../../../libs/shared/src/index.js';
import { RateLimiter } from './rate-limit.js';

const limiter = (limit: number) => new RateLimiter({ RATE_LIMIT_PER_MINUTE: limit } as AppConfig);

describe('general rate limit', () => {
  it('given a limit of 3 a minute, when a client sends a 4th request, then it is 429 with Retry-After', () => {
    const l = limiter(3);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) l.hit('1.2.3.4', t0 + i);
    let thrown: unknown;
    try {
      l.hit('1.2.3.4', t0 + 10_000);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ProblemException);
    const p = thrown as ProblemException;
    expect(p.problem.status).toBe(429);
    expect(p.headers['Retry-After']).toBe('50');
  });

  it('given one busy client, then another client is not affected', () => {
    const l = limiter(1);
    l.hit('a', 0);
    expect(() => l.hit('a', 1)).toThrow();
    expect(() => l.hit('b', 2)).not.toThrow();
  });

  it('given a new minute, then the count starts over', () => {
    const l = limiter(1);
    l.hit('a', 0);
    expect(() => l.hit('a', 59_999)).toThrow();
    expect(() => l.hit('a', 60_000)).not.toThrow();
  });
});

describe('who a client is', () => {
  it('given a credential the guard accepted as a source, when checked, then it is known as that source until forgotten', () => {
    const l = limiter(1);
    l.trust('hash-1', 'source', 's1', 0);
    expect(l.knownAs('hash-1', 1)).toMatchObject({ kind: 'source', id: 's1' });
    l.forget('hash-1');
    expect(l.knownAs('hash-1', 2)).toBeUndefined();
  });

  it('given a credential accepted long ago and not used since, then it is no longer known', () => {
    const l = limiter(1);
    l.trust('hash-2', 'user', 'u1', 0);
    expect(l.knownAs('hash-2', 10 * 60_000)).toBeUndefined();
  });

  it('given refused webhooks counted after the fact, when the address is past the limit, then its next delivery is refused before it is read', () => {
    const l = limiter(2);
    expect(() => l.check('ip:9.9.9.9', 0)).not.toThrow();
    l.count('ip:9.9.9.9', 1);
    l.count('ip:9.9.9.9', 2);
    expect(() => l.check('ip:9.9.9.9', 3)).toThrow(ProblemException);
    expect(() => l.check('ip:8.8.8.8', 4)).not.toThrow();
  });
});
