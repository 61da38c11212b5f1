import { Body, Query, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { ProblemException, type ProblemFieldError } from './problem.js';
import { withValidationNow } from './schema.js';

/*
 * One validator for every request body and query: a zod schema per body (compiled once), run
 * by `@ValidBody(schema)` / `@ValidQuery(schema)`, which also put the schema into the OpenAPI
 * document. A failure is a 422 problem with one `errors` entry per bad field
 * (`touchpoints[3].channel`); an unknown field is one of them (strict objects: no mass assignment).
 */

/** The request schemas the OpenAPI document shows by name (`#/components/schemas/<id>`). */
export const apiSchemas = z.registry<{ id: string }>();

// Per schema, the compiled parser that runs first, and whether its failures are the schema's own.
const compiled = new WeakMap<z.ZodType, { fast: z.ZodType; exact: boolean }>();

/**
 * Names a request schema for the OpenAPI document and compiles its fast path once. `fast`, when
 * given, must accept exactly what `schema` accepts (e.g. without a `when` that zod cannot compile,
 * which only changes which problems are reported): it decides valid input, and `schema` itself
 * reports the problems of invalid input.
 */
export function apiSchema<T extends z.ZodType>(id: string, schema: T, fast?: z.ZodType): T {
  apiSchemas.add(schema, { id });
  compiled.set(schema, { fast: z.compile(fast ?? schema), exact: fast === undefined });
  return schema;
}

const ensureCompiled = (schema: z.ZodType) => {
  if (!compiled.has(schema)) compiled.set(schema, { fast: z.compile(schema), exact: true });
};

/** `a.b[3].c` from zod's path segments, under `base`. */
export function pathOf(segments: readonly PropertyKey[], base = ''): string {
  let out = base;
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${String(s)}` : String(s);
  }
  return out;
}

const KIND: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
};

function messageOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${KIND[issue.expected] ?? issue.expected}`;
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${max} items`;
      return `must not be greater than ${max}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min === 1 ? 'must not be empty' : `must be at least ${min} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at least ${min} item${min === 1 ? '' : 's'}`;
      return `must not be less than ${min}`;
    }
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'must be an e-mail address' : issue.format === 'url' ? 'must be a URL' : 'has an invalid format';
    default:
      return issue.message || 'is invalid';
  }
}

/** One `{path, message}` per bad field (its first problem); an unknown key is one entry naming that key. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], base = '', root = 'body'): ProblemFieldError[] {
  const out: ProblemFieldError[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    out.push({ path, message });
  };
  for (const issue of issues) {
    const path = pathOf(issue.path, base);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(path ? `${path}.${key}` : key, 'unknown field; it should not exist');
    } else {
      // The message was made while parsing (customError below, or the schema's own).
      add(path || root, issue.message || messageOf(issue));
    }
  }
  return out;
}

// Messages for the issues a schema gave none (ours name the rule; the path names the field).
// Raw issues still carry their input, so a missing field reads "is required".
const customError = (issue: z.core.$ZodRawIssue) => messageOf(issue as unknown as z.core.$ZodIssue);

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: ProblemFieldError[] };

/** Validates `input` against `schema` (at `now`, for the instants in it). Never throws on bad input. */
export function validateInput<T extends z.ZodType>(schema: T, input: unknown, opts: { now?: number; base?: string; root?: string } = {}): Validated<z.output<T>> {
  const c = compiled.get(schema);
  const result = withValidationNow(opts.now ?? Date.now(), () => {
    const r = (c?.fast ?? schema).safeParse(input, { error: customError });
    return r.success || !c || c.exact ? r : schema.safeParse(input, { error: customError });
  });
  if (result.success) return { ok: true, value: result.data as z.output<T> };
  return { ok: false, errors: fieldErrors(result.error.issues, opts.base, opts.root) };
}

/** The parsed value, or a 422 problem naming every bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, opts: { now?: number; base?: string; root?: string; detail?: string } = {}): z.output<T> {
  const r = validateInput(schema, input, opts);
  if (!r.ok) throw ProblemException.validation(r.errors, opts.detail);
  return r.value;
}

export class ZodPipe implements PipeTransform {
  constructor(
    private readonly schema: z.ZodType,
    private readonly root: 'body' | 'query',
    private readonly finish: (value: any) => unknown = (v) => v,
  ) {}

  transform(value: unknown, _metadata: ArgumentMetadata): unknown {
    // No body at all is an empty object: the schema names what is required.
    const input = value === undefined && this.root === 'body' ? {} : value;
    return this.finish(parseInput(this.schema, input, { root: this.root }));
  }
}

/** The schema as an OpenAPI 3.0 schema object: a reference when it is a named request schema. */
export function openApiSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const named = apiSchemas.get(schema);
  if (named) return { $ref: `#/components/schemas/${named.id}` };
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Every named request schema, for `components.schemas` of the OpenAPI document. */
export function openApiComponents(): Record<string, Record<string, unknown>> {
  const out = z.toJSONSchema(apiSchemas, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  // OpenAPI 3.0 schema objects have no $id: the component's name is its identity.
  return Object.fromEntries(Object.entries(out.schemas).map(([id, { $id: _id, ...schema }]) => [id, schema as Record<string, unknown>]));
}

/**
 * The request body, validated by `schema` (422 naming each bad field) and documented from it;
 * `finish` shapes the parsed value for the handler.
 */
export function ValidBody<T extends z.ZodType>(schema: T, finish?: (value: z.output<T>) => unknown): ParameterDecorator {
  ensureCompiled(schema);
  return (target, key, index) => {
    Body(new ZodPipe(schema, 'body', finish))(target, key, index);
    if (key !== undefined) ApiBody({ schema: openApiSchemaOf(schema) as never })(target, key, Object.getOwnPropertyDescriptor(target, key)!);
  };
}

/** The query string, validated by `schema` (an object of optional strings) and documented from it. */
export function ValidQuery(schema: z.ZodObject): ParameterDecorator {
  ensureCompiled(schema);
  return (target, key, index) => {
    Query(new ZodPipe(schema, 'query'))(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
    for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const json = z.toJSONSchema(field, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      const { description, ...rest } = json;
      ApiQuery({ name, required: !field.safeParse(undefined).success, schema: rest as never, ...(typeof description === 'string' ? { description } : {}) })(target, key, descriptor);
    }
  };
}
