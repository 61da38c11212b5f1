import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

const REQUEST_ID = /^[\w.-]{1,100}$/;

/**
 * The correlation id of a request: the id the HTTP logger gave it (the caller's `x-request-id`
 * when well-formed), else a new one. Every event a request writes carries it.
 */
export function correlationIdOf(req: { id?: unknown; headers?: Record<string, string | string[] | undefined> }): string {
  if (typeof req.id === 'string' && req.id !== '') return req.id;
  const h = req.headers?.['x-request-id'];
  return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
}

/** Handler parameter: the request's correlation id (`correlationIdOf`). */
export const CorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext) => correlationIdOf(ctx.switchToHttp().getRequest()));
