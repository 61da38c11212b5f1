import { z } from 'zod';
import { CHANNELS } from '../../../../libs/relationship/src/index.js';
import { apiSchema, count, happenedAt, ProblemException, text, uuid, validateInput, type ProblemFieldError } from '../../../../libs/shared/src/index.js';

/*
 * The contract's touchpoint body (POST /touchpoints, batch items, webhook payloads after their
 * mapper): the one validator, compiled once, and the OpenAPI description of the body.
 * `null` in an optional field means "not given".
 */

const SURVEY_RANGES: Record<string, [number, number]> = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };
const LANGUAGE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

const optional = <T extends z.ZodType>(s: T) => s.nullish();

export const AgentBody = apiSchema('Agent', z.strictObject({ id: optional(text(200)), name: optional(text(200)) }));

export const TranscriptTurnBody = apiSchema(
  'TranscriptTurn',
  z.strictObject({
    speaker: z.enum(['customer', 'agent', 'bot']),
    text: text(5000),
    // A turn happened within its touchpoint: the same range as occurredAt.
    at: optional(happenedAt()),
  }),
);

export const SurveyBody = apiSchema(
  'Survey',
  z
    .strictObject({
      kind: z.enum(['nps', 'csat', 'ces']),
      score: z.number().meta({ description: 'nps 0–10, csat 1–5, ces 1–7' }),
      comment: optional(text(5000)),
    })
    .check((ctx) => {
      const range = SURVEY_RANGES[ctx.value.kind];
      const score = ctx.value.score;
      if (range && (score < range[0] || score > range[1])) ctx.issues.push({ code: 'custom', path: ['score'], message: `must be between ${range[0]} and ${range[1]} for ${ctx.value.kind}`, input: score });
    }),
);

const touchpointFields = z.strictObject({
  id: optional(uuid().meta({ description: 'Idempotency key and event id. Else derived from source + externalId, else new.' })),
  externalId: optional(text(200, 1).meta({ description: 'The id in the sending system.' })),
  customerId: optional(uuid().meta({ description: 'Either customerId or customerExternalId is required; customerId wins when both are given.' })),
  customerExternalId: optional(text(200, 1).meta({ description: 'An unknown external id creates an unassigned customer.' })),
  customerName: optional(text(200, 1).meta({ description: 'Name for a customer created from customerExternalId.' })),
  channel: z.enum(CHANNELS),
  direction: z.enum(['inbound', 'outbound']),
  initiatedBy: z.enum(['customer', 'company']),
  handledBy: z.enum(['human', 'automation']),
  occurredAt: happenedAt(),
  agent: optional(AgentBody),
  durationSeconds: optional(count()),
  waitSeconds: optional(count()),
  handoffs: optional(count()),
  resolved: optional(z.boolean()),
  topic: optional(text(200)),
  subject: optional(text(200)),
  summary: optional(text(10_000)),
  transcript: optional(z.array(TranscriptTurnBody).max(500)),
  survey: optional(SurveyBody),
  replyToId: optional(uuid().meta({ description: 'The touchpoint this one answers.' })),
  language: optional(
    z
      .string()
      .max(35)
      .check((ctx) => {
        if (ctx.value.length <= 35 && !LANGUAGE.test(ctx.value)) ctx.issues.push({ code: 'custom', message: 'must be a BCP-47 tag such as en or nb-NO', input: ctx.value });
      })
      .meta({ description: 'BCP-47 tag, e.g. en, nb', pattern: LANGUAGE.source }),
  ),
  tags: optional(z.array(text(100)).max(20)),
});

const hasCustomer = (t: { customerId?: string | null; customerExternalId?: string | null }) => t.customerId != null || t.customerExternalId != null;
const CUSTOMER_REQUIRED = { path: ['customerId'], message: 'customerId or customerExternalId is required' };

// The hot path (compiled): the same rules; the customer rule runs once the fields are valid.
const touchpointFast = touchpointFields.refine(hasCustomer, CUSTOMER_REQUIRED);

export const TouchpointBody = apiSchema(
  'Touchpoint',
  // Reporting: the customer rule runs also when other fields are wrong, so one 422 names every
  // bad field (zod cannot compile this `when`; the fast path above decides valid bodies).
  touchpointFields.refine(hasCustomer, { ...CUSTOMER_REQUIRED, when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) }),
  touchpointFast,
);

export const TouchpointBatchBody = apiSchema(
  'TouchpointBatch',
  z.strictObject({ touchpoints: z.array(TouchpointBody).min(1).max(1000) }),
  z.strictObject({ touchpoints: z.array(touchpointFast).min(1).max(1000) }),
);

type NoNull<T> = T extends (infer U)[] ? NoNull<U>[] : T extends object ? { [K in keyof T]: NoNull<Exclude<T[K], null>> } : Exclude<T, null>;

/** A valid touchpoint body, optional fields absent rather than null. */
export type TouchpointDto = NoNull<z.output<typeof TouchpointBody>>;

// zod's output keeps the nulls it accepted; they mean "not given".
function withoutNulls<T>(o: T): T {
  for (const k in o) if (o[k] === null) delete o[k];
  return o;
}

/** A parsed touchpoint with its nulls ("not given") removed. */
export function clean(t: z.output<typeof TouchpointBody>): TouchpointDto {
  withoutNulls(t);
  if (t.agent) withoutNulls(t.agent);
  if (t.survey) withoutNulls(t.survey);
  if (t.transcript) for (const turn of t.transcript) withoutNulls(turn);
  return t as TouchpointDto;
}

/** The body of POST /touchpoints/batch, cleaned. */
export const cleanBatch = (b: z.output<typeof TouchpointBatchBody>): TouchpointDto[] => b.touchpoints.map(clean);

/** The body of POST /touchpoints: one touchpoint or 422. */
export function parseTouchpoint(raw: unknown, now = Date.now()): TouchpointDto {
  const r = validateInput(TouchpointBody, raw, { now });
  if (!r.ok) throw ProblemException.validation(r.errors);
  return clean(r.value);
}

/** The body of POST /touchpoints/batch: 1–1000 touchpoints, every bad one named, or 422. */
export function parseBatch(raw: unknown, now = Date.now()): TouchpointDto[] {
  const r = validateInput(TouchpointBatchBody, raw, { now });
  if (!r.ok) throw ProblemException.validation(r.errors);
  return cleanBatch(r.value);
}

/** Touchpoints a webhook mapper produced: valid ones, or every problem (`touchpoints[i].field`, or `field` for one). */
export function validateTouchpoints(items: unknown[], now: number): { ok: true; value: TouchpointDto[] } | { ok: false; errors: ProblemFieldError[] } {
  const errors: ProblemFieldError[] = [];
  const value: TouchpointDto[] = [];
  items.forEach((item, i) => {
    const r = validateInput(TouchpointBody, item, { now, base: items.length === 1 ? '' : `touchpoints[${i}]` });
    if (r.ok) value.push(clean(r.value));
    else errors.push(...r.errors);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

