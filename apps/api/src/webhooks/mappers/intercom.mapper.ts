import { isObject, isoFrom, MappingError, parseJson, plainText, sha256, type MapInput, type Mapped } from './mapping.js';

const CUSTOMER_AUTHORS = new Set(['user', 'lead', 'contact']);
const CONTACT_TOPICS = new Set([
  'conversation.user.created',
  'conversation.user.replied',
  'conversation.admin.replied',
  'conversation.admin.single.created',
  'conversation.operator.replied',
]);

function channelOf(source: Record<string, any>): string {
  const t = String(source.delivered_as ?? source.type ?? '').toLowerCase();
  if (t.includes('email')) return 'email';
  if (t.includes('phone') || t.includes('call')) return 'phone';
  if (t.includes('sms')) return 'sms';
  if (t.includes('twitter') || t.includes('facebook') || t.includes('instagram') || t.includes('whatsapp')) return 'social';
  if (t.includes('push') || t.includes('in_app') || t.includes('post')) return 'in_app';
  return 'chat';
}

/**
 * Intercom conversation notifications. The message that triggered the notification is the
 * newest conversation part (or the opening message): a customer's is inbound; an admin's is an
 * outbound human reply; a bot's/operator's is automation on the chatbot channel. Who initiated is
 * who opened the conversation. Other topics (assign, close, snooze, ping...) carry no contact.
 */
export function mapIntercom(input: MapInput): Mapped {
  const body = parseJson(input.body);
  if (!isObject(body) || body.type !== 'notification_event' || typeof body.topic !== 'string') {
    throw new MappingError('not an Intercom notification (expected type notification_event with a topic)');
  }
  const dedupeKey = `ic:${typeof body.id === 'string' && body.id ? body.id : `sha256:${sha256(input.body)}`}`;
  if (!CONTACT_TOPICS.has(body.topic)) return { dedupeKey, touchpoints: [], ignored: 1 };
  const item = isObject(body.data) ? body.data.item : undefined;
  if (!isObject(item) || item.type !== 'conversation' || item.id === undefined) throw new MappingError('Intercom notification without a conversation item');
  const source = isObject(item.source) ? item.source : {};
  const parts: any[] = isObject(item.conversation_parts) && Array.isArray(item.conversation_parts.conversation_parts) ? item.conversation_parts.conversation_parts : [];
  const part = [...parts].reverse().find((p) => isObject(p) && isObject(p.author) && (p.part_type === 'comment' || p.part_type === undefined || p.body));
  const author = isObject(part?.author) ? part.author : isObject(source.author) ? source.author : undefined;
  if (!author || typeof author.type !== 'string') throw new MappingError('Intercom conversation without an author');

  const contacts: any[] = isObject(item.contacts) && Array.isArray(item.contacts.contacts) ? item.contacts.contacts : [];
  const contact = contacts.find(isObject) ?? (isObject(item.user) ? item.user : undefined);
  const contactKey = contact ? (contact.external_id || contact.user_id ? String(contact.external_id || contact.user_id) : contact.id ? `intercom-contact-${contact.id}` : undefined) : undefined;
  if (!contactKey) throw new MappingError('Intercom conversation without a contact: no customer to attach it to');

  const occurredAt = isoFrom(part?.created_at) ?? isoFrom(item.updated_at) ?? isoFrom(item.created_at) ?? isoFrom(body.created_at);
  if (!occurredAt) throw new MappingError('Intercom notification without a usable time');

  const bot = author.type === 'bot' || body.topic === 'conversation.operator.replied';
  const fromCustomer = CUSTOMER_AUTHORS.has(author.type);
  const openedByCustomer = isObject(source.author) ? CUSTOMER_AUTHORS.has(source.author.type) : fromCustomer;
  const text = plainText(part?.body ?? source.body, 5000);
  return {
    dedupeKey,
    ignored: 0,
    touchpoints: [
      {
        externalId: `intercom:${String(item.id).slice(0, 80)}:${String(part?.id ?? 'source').slice(0, 80)}`,
        customerExternalId: contactKey.slice(0, 200),
        customerName: typeof contact?.name === 'string' && contact.name ? contact.name.slice(0, 200) : undefined,
        channel: bot ? 'chatbot' : channelOf(source),
        direction: fromCustomer ? 'inbound' : 'outbound',
        initiatedBy: openedByCustomer ? 'customer' : 'company',
        handledBy: bot ? 'automation' : 'human',
        occurredAt,
        subject: plainText(source.subject, 200),
        agent: !fromCustomer && !bot ? { id: author.id ? String(author.id).slice(0, 200) : undefined, name: typeof author.name === 'string' ? author.name.slice(0, 200) : undefined } : undefined,
        transcript: text ? [{ speaker: bot ? 'bot' : fromCustomer ? 'customer' : 'agent', text }] : undefined,
      },
    ],
  };
}
