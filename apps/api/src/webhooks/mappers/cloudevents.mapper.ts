import { HTTP, type CloudEventV1 } from 'cloudevents';
import { FUTURE_TOLERANCE_MS, parseInstant } from '../../../../../libs/shared/src/http/schema.js';
import { isObject, MappingError, touchpointsOf, type MapInput, type Mapped } from './mapping.js';

/**
 * CloudEvents 1.0 over HTTP, structured (`application/cloudevents+json`) or binary (`ce-*`
 * headers), data = a touchpoint body. Dedupe on (source, id) as the spec defines uniqueness.
 */
export function mapCloudEvent(input: MapInput): Mapped {
  const contentType = (input.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/cloudevents-batch+json')) throw new MappingError('CloudEvents batch mode is not supported; send one event per request');
  const text = input.body.toString('utf8');
  // The SDK invents an id when one is missing, which would defeat deduplication: require them as sent.
  let structured: Record<string, unknown> | undefined;
  if (contentType.startsWith('application/cloudevents+json')) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new MappingError('structured CloudEvent is not valid JSON');
    }
    if (!isObject(raw) || typeof raw.id !== 'string' || typeof raw.source !== 'string' || typeof raw.type !== 'string' || typeof raw.specversion !== 'string') {
      throw new MappingError('structured CloudEvent needs specversion, id, source and type');
    }
    structured = raw;
  } else if (!input.headers['ce-id'] || !input.headers['ce-source'] || !input.headers['ce-type'] || !input.headers['ce-specversion']) {
    throw new MappingError('not a CloudEvent: binary mode needs ce-specversion, ce-id, ce-source and ce-type headers');
  }
  let event: CloudEventV1<unknown>;
  try {
    const parsed = HTTP.toEvent({ headers: input.headers, body: text });
    if (Array.isArray(parsed)) throw new MappingError('CloudEvents batch mode is not supported');
    event = parsed as CloudEventV1<unknown>;
    (parsed as unknown as { validate?: () => boolean }).validate?.();
  } catch (err) {
    if (err instanceof MappingError) throw err;
    throw new MappingError(`invalid CloudEvent: ${err instanceof Error ? err.message.slice(0, 200) : 'unreadable'}`);
  }
  if (event.specversion !== '1.0') throw new MappingError(`unsupported CloudEvents specversion ${String(event.specversion)}`);
  // `time` is a timestamp that enters like any other: 1970 up to the 5-minute future tolerance.
  const time = structured ? (structured as { time?: unknown }).time : input.headers['ce-time'];
  if (time !== undefined && time !== null) {
    const t = typeof time === 'string' ? parseInstant(time) : Number.NaN;
    if (Number.isNaN(t)) throw new MappingError('CloudEvent time is not an RFC 3339 date-time');
    if (t < 0 || t > Date.now() + FUTURE_TOLERANCE_MS) throw new MappingError('CloudEvent time is before 1970 or more than 5 minutes in the future');
  }
  let data: unknown = event.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      throw new MappingError('CloudEvent data is not JSON');
    }
  }
  if (data === undefined || data === null) throw new MappingError('CloudEvent has no data');
  return { dedupeKey: `ce:${event.source}\u001f${event.id}`, touchpoints: touchpointsOf(data), ignored: 0 };
}
