import { HttpException } from '@nestjs/common';

export interface ProblemFieldError {
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ProblemFieldError[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_TYPE_BASE = 'https://closeness.dev/problems/';

/** An error that is already a complete RFC 9457 problem; the filter sends it as it is. */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: ProblemBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem, problem.status);
  }

  static of(status: number, slug: string, detail: string, extra: Partial<ProblemBody> = {}, headers: Record<string, string> = {}) {
    return new ProblemException(
      { type: PROBLEM_TYPE_BASE + slug, title: TITLES[status] ?? 'Error', status, detail, ...extra },
      headers,
    );
  }

  static validation(errors: ProblemFieldError[], detail = 'The request has invalid fields.') {
    return ProblemException.of(422, 'validation', detail, { errors });
  }

  static notFound(detail = 'No such resource.') {
    return ProblemException.of(404, 'not-found', detail);
  }

  static unauthorized(detail = 'Authentication is required.') {
    return ProblemException.of(401, 'unauthorized', detail);
  }

  static conflict(detail: string, slug = 'conflict') {
    return ProblemException.of(409, slug, detail);
  }
}

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Error');
}
