import { parseJson, touchpointsOf, type MapInput, type Mapped } from './mapping.js';

/** `touchpoint` format: Standard Webhooks envelope; the body is our own touchpoint contract. */
export function mapTouchpointDelivery(input: MapInput): Mapped {
  return { dedupeKey: `wh:${input.headers['webhook-id']}`, touchpoints: touchpointsOf(parseJson(input.body)), ignored: 0 };
}
