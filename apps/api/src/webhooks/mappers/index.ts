import type { SourceFormat } from '../../sources/sources.dto.js';
import { mapCloudEvent } from './cloudevents.mapper.js';
import { mapHubspot } from './hubspot.mapper.js';
import { mapIntercom } from './intercom.mapper.js';
import type { MapInput, Mapped } from './mapping.js';
import { mapTouchpointDelivery } from './touchpoint.mapper.js';
import { mapZendesk } from './zendesk.mapper.js';

export * from './mapping.js';

export const MAPPERS: Record<SourceFormat, (input: MapInput) => Mapped> = {
  touchpoint: mapTouchpointDelivery,
  cloudevents: mapCloudEvent,
  zendesk: mapZendesk,
  intercom: mapIntercom,
  hubspot: mapHubspot,
};
