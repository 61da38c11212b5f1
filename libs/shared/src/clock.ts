import { randomUUID } from 'node:crypto';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

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

/** The same name always yields the same id: the basis of idempotent retries. */
export function deterministicId(...parts: string[]): string {
  return uuidv5(parts.join('\u001f'), CLOSENESS_NAMESPACE);
}

export const randomId = (): string => randomUUID();
