import { createHash, randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** The only source of "now" outside tests; the domain receives times as arguments. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** Namespace for deterministic (name-based, v5) ids. Never change it: stored ids depend on it. */
export const CLOSENESS_NAMESPACE = '6f1c2b7e-3d4a-4c59-9a1e-7b2d8c0f5e31';

export abstract class IdGenerator {
  abstract next(): string;
}

/** Time-ordered v7 ids keep B-tree inserts local. */
export class UuidV7Generator extends IdGenerator {
  next(): string {
    return uuidv7();
  }
}

const NAMESPACE_BYTES = Buffer.from(CLOSENESS_NAMESPACE.replace(/-/g, ''), 'hex');

/**
 * The same name always yields the same id: the basis of idempotent retries. RFC 4122 v5 (SHA-1)
 * in the Closeness namespace, over the parts joined by U+001F; computed with node:crypto
 * directly, which a 1,000-item batch feels next to the uuid package's v5.
 */
export function deterministicId(...parts: string[]): string {
  const h = createHash('sha1').update(NAMESPACE_BYTES).update(parts.join('\u001f'), 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export const randomId = (): string => randomUUID();
