import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorCode } from '../../../relationship/src/errors.js';
import { isAppendConflict } from '../../../event-store/src/index.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../../../event-store/src/errors.js';
import { ProblemException, PROBLEM_TYPE_BASE, titleFor, type ProblemBody } from './problem.js';

const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  [DomainErrorCode.CustomerNotFound]: 404,
  [DomainErrorCode.CustomerAlreadyExists]: 409,
  [DomainErrorCode.ExternalIdTaken]: 409,
  [DomainErrorCode.InvalidOutcome]: 422,
  [DomainErrorCode.InvalidPulse]: 422,
  [DomainErrorCode.FollowUpNotFound]: 404,
  [DomainErrorCode.FollowUpAlreadyClosed]: 409,
  [DomainErrorCode.FollowUpNotOpen]: 409,
  [DomainErrorCode.InvalidRules]: 422,
  [DomainErrorCode.UserNotFound]: 404,
  [DomainErrorCode.EmailTaken]: 409,
  [DomainErrorCode.InvalidTeamLead]: 422,
  [DomainErrorCode.InvalidAccountManager]: 422,
};

// The database-unavailable errors live with the event store (its group commit raises one).
export { DatabaseUnavailableError, isDatabaseUnavailable };

// Postgres refusing text it cannot store: a NUL character (U+0000) in text (22021) or in jsonb (22P05).
const UNSTORABLE_TEXT_CODES = new Set(['22021', '22P05']);

function pgCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; driverError?: unknown; cause?: unknown };
  return typeof e.code === 'string' ? e.code : (pgCode(e.driverError) ?? pgCode(e.cause));
}

/** Turns anything thrown into an RFC 9457 problem; internals never reach the client. */
export function toProblem(exception: unknown): { body: ProblemBody; headers: Record<string, string> } {
  if (exception instanceof ProblemException) return { body: exception.problem, headers: exception.headers };
  if (exception instanceof DomainError) {
    const status = DOMAIN_STATUS[exception.code] ?? 422;
    return { body: { type: PROBLEM_TYPE_BASE + exception.code.replace(/_/g, '-'), title: titleFor(status), status, detail: exception.message }, headers: {} };
  }
  const named = exception as { name?: string; code?: string; status?: number; type?: string; expose?: boolean; message?: string };
  if (named?.name === 'ConcurrencyError' || named?.name === 'WrongExpectedVersionError') {
    return { body: { type: PROBLEM_TYPE_BASE + 'concurrency', title: titleFor(409), status: 409, detail: 'The resource was changed by someone else; reload and try again.' }, headers: {} };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message = typeof res === 'string' ? res : ((res as { message?: unknown }).message ?? exception.message);
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    return { body: { type: PROBLEM_TYPE_BASE + slugFor(status), title: titleFor(status), status, detail: status >= 500 ? 'An unexpected error occurred.' : detail }, headers: {} };
  }
  // body-parser (http-errors) raised before Nest saw the request.
  if (named && typeof named.status === 'number' && named.status >= 400 && named.status < 500) {
    const status = named.type === 'entity.parse.failed' ? 400 : named.status;
    const detail =
      named.type === 'entity.parse.failed' ? 'The request body is not valid JSON.'
      : named.type === 'entity.too.large' ? 'The request body is larger than the limit.'
      : named.type === 'encoding.unsupported' || named.type === 'charset.unsupported' ? 'The request body encoding is not supported.'
      : 'The request could not be read.';
    return { body: { type: PROBLEM_TYPE_BASE + slugFor(status), title: titleFor(status), status, detail }, headers: {} };
  }
  // A race with concurrent writers that outlasted the writer's own retries: the transaction
  // rolled back whole, so the client may simply send it again.
  if (isAppendConflict(exception)) {
    return { body: { type: PROBLEM_TYPE_BASE + 'unavailable', title: titleFor(503), status: 503, detail: 'Other writers were recording for the same customers at the same time; nothing was stored. Retry the request.' }, headers: { 'Retry-After': '1' } };
  }
  if (isDatabaseUnavailable(exception)) {
    return { body: { type: PROBLEM_TYPE_BASE + 'unavailable', title: titleFor(503), status: 503, detail: 'The service is temporarily unavailable; retry later. Nothing was stored.' }, headers: { 'Retry-After': '5' } };
  }
  // Input no validator caught: the request's own text, so the client's to fix. Nothing was stored.
  if (UNSTORABLE_TEXT_CODES.has(pgCode(exception) ?? '')) {
    return { body: { type: PROBLEM_TYPE_BASE + 'unstorable-text', title: titleFor(422), status: 422, detail: 'The request contains text that cannot be stored: a NUL character (U+0000). Nothing was stored.' }, headers: {} };
  }
  return { body: { type: PROBLEM_TYPE_BASE + 'internal', title: titleFor(500), status: 500, detail: 'An unexpected error occurred.' }, headers: {} };
}

function slugFor(status: number): string {
  return titleFor(status).toLowerCase().replace(/[^a-z]+/g, '-');
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const { body, headers } = toProblem(exception);
    if (body.status >= 500) {
      this.logger.error({ err: exception, method: req.method, url: req.originalUrl?.split('?')[0] }, 'request failed');
    }
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}
