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
