import { businessTimeIso, businessTimeMs } from './business-time.js';

describe('business time', () => {
  it('given a time in year 0000, when read, then it is unusable (Postgres refuses its ISO text)', () => {
    expect(Number.isNaN(Date.parse('0000-06-01T00:00:00Z'))).toBe(false); // JavaScript takes it …
    expect(businessTimeMs('0000-06-01T00:00:00Z')).toBeNaN(); // … the domain does not
    expect(businessTimeIso('0000-06-01T00:00:00Z')).toBeNull();
  });

  it('given extended years, garbage or no string, when read, then each is unusable', () => {
    for (const v of ['+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', 'yesterday', '', null, undefined, 42, {}]) {
      expect(businessTimeMs(v)).toBeNaN();
    }
  });

  it('given times from year 1 to 9999, when read, then they keep their value', () => {
    expect(businessTimeIso('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z');
    expect(businessTimeIso('2026-03-01T10:00:00+01:00')).toBe('2026-03-01T09:00:00.000Z');
    expect(businessTimeIso('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
  });
});
