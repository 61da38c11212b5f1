import { createHash } from 'node:crypto';
import { storableText } from '../../../../../libs/shared/src/http/schema.js';

export type Headers = Record<string, string>;

/** An authentic delivery whose content cannot become touchpoints: kept as a dead letter with this reason. */
export class MappingError extends Error {
  constructor(reason: string) {
    // The reason may quote what the sender sent (an unknown key): kept storable as text.
    super(storableText(reason));
    this.name = 'MappingError';
  }
}

export interface MapInput {
  sourceId: string;
  body: Buffer;
  headers: Headers;
}

export interface Mapped {
  /** Durable dedupe key of the delivery (per source). */
  dedupeKey: string;
  /** Touchpoint bodies (validated afterwards against the contract). */
  touchpoints: unknown[];
  /** Notifications that are authentic and well-formed but carry no touchpoint (e.g. a ticket status change). */
  ignored: number;
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new MappingError('empty body');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new MappingError('body is not valid JSON');
  }
}

export const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** Unix seconds or milliseconds or an ISO string → ISO string, or undefined. */
export function isoFrom(v: unknown, unit: 's' | 'ms' = 's'): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
    const d = new Date(unit === 's' ? v * 1000 : v);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  if (typeof v === 'string' && v.length > 0 && v.length < 64) {
    if (/^\d+$/.test(v)) return isoFrom(Number(v), unit);
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  return undefined;
}

/** Message bodies arrive as HTML: keep the words, bounded. */
export function plainText(html: unknown, max: number): string | undefined {
  if (typeof html !== 'string') return undefined;
  const text = html
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();
  return text.length === 0 ? undefined : text.slice(0, max);
}

/** A touchpoint body or `{touchpoints:[...]}` (the `touchpoint` and `cloudevents` formats). */
export function touchpointsOf(data: unknown): unknown[] {
  if (isObject(data) && Array.isArray(data.touchpoints) && Object.keys(data).length === 1) {
    if (data.touchpoints.length === 0) throw new MappingError('touchpoints is empty');
    if (data.touchpoints.length > 1000) throw new MappingError('more than 1000 touchpoints in one delivery');
    return data.touchpoints;
  }
  if (isObject(data)) return [data];
  throw new MappingError('payload is neither a touchpoint nor {touchpoints:[...]}');
}
