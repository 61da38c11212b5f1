// Postgres/pg errors that mean "the database is not there right now": the client should retry.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '08006', '08001', '08003', '08004']);

/** Thrown by the application itself when the database did not take its work in time (a 503). */
export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  if (err instanceof DatabaseUnavailableError) return true;
  const e = err as { code?: string; message?: string; driverError?: unknown; cause?: unknown };
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Connection is not established|Client has encountered a connection error/i.test(e.message)) return true;
  return isDatabaseUnavailable(e.driverError) || isDatabaseUnavailable(e.cause);
}
