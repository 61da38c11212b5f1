import { ProblemException } from '../../../../../libs/shared/src/index.js';

/** Opaque keyset cursors: base64url of a small JSON array. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, field = 'cursor'): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v)) return v;
  } catch {}
  throw ProblemException.validation([{ path: field, message: `${field} is not a cursor this API returned` }]);
}
