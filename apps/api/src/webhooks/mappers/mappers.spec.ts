import { mapHubspot } from './hubspot.mapper.js';
import { mapIntercom } from './intercom.mapper.js';
import { MappingError } from './mapping.js';
import { mapZendesk } from './zendesk.mapper.js';

const input = (body: unknown) => ({ sourceId: 's', headers: {}, body: Buffer.from(JSON.stringify(body)) });

describe('vendor mappers', () => {
  describe('zendesk', () => {
    const ticket = (via: string, submitter = '2') => ({
      type: 'zen:event-type:ticket.created',
      id: 'evt-1',
      time: '2026-11-01T10:00:00Z',
      detail: { id: '9', requester_id: '2', submitter_id: submitter, organization_id: '0', via: { channel: via }, subject: 'Help' },
    });

    it('given a ticket by the customer via web form, then an inbound support ticket of the requester', () => {
      const m = mapZendesk(input(ticket('web_form')));
      expect(m.dedupeKey).toBe('zd:evt-1');
      expect(m.touchpoints).toEqual([
        expect.objectContaining({ channel: 'support_ticket', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', customerExternalId: 'zendesk-user-2', occurredAt: '2026-11-01T10:00:00.000Z' }),
      ]);
    });

    it('given a ticket an agent opened for the customer by e-mail, then an outbound company e-mail', () => {
      expect(mapZendesk(input(ticket('email', '77'))).touchpoints[0]).toMatchObject({ channel: 'email', direction: 'outbound', initiatedBy: 'company' });
    });

    it('given a non-ticket event, then nothing but acknowledged', () => {
      expect(mapZendesk(input({ type: 'zen:event-type:user.created', id: 'u' }))).toMatchObject({ touchpoints: [], ignored: 1 });
    });

    it('given something that is not a Zendesk event, then a mapping error', () => {
      expect(() => mapZendesk(input({ hello: 1 }))).toThrow(MappingError);
    });
  });

  describe('intercom', () => {
    const note = (topic: string, author: string) => ({
      type: 'notification_event',
      id: 'notif_1',
      topic,
      created_at: 1790000000,
      data: {
        item: {
          type: 'conversation',
          id: '1',
          source: { delivered_as: 'customer_initiated', author: { type: 'user', id: 'u1' } },
          contacts: { contacts: [{ id: 'c1', external_id: 'crm-9' }] },
          conversation_parts: { conversation_parts: [{ id: 'p1', part_type: 'comment', body: '<p>Hei</p>', created_at: 1790000100, author: { type: author, id: 'a' } }] },
        },
      },
    });

    it('given a customer reply, then inbound chat from the customer', () => {
      expect(mapIntercom(input(note('conversation.user.replied', 'user'))).touchpoints[0]).toMatchObject({
        channel: 'chat',
        direction: 'inbound',
        handledBy: 'human',
        customerExternalId: 'crm-9',
        transcript: [{ speaker: 'customer', text: 'Hei' }],
      });
    });

    it('given a bot reply, then chatbot automation', () => {
      expect(mapIntercom(input(note('conversation.admin.replied', 'bot'))).touchpoints[0]).toMatchObject({ channel: 'chatbot', direction: 'outbound', handledBy: 'automation' });
    });

    it('given a close notification, then nothing but acknowledged', () => {
      expect(mapIntercom(input(note('conversation.admin.closed', 'admin')))).toMatchObject({ touchpoints: [], ignored: 1 });
    });
  });

  describe('hubspot', () => {
    const ev = (associationType: string, extra: Record<string, unknown> = {}) => ({
      eventId: 1,
      portalId: 5,
      occurredAt: 1790000000000,
      subscriptionType: 'object.associationChange',
      associationType,
      fromObjectId: 10,
      toObjectId: 20,
      associationRemoved: false,
      ...extra,
    });

    it('given a meeting associated with a company (either direction), then a meeting of that company', () => {
      expect(mapHubspot(input([ev('MEETING_TO_COMPANY')])).touchpoints[0]).toMatchObject({ channel: 'meeting', customerExternalId: 'hubspot-company-20', externalId: 'hubspot:5:MEETING:10' });
      expect(mapHubspot(input([ev('COMPANY_TO_TICKET')])).touchpoints[0]).toMatchObject({ channel: 'support_ticket', direction: 'inbound', customerExternalId: 'hubspot-company-10' });
    });

    it('given removed associations and other events, then they are ignored', () => {
      expect(mapHubspot(input([ev('CALL_TO_COMPANY', { associationRemoved: true }), { eventId: 2, subscriptionType: 'contact.creation' }]))).toMatchObject({ touchpoints: [], ignored: 2 });
    });

    it('given the same events with another attemptNumber, then the same dedupe key', () => {
      expect(mapHubspot(input([ev('CALL_TO_COMPANY', { attemptNumber: 0 })])).dedupeKey).toBe(mapHubspot(input([ev('CALL_TO_COMPANY', { attemptNumber: 3 })])).dedupeKey);
    });

    it('given an object instead of an array, then a mapping error', () => {
      expect(() => mapHubspot(input({ eventId: 1 }))).toThrow(MappingError);
    });
  });
});
