import { isUtf8 } from 'node:buffer';
import { jsonTooDeep } from '../../../../../libs/shared/src/http/body.js';
import { unstorable } from '../../../../../libs/shared/src/http/schema.js';
import type { SourceFormat } from '../../sources/sources.dto.js';
import { mapCloudEvent } from './cloudevents.mapper.js';
import { mapHubspot } from './hubspot.mapper.js';
import { mapIntercom } from './intercom.mapper.js';
import { MappingError, type MapInput, type Mapped } from './mapping.js';
import { mapTouchpointDelivery } from './touchpoint.mapper.js';
import { mapZendesk } from './zendesk.mapper.js';

export * from './mapping.js';

/** Deepest nesting a webhook body may have (vendor payloads nest further than our own bodies). */
export const WEBHOOK_MAX_DEPTH = 64;

/**
 * Every mapper reads only bodies that are UTF-8 and not nested deeper than WEBHOOK_MAX_DEPTH
 * (a scan, before any parse), and yields a dedupe key Postgres can store; anything else is a
 * MappingError, so the authentic delivery becomes a dead letter kept whole.
 */
function guarded(map: (input: MapInput) => Mapped): (input: MapInput) => Mapped {
  return (input) => {
    if (!isUtf8(input.body)) throw new MappingError('body is not valid UTF-8');
    if (jsonTooDeep(input.body, WEBHOOK_MAX_DEPTH)) throw new MappingError(`body nests deeper than ${WEBHOOK_MAX_DEPTH} levels`);
    const mapped = map(input);
    if (unstorable(mapped.dedupeKey) || mapped.dedupeKey.length > 1000) throw new MappingError('the delivery id cannot be stored (NUL, lone surrogate or over 1000 characters)');
    return mapped;
  };
}

export const MAPPERS: Record<SourceFormat, (input: MapInput) => Mapped> = {
  touchpoint: guarded(mapTouchpointDelivery),
  cloudevents: guarded(mapCloudEvent),
  zendesk: guarded(mapZendesk),
  intercom: guarded(mapIntercom),
  hubspot: guarded(mapHubspot),
};
