import { isObject, isoFrom, MappingError, parseJson, sha256, type MapInput, type Mapped } from './mapping.js';

// Engagement kinds that are contact with the customer, with what HubSpot does not tell us filled
// in by what they usually are: calls, meetings and logged e-mails are the company reaching out
// (human); tickets and communications (SMS, WhatsApp, LinkedIn) are the customer coming in.
const ENGAGEMENTS: Record<string, { channel: string; direction: 'inbound' | 'outbound'; initiatedBy: 'customer' | 'company' }> = {
  CALL: { channel: 'phone', direction: 'outbound', initiatedBy: 'company' },
  MEETING: { channel: 'meeting', direction: 'outbound', initiatedBy: 'company' },
  EMAIL: { channel: 'email', direction: 'outbound', initiatedBy: 'company' },
  TICKET: { channel: 'support_ticket', direction: 'inbound', initiatedBy: 'customer' },
  COMMUNICATION: { channel: 'sms', direction: 'inbound', initiatedBy: 'customer' },
};

/**
 * HubSpot webhooks (v3 signature; the body is a batched array of events). HubSpot events carry
 * ids only, so a contact becomes a touchpoint when the engagement is associated with a company
 * (`associationType` like CALL_TO_COMPANY or COMPANY_TO_MEETING, not removed): the company is the
 * customer (`hubspot-company-<id>`). Other subscription types (creations, property changes...) are
 * acknowledged and ignored.
 */
export function mapHubspot(input: MapInput): Mapped {
  const body = parseJson(input.body);
  if (!Array.isArray(body) || body.length === 0) throw new MappingError('HubSpot payload must be a non-empty array of events');
  if (body.length > 1000) throw new MappingError('more than 1000 HubSpot events in one delivery');
  const touchpoints: unknown[] = [];
  let ignored = 0;
  const eventIds: string[] = [];
  body.forEach((e, i) => {
    if (!isObject(e) || e.eventId === undefined || typeof e.subscriptionType !== 'string') throw new MappingError(`HubSpot event [${i}] needs eventId and subscriptionType`);
    eventIds.push(String(e.eventId));
    const assoc = typeof e.associationType === 'string' ? /^([A-Z_]+)_TO_([A-Z_]+)$/.exec(e.associationType) : null;
    if (!e.subscriptionType.endsWith('associationChange') || !assoc || e.associationRemoved === true) {
      ignored++;
      return;
    }
    const [, from, to] = assoc;
    const kind = to === 'COMPANY' ? from : from === 'COMPANY' ? to : undefined;
    const shape = kind ? ENGAGEMENTS[kind] : undefined;
    if (!shape) {
      ignored++;
      return;
    }
    const companyId = to === 'COMPANY' ? e.toObjectId : e.fromObjectId;
    const engagementId = to === 'COMPANY' ? e.fromObjectId : e.toObjectId;
    if (companyId === undefined || engagementId === undefined) throw new MappingError(`HubSpot association event [${i}] without fromObjectId/toObjectId`);
    const occurredAt = isoFrom(e.occurredAt, 'ms');
    if (!occurredAt) throw new MappingError(`HubSpot event [${i}] without a usable occurredAt`);
    touchpoints.push({
      // The same engagement associated again (or redelivered) is the same touchpoint.
      externalId: `hubspot:${String(e.portalId ?? '')}:${kind}:${String(engagementId)}`.slice(0, 200),
      customerExternalId: `hubspot-company-${String(companyId)}`.slice(0, 200),
      channel: shape.channel,
      direction: shape.direction,
      initiatedBy: shape.initiatedBy,
      handledBy: 'human',
      occurredAt,
      topic: `hubspot ${kind!.toLowerCase()}`,
    });
  });
  // HubSpot has no delivery id and retries change attemptNumber: the set of event ids is the key.
  return { dedupeKey: `hs:${sha256(eventIds.join(','))}`, touchpoints, ignored };
}
