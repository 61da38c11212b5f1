import { z } from 'zod';

/*
 * Building blocks of the request schemas (zod). Every value that enters through the API or a
 * webhook is checked here to fit where it will be stored: text Postgres can store (no NUL, no
 * lone UTF-16 surrogate), integers that fit an int4 column, amounts that fit numeric(14,2), and
 * instants in a sane range. The ranges are documented in docs/input-validation.md.
 */

/** Clock skew allowance: a fact may be stamped a little ahead of our clock, never more. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
/** The largest value of a Postgres integer column. */
export const INT4_MAX = 2_147_483_647;
const DAY_MS = 24 * 60 * 60 * 1000;

// "Now" for one synchronous parse (validateInput sets it), so every instant of one body is judged
// against the same moment and tests and the webhook receiver can pass their clock.
let parseNow: number | undefined;
export const validationNow = (): number => parseNow ?? Date.now();

/** Runs `fn` with `now` as the validation clock (synchronous only). */
export function withValidationNow<T>(now: number, fn: () => T): T {
  const outer = parseNow;
  parseNow = now;
  try {
    return fn();
  } finally {
    parseNow = outer;
  }
}

const wellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** Why a string cannot be stored as text or jsonb, or undefined when it can. */
export function unstorable(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!wellFormed(s)) return 'must not contain a lone UTF-16 surrogate (e.g. \\ud800)';
  return undefined;
}

/** `s` with NUL and lone surrogates replaced (for messages that quote input), storable as text. */
export const storableText = (s: string): string => (s as string & { toWellFormed(): string }).toWellFormed().split('\u0000').join('\\u0000');

/** Text of at most `max` characters (at least `min`) that Postgres can store. */
export function text(max: number, min = 0) {
  let s = z.string();
  if (min > 0) s = s.min(min);
  return s.max(max).check((ctx) => {
    if (ctx.value.length > max) return; // already refused; no scan of a huge string
    const why = unstorable(ctx.value);
    if (why) ctx.issues.push({ code: 'custom', message: why, input: ctx.value });
  });
}

export const uuid = () => z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID').meta({ format: 'uuid' });

/** A non-negative integer that fits an int4 column. */
export const count = () => z.number().int().min(0).max(INT4_MAX);

/** An amount that fits numeric(14,2): 0 to 999,999,999,999, at most two decimals. */
export const amount = () =>
  z
    .number()
    .min(0)
    .max(999_999_999_999)
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'must have at most two decimals');

// ISO-8601 date-time with an offset (the contract: "Times are ISO-8601 with offset").
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Date.UTC reads years 0-99 as 1900-1999; a 400-year Gregorian cycle (146,097 days) later it does not.
const CYCLE_MS = 146_097 * 24 * 60 * 60 * 1000;
const utc = (y: number, mo: number, d = 1, h = 0, mi = 0, s = 0, ms = 0) => (y < 100 ? Date.UTC(y + 400, mo, d, h, mi, s, ms) - CYCLE_MS : Date.UTC(y, mo, d, h, mi, s, ms));
const daysIn = (y: number, m: number) => new Date(utc(y, m, 0)).getUTCDate();

/**
 * Epoch ms of an ISO-8601 date-time with offset, or NaN. Strict: no 31 February, no 24:00, no
 * leap second, offsets within ±14:00 (JavaScript's own parser quietly rolls such values over).
 */
export function parseInstant(s: string): number {
  const m = DATE_TIME.exec(s);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi] = [+m[1], +m[2], +m[3], +m[4], +m[5]];
  const sec = m[6] === undefined ? 0 : +m[6];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59) return Number.NaN;
  let offsetMin = 0;
  if (m[8].toUpperCase() !== 'Z') {
    const oh = +m[10];
    const om = +m[11];
    if (oh > 14 || om > 59 || (oh === 14 && om > 0)) return Number.NaN;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[7] === undefined ? 0 : Math.floor(+`0.${m[7]}` * 1000);
  return utc(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000;
}

/** Epoch ms of a calendar date `YYYY-MM-DD` (UTC midnight), or NaN. */
export function parseCalendarDate(s: string): number {
  const m = DATE.exec(s);
  if (!m) return Number.NaN;
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return Number.NaN;
  return utc(y, mo - 1, d);
}

export interface InstantRange {
  /** Earliest allowed (epoch ms); default 1970-01-01T00:00:00Z. */
  min?: number;
  /** Latest allowed, relative to the validation clock (ms ahead of now). */
  maxAhead: number;
  /** Also refuse anything not after now (e.g. a snooze). */
  future?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** An ISO-8601 date-time with offset in a range; the ranges in use are below. */
export function instant(range: InstantRange, description?: string) {
  const min = range.min ?? 0;
  return z
    .string()
    .max(64)
    .check((ctx) => {
      if (ctx.value.length > 64) return;
      const t = parseInstant(ctx.value);
      const fail = (message: string) => void ctx.issues.push({ code: 'custom', message, input: ctx.value });
      if (Number.isNaN(t)) return fail('must be an ISO-8601 date-time with offset, e.g. 2026-03-31T14:00:00Z');
      const now = validationNow();
      if (t < min) return fail(`must not be before ${iso(min)}`);
      if (range.future && t <= now) return fail('must be in the future');
      if (t > now + range.maxAhead) {
        return fail(range.maxAhead === FUTURE_TOLERANCE_MS ? 'must not be more than 5 minutes in the future' : `must not be more than ${Math.round(range.maxAhead / DAY_MS)} days ahead`);
      }
    })
    .meta({ format: 'date-time', ...(description ? { description } : {}) });
}

/** Something that happened: from 1970-01-01 up to 5 minutes ahead of now (clock skew). */
export const happenedAt = (description?: string) => instant({ maxAhead: FUTURE_TOLERANCE_MS }, description ?? 'From 1970-01-01, not more than 5 minutes in the future.');

/** A moment to come back to (snooze): after now, at most a year ahead. */
export const SNOOZE_MAX_AHEAD_MS = 366 * DAY_MS;
export const laterMoment = (description?: string) => instant({ maxAhead: SNOOZE_MAX_AHEAD_MS, future: true }, description ?? 'After now, at most 366 days ahead.');

/** A moment a query asks about (asOf, from, to, before): 1970-01-01 up to 100 years ahead. */
export const QUERY_MAX_AHEAD_MS = 100 * 366 * DAY_MS;

/** Epoch ms of a date (UTC midnight) or a date-time with offset, or NaN. */
export const parseMoment = (s: string): number => (s.length === 10 ? parseCalendarDate(s) : parseInstant(s));

/** Why `ms` is no moment a query may ask about, or undefined. */
export function queryMomentProblem(ms: number): string | undefined {
  if (Number.isNaN(ms)) return 'must be an ISO-8601 date or date-time with offset, e.g. 2026-03-31 or 2026-03-31T14:00:00Z';
  if (ms < 0) return 'must not be before 1970-01-01T00:00:00.000Z';
  if (ms > validationNow() + QUERY_MAX_AHEAD_MS) return 'must not be more than 100 years ahead';
  return undefined;
}

/** A query's moment (a date or a date-time with offset, 1970 up to 100 years ahead), as a Date. */
export const queryMoment = (description?: string) =>
  z
    .string()
    .max(64)
    .check((ctx) => {
      if (ctx.value.length > 64) return;
      const why = queryMomentProblem(parseMoment(ctx.value));
      if (why) ctx.issues.push({ code: 'custom', message: why, input: ctx.value });
    })
    .meta({ format: 'date-time', ...(description ? { description } : {}) })
    .transform((v) => new Date(parseMoment(v)));

/** Renewal dates: calendar dates from 1970-01-01 to 2099-12-31 (a full date-time keeps its date part). */
export const RENEWAL_MIN = '1970-01-01';
export const RENEWAL_MAX = '2099-12-31';
export const renewalDate = () =>
  z
    .string()
    .max(64)
    .check((ctx) => {
      if (ctx.value.length > 64) return;
      const date = ctx.value.slice(0, 10);
      const ok = ctx.value.length === 10 ? !Number.isNaN(parseCalendarDate(date)) : !Number.isNaN(parseInstant(ctx.value)) && !Number.isNaN(parseCalendarDate(date));
      if (!ok) return void ctx.issues.push({ code: 'custom', message: 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time', input: ctx.value });
      if (date < RENEWAL_MIN || date > RENEWAL_MAX) ctx.issues.push({ code: 'custom', message: `must be between ${RENEWAL_MIN} and ${RENEWAL_MAX}`, input: ctx.value });
    })
    .meta({ format: 'date', description: `A calendar date from ${RENEWAL_MIN} to ${RENEWAL_MAX}.` });

/** A positive integer from a query string (`?limit=50`). */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\s*\+?\d{1,10}\s*$/, 'must be an integer number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/**
 * An e-mail address as people type it (Unicode allowed, as the login accepts it): one `@`, a
 * local part and a dotted domain, no spaces; at most 254 characters.
 */
export const email = () =>
  text(254, 1)
    .regex(/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u, 'must be an e-mail address')
    .meta({ format: 'email' });
