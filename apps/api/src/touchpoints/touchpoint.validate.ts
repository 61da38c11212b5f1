import { CHANNELS } from '../../../../libs/relationship/src/index.js';
import { ProblemException, type ProblemFieldError } from '../../../../libs/shared/src/index.js';
import { FUTURE_TOLERANCE_MS, type TouchpointDto } from './touchpoint.dto.js';

/*
 * Hand-written validation of the touchpoint body. It follows the DTO (touchpoint.dto.ts, which
 * documents the shape in OpenAPI) rule for rule; class-validator takes ~1 ms per item, which
 * would make a 1,000-item batch spend a second validating before it touches the database.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ISO-8601 date-time with an offset (the contract: "Times are ISO-8601 with offset").
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const LANGUAGE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;
const CHANNEL_SET = new Set<string>(CHANNELS);
const SURVEY_RANGES: Record<string, [number, number]> = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };

const FIELDS = new Set([
  'id', 'externalId', 'customerId', 'customerExternalId', 'customerName', 'channel', 'direction', 'initiatedBy', 'handledBy', 'occurredAt', 'agent',
  'durationSeconds', 'waitSeconds', 'handoffs', 'resolved', 'topic', 'subject', 'summary', 'transcript', 'survey', 'replyToId', 'language', 'tags',
]);

// Postgres stores no NUL in text or jsonb: refused here with its path, not by the database later (a 500).
const noNul = (what: string) => `${what} must not contain the NUL character (U+0000)`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (base: string, key: string) => (base ? `${base}.${key}` : key);

class Checker {
  constructor(
    readonly errors: ProblemFieldError[],
    readonly nowMs: number,
  ) {}

  fail(path: string, message: string) {
    this.errors.push({ path, message });
  }

  unknownFields(o: Record<string, unknown>, allowed: Set<string>, base: string) {
    for (const k of Object.keys(o)) if (!allowed.has(k)) this.fail(join(base, k), 'unknown field; it should not exist');
  }

  string(o: Record<string, unknown>, key: string, base: string, min: number, max: number, required = false) {
    const v = o[key];
    if (v === undefined || (v === null && !required)) {
      if (required) this.fail(join(base, key), `${key} is required`);
      return;
    }
    if (typeof v !== 'string') return this.fail(join(base, key), `${key} must be a string`);
    if (v.includes('\u0000')) return this.fail(join(base, key), noNul(key));
    if (v.length < min || v.length > max) this.fail(join(base, key), min > 0 ? `${key} must be between ${min} and ${max} characters` : `${key} must be at most ${max} characters`);
  }

  oneOf(o: Record<string, unknown>, key: string, base: string, allowed: Set<string> | readonly string[]) {
    const v = o[key];
    const ok = typeof v === 'string' && (allowed instanceof Set ? allowed.has(v) : allowed.includes(v));
    if (!ok) this.fail(join(base, key), `${key} must be one of: ${[...allowed].join(', ')}`);
  }

  uuid(o: Record<string, unknown>, key: string, base: string) {
    const v = o[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'string' || !UUID.test(v)) this.fail(join(base, key), `${key} must be a UUID`);
  }

  dateTime(o: Record<string, unknown>, key: string, base: string, required: boolean, notFuture: boolean) {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.fail(join(base, key), `${key} must be an ISO-8601 date-time with offset`);
      return;
    }
    const t = typeof v === 'string' && DATE_TIME.test(v) ? Date.parse(v) : NaN;
    if (Number.isNaN(t)) return this.fail(join(base, key), `${key} must be an ISO-8601 date-time with offset`);
    if (notFuture && t > this.nowMs + FUTURE_TOLERANCE_MS) this.fail(join(base, key), `${key} must not be more than 5 minutes in the future`);
  }

  count(o: Record<string, unknown>, key: string, base: string) {
    const v = o[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(join(base, key), `${key} must be a non-negative integer`);
  }
}

/** Validates one touchpoint body; adds `{path, message}` errors under `base` (e.g. `touchpoints[3]`). */
export function checkTouchpoint(raw: unknown, base: string, errors: ProblemFieldError[], nowMs: number): raw is TouchpointDto {
  const before = errors.length;
  const c = new Checker(errors, nowMs);
  if (!isObject(raw)) {
    c.fail(base || 'body', 'must be a touchpoint object');
    return false;
  }
  const o = raw;
  c.unknownFields(o, FIELDS, base);
  c.uuid(o, 'id', base);
  c.string(o, 'externalId', base, 1, 200);
  if ((o.customerId === undefined || o.customerId === null) && (o.customerExternalId === undefined || o.customerExternalId === null)) {
    c.fail(join(base, 'customerId'), 'customerId or customerExternalId is required');
  } else {
    c.uuid(o, 'customerId', base);
    c.string(o, 'customerExternalId', base, 1, 200);
  }
  c.string(o, 'customerName', base, 1, 200);
  c.oneOf(o, 'channel', base, CHANNEL_SET);
  c.oneOf(o, 'direction', base, ['inbound', 'outbound']);
  c.oneOf(o, 'initiatedBy', base, ['customer', 'company']);
  c.oneOf(o, 'handledBy', base, ['human', 'automation']);
  c.dateTime(o, 'occurredAt', base, true, true);
  if (o.agent !== undefined && o.agent !== null) {
    const p = join(base, 'agent');
    if (!isObject(o.agent)) c.fail(p, 'agent must be an object');
    else {
      c.unknownFields(o.agent, new Set(['id', 'name']), p);
      c.string(o.agent, 'id', p, 0, 200);
      c.string(o.agent, 'name', p, 0, 200);
    }
  }
  c.count(o, 'durationSeconds', base);
  c.count(o, 'waitSeconds', base);
  c.count(o, 'handoffs', base);
  if (o.resolved !== undefined && o.resolved !== null && typeof o.resolved !== 'boolean') c.fail(join(base, 'resolved'), 'resolved must be a boolean');
  c.string(o, 'topic', base, 0, 200);
  c.string(o, 'subject', base, 0, 200);
  c.string(o, 'summary', base, 0, 10000);
  if (o.transcript !== undefined && o.transcript !== null) {
    const p = join(base, 'transcript');
    if (!Array.isArray(o.transcript)) c.fail(p, 'transcript must be an array');
    else if (o.transcript.length > 500) c.fail(p, 'transcript must have at most 500 turns');
    else
      o.transcript.forEach((turn, i) => {
        const tp = `${p}[${i}]`;
        if (!isObject(turn)) return c.fail(tp, 'must be a transcript turn object');
        c.unknownFields(turn, new Set(['speaker', 'text', 'at']), tp);
        c.oneOf(turn, 'speaker', tp, ['customer', 'agent', 'bot']);
        c.string(turn, 'text', tp, 0, 5000, true);
        c.dateTime(turn, 'at', tp, false, false);
      });
  }
  if (o.survey !== undefined && o.survey !== null) {
    const p = join(base, 'survey');
    if (!isObject(o.survey)) c.fail(p, 'survey must be an object');
    else {
      c.unknownFields(o.survey, new Set(['kind', 'score', 'comment']), p);
      c.oneOf(o.survey, 'kind', p, ['nps', 'csat', 'ces']);
      const range = SURVEY_RANGES[o.survey.kind as string];
      const score = o.survey.score;
      if (typeof score !== 'number' || !Number.isFinite(score)) c.fail(join(p, 'score'), 'score must be a number');
      else if (range && (score < range[0] || score > range[1])) c.fail(join(p, 'score'), `score must be between ${range[0]} and ${range[1]} for ${String(o.survey.kind)}`);
      c.string(o.survey, 'comment', p, 0, 5000);
    }
  }
  c.uuid(o, 'replyToId', base);
  if (o.language !== undefined && o.language !== null && (typeof o.language !== 'string' || !LANGUAGE.test(o.language))) {
    c.fail(join(base, 'language'), 'language must be a BCP-47 tag such as en or nb-NO');
  }
  if (o.tags !== undefined && o.tags !== null) {
    const p = join(base, 'tags');
    if (!Array.isArray(o.tags)) c.fail(p, 'tags must be an array of strings');
    else if (o.tags.length > 20) c.fail(p, 'tags must have at most 20 items');
    else
      o.tags.forEach((t, i) =>
        typeof t !== 'string' || t.length > 100 ? c.fail(`${p}[${i}]`, 'each tag must be a string of at most 100 characters') : t.includes('\u0000') ? c.fail(`${p}[${i}]`, noNul('each tag')) : undefined,
      );
  }
  return errors.length === before;
}

/** The body of POST /touchpoints: one touchpoint or 422. */
export function parseTouchpoint(raw: unknown, nowMs = Date.now()): TouchpointDto {
  const errors: ProblemFieldError[] = [];
  if (!checkTouchpoint(raw, '', errors, nowMs)) throw ProblemException.validation(errors);
  return clean(raw as TouchpointDto);
}

/** The body of POST /touchpoints/batch: 1–1000 touchpoints, every bad one named, or 422. */
export function parseBatch(raw: unknown, max = 1000, nowMs = Date.now()): TouchpointDto[] {
  const errors: ProblemFieldError[] = [];
  if (!isObject(raw)) throw ProblemException.validation([{ path: 'touchpoints', message: 'touchpoints must be an array' }]);
  for (const k of Object.keys(raw)) if (k !== 'touchpoints') errors.push({ path: k, message: 'unknown field; it should not exist' });
  const list = raw.touchpoints;
  if (!Array.isArray(list)) throw ProblemException.validation([...errors, { path: 'touchpoints', message: 'touchpoints must be an array' }]);
  if (list.length === 0) errors.push({ path: 'touchpoints', message: 'touchpoints must contain at least 1 item' });
  if (list.length > max) errors.push({ path: 'touchpoints', message: `touchpoints must contain at most ${max} items` });
  else list.forEach((item, i) => checkTouchpoint(item, `touchpoints[${i}]`, errors, nowMs));
  if (errors.length > 0) throw ProblemException.validation(errors);
  return list.map((t) => clean(t as TouchpointDto));
}

/** Nulls in optional fields mean "not given". */
function clean(t: TouchpointDto): TouchpointDto {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) if (v !== null && v !== undefined) out[k] = v;
  return out as unknown as TouchpointDto;
}
