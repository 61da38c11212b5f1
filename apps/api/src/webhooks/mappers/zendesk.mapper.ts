import { isObject, isoFrom, MappingError, parseJson, plainText, sha256, type MapInput, type Mapped } from './mapping.js';

// Zendesk `via.channel` → our channel. Ticket forms, the API and the help centre are support tickets.
const CHANNELS: Record<string, string> = {
  web: 'support_ticket',
  web_form: 'support_ticket',
  api: 'support_ticket',
  help_center: 'support_ticket',
  mobile: 'support_ticket',
  mobile_sdk: 'support_ticket',
  email: 'email',
  voice: 'phone',
  phone: 'phone',
  chat: 'chat',
  messaging: 'chat',
  native_messaging: 'chat',
  web_messaging: 'chat',
  whatsapp: 'chat',
  sms: 'sms',
  facebook: 'social',
  twitter: 'social',
  instagram: 'social',
};

const positiveId = (v: unknown) => (v !== undefined && v !== null && String(v) !== '0' && String(v) !== '' ? String(v) : undefined);

/**
 * Zendesk ticket events (event webhooks: `zen:event-type:ticket.*`). A created ticket is an
 * inbound contact on its channel (outbound when an agent opened it on the customer's behalf); a
 * public comment is a message in or out; other ticket events (status, tags...) carry no contact.
 * The customer is the ticket's organization, else its requester.
 */
export function mapZendesk(input: MapInput): Mapped {
  const body = parseJson(input.body);
  if (!isObject(body) || typeof body.type !== 'string' || !body.type.startsWith('zen:event-type:')) {
    throw new MappingError('not a Zendesk event webhook payload (expected type zen:event-type:...)');
  }
  const eventId = positiveId(body.id);
  const dedupeKey = `zd:${eventId ?? `sha256:${sha256(input.body)}`}`;
  if (!body.type.startsWith('zen:event-type:ticket.')) return { dedupeKey, touchpoints: [], ignored: 1 };
  const detail = body.detail;
  if (!isObject(detail) || positiveId(detail.id) === undefined) throw new MappingError('Zendesk ticket event without detail.id');
  const org = positiveId(detail.organization_id);
  const requester = positiveId(detail.requester_id);
  if (!org && !requester) throw new MappingError('Zendesk ticket without organization_id or requester_id: no customer to attach it to');
  const customerExternalId = org ? `zendesk-org-${org}` : `zendesk-user-${requester}`;
  const occurredAt = isoFrom(body.time) ?? isoFrom(detail.updated_at) ?? isoFrom(detail.created_at);
  if (!occurredAt) throw new MappingError('Zendesk event without a usable time');
  const via = isObject(detail.via) && typeof detail.via.channel === 'string' ? detail.via.channel.toLowerCase() : 'web';
  const base = {
    externalId: `zendesk:${eventId ?? sha256(input.body).slice(0, 32)}`,
    customerExternalId,
    occurredAt,
    topic: typeof detail.type === 'string' ? detail.type.slice(0, 200) : undefined,
    subject: plainText(detail.subject, 200),
    tags: Array.isArray(detail.tags) ? detail.tags.filter((t: unknown) => typeof t === 'string').slice(0, 20).map((t: string) => t.slice(0, 100)) : undefined,
  };

  if (body.type === 'zen:event-type:ticket.created') {
    // An agent who opens a ticket for someone else reaches out; otherwise the customer came to us.
    const byAgent = positiveId(detail.submitter_id) !== undefined && requester !== undefined && positiveId(detail.submitter_id) !== requester;
    const automated = via === 'rule' || via === 'automation' || via === 'closed_ticket';
    return {
      dedupeKey,
      ignored: 0,
      touchpoints: [
        {
          ...base,
          channel: CHANNELS[via] ?? 'support_ticket',
          direction: byAgent || automated ? 'outbound' : 'inbound',
          initiatedBy: byAgent || automated ? 'company' : 'customer',
          handledBy: automated ? 'automation' : 'human',
          summary: plainText(detail.description, 10000),
        },
      ],
    };
  }

  if (body.type === 'zen:event-type:ticket.comment_added') {
    const comment = isObject(body.event) && isObject(body.event.comment) ? body.event.comment : undefined;
    if (!comment) throw new MappingError('Zendesk comment event without event.comment');
    // Internal notes are not contact with the customer.
    if (comment.is_public === false) return { dedupeKey, touchpoints: [], ignored: 1 };
    const author = isObject(comment.author) ? comment.author : {};
    const staff = author.is_staff === true;
    const bot = String(author.id) === '-1' || via === 'rule' || via === 'answer_bot';
    return {
      dedupeKey,
      ignored: 0,
      touchpoints: [
        {
          ...base,
          channel: CHANNELS[via] ?? 'support_ticket',
          direction: staff || bot ? 'outbound' : 'inbound',
          // A reply on a ticket answers the customer's own need.
          initiatedBy: 'customer',
          handledBy: bot ? 'automation' : 'human',
          agent: staff && !bot ? { id: String(author.id ?? '').slice(0, 200) || undefined, name: typeof author.name === 'string' ? author.name.slice(0, 200) : undefined } : undefined,
          transcript: (() => {
            const text = plainText(comment.body, 5000);
            return text ? [{ speaker: bot ? 'bot' : staff ? 'agent' : 'customer', text }] : undefined;
          })(),
        },
      ],
    };
  }
  return { dedupeKey, touchpoints: [], ignored: 1 };
}
