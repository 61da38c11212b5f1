/**
 * The business times the domain works with: what ISO-8601 writes with a four-digit year and
 * what Postgres' `timestamptz` reads. A time outside it (year 0000, an extended `+010000-…`
 * year) is no time the domain can place: JavaScript parses year 0000 happily, but its ISO text
 * is refused by every typed column, so such a value counts as unusable, like an unparsable one.
 * The API refuses these at the door (1970 up to 5 minutes ahead); this is for what the log holds.
 */
export const EARLIEST_BUSINESS_TIME_MS = Date.parse('0001-01-01T00:00:00.000Z');
export const LATEST_BUSINESS_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Epoch milliseconds of an ISO string inside the business range; NaN otherwise (absent, unparsable, out of range). */
export function businessTimeMs(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  const t = Date.parse(value);
  return t >= EARLIEST_BUSINESS_TIME_MS && t <= LATEST_BUSINESS_TIME_MS ? t : NaN;
}

/** The ISO text of a business time, or null when `value` is none (see `businessTimeMs`). */
export function businessTimeIso(value: unknown): string | null {
  const t = businessTimeMs(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
