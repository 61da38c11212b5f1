import { z } from 'zod';
import { amount, count, happenedAt, laterMoment, parseCalendarDate, parseInstant, queryMoment, renewalDate, text, unstorable } from './schema.js';
import { fieldErrors, validateInput } from './validation.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const check = (schema: z.ZodType, value: unknown) => validateInput(z.strictObject({ v: schema }), { v: value }, { now: NOW });
const ok = (schema: z.ZodType, value: unknown) => check(schema, value).ok;
const message = (schema: z.ZodType, value: unknown) => {
  const r = check(schema, value);
  return r.ok ? undefined : r.errors[0].message;
};

describe('parseInstant', () => {
  it('given ISO-8601 date-times with an offset, then their epoch ms', () => {
    expect(parseInstant('2026-03-31T14:00:00Z')).toBe(Date.parse('2026-03-31T14:00:00Z'));
    expect(parseInstant('2026-03-31T16:00:00.5+02:00')).toBe(Date.parse('2026-03-31T14:00:00.500Z'));
    expect(parseInstant('2026-03-31T14:00-0130')).toBe(Date.parse('2026-03-31T15:30:00Z'));
  });

  it('given values JavaScript quietly rolls over or reads as another century, then NaN or the true instant', () => {
    for (const bad of ['2026-02-31T10:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T23:59:60Z', '2026-13-01T00:00:00Z', '2026-01-01T10:00:00+15:00', '2026-01-01T10:00:00', '2026-01-01', ' 2026-01-01T10:00:00Z']) {
      expect({ bad, t: parseInstant(bad) }).toEqual({ bad, t: Number.NaN });
    }
    // Date.UTC reads 0070 as 1970; the year 70 is 1,900 years earlier.
    expect(parseInstant('0070-06-01T00:00:00Z')).toBe(Date.parse('0070-06-01T00:00:00Z'));
    expect(parseInstant('0000-06-01T00:00:00Z')).toBeLessThan(0);
  });

  it('given a calendar date, then UTC midnight, and no 29 February outside leap years', () => {
    expect(parseCalendarDate('2028-02-29')).toBe(Date.UTC(2028, 1, 29));
    expect(parseCalendarDate('2027-02-29')).toBeNaN();
  });
});

describe('instants in a sane range', () => {
  it('given something that happened, then from 1970 up to 5 minutes ahead of now', () => {
    expect(ok(happenedAt(), '1970-01-01T00:00:00Z')).toBe(true);
    expect(ok(happenedAt(), new Date(NOW + 4 * 60_000).toISOString())).toBe(true);
    expect(message(happenedAt(), '1969-12-31T23:59:59Z')).toMatch(/before 1970/);
    expect(message(happenedAt(), '0000-06-01T00:00:00Z')).toMatch(/before 1970/);
    expect(message(happenedAt(), new Date(NOW + 6 * 60_000).toISOString())).toMatch(/5 minutes in the future/);
    expect(message(happenedAt(), 'yesterday')).toMatch(/ISO-8601/);
  });

  it('given a snooze, then after now and at most 366 days ahead', () => {
    expect(ok(laterMoment(), new Date(NOW + 3_600_000).toISOString())).toBe(true);
    expect(message(laterMoment(), new Date(NOW - 1000).toISOString())).toMatch(/future/);
    expect(message(laterMoment(), '9999-12-31T23:59:59Z')).toMatch(/366 days/);
  });

  it('given a renewal date, then a real calendar date from 1970 to 2099 (a date-time keeps its date)', () => {
    expect(ok(renewalDate(), '2027-03-31')).toBe(true);
    expect(ok(renewalDate(), '2027-03-31T00:00:00Z')).toBe(true);
    for (const bad of ['0000-01-01', '9999-12-31', '2027-02-30', '2027-03-31T25:00:00Z', '31.03.2027']) expect({ bad, ok: ok(renewalDate(), bad) }).toEqual({ bad, ok: false });
  });

  it('given a query moment, then a date or date-time from 1970, as a Date', () => {
    const r = validateInput(z.strictObject({ at: queryMoment() }), { at: '2026-02-01' }, { now: NOW });
    expect(r).toEqual({ ok: true, value: { at: new Date('2026-02-01T00:00:00Z') } });
    expect(ok(queryMoment(), '0000-01-01')).toBe(false);
  });
});

describe('values that fit where they are stored', () => {
  it('given text with NUL or a lone surrogate, then refused; paired surrogates (emoji) are fine', () => {
    expect(unstorable('a\u0000b')).toMatch(/U\+0000/);
    expect(unstorable('a\ud800b')).toMatch(/surrogate/);
    expect(unstorable('a\udc00')).toMatch(/surrogate/);
    expect(unstorable('hei 👋')).toBeUndefined();
    expect(ok(text(10), 'x\ud800')).toBe(false);
  });

  it('given counts and amounts, then int4 and numeric(14,2) bounds', () => {
    expect(ok(count(), 2_147_483_647)).toBe(true);
    for (const bad of [2_147_483_648, 1e300, -1, 1.5]) expect({ bad, ok: ok(count(), bad) }).toEqual({ bad, ok: false });
    expect(ok(amount(), 999_999_999_999.99)).toBe(false);
    expect(ok(amount(), 999_999_999_999)).toBe(true);
    expect(ok(amount(), 12.34)).toBe(true);
    expect(ok(amount(), 1.005)).toBe(false);
  });
});

describe('fieldErrors', () => {
  it('given nested issues and unknown keys, then one entry per field with a contract path', () => {
    const schema = z.strictObject({ touchpoints: z.array(z.strictObject({ channel: z.enum(['phone']), n: count() })) });
    const r = validateInput(schema, { touchpoints: [{ channel: 'phone', n: 1 }, { channel: 'fax', n: 1e300, __proto__x: 1 }], extra: 1 }, { now: NOW });
    expect(r.ok).toBe(false);
    expect((r as { errors: unknown[] }).errors).toEqual([
      { path: 'touchpoints[1].channel', message: 'must be one of: phone' },
      { path: 'touchpoints[1].n', message: expect.any(String) },
      { path: 'touchpoints[1].__proto__x', message: 'unknown field; it should not exist' },
      { path: 'extra', message: 'unknown field; it should not exist' },
    ]);
  });

  it('given an own __proto__ key from JSON.parse, then it is an unknown field', () => {
    const r = validateInput(z.strictObject({ a: z.number() }), JSON.parse('{"a":1,"__proto__":{"admin":true}}'), { now: NOW });
    expect(r).toEqual({ ok: false, errors: [{ path: '__proto__', message: 'unknown field; it should not exist' }] });
  });

  it('given a body that is not an object, or a missing field, then the path is body, or the field is required', () => {
    expect(validateInput(z.strictObject({ a: z.number() }), 3)).toEqual({ ok: false, errors: [{ path: 'body', message: 'must be an object' }] });
    expect(validateInput(z.strictObject({ a: z.number() }), {})).toEqual({ ok: false, errors: [{ path: 'a', message: 'is required' }] });
    expect(fieldErrors([{ code: 'invalid_type', expected: 'object', path: [], message: '', input: 3 } as never], '', 'query')).toEqual([{ path: 'query', message: 'must be an object' }]);
  });
});
