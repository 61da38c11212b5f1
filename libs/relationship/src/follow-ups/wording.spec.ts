import { CHANNELS, type Channel, type Touchpoint } from '../touchpoint.js';
import { combineReasons } from './decision.js';
import * as say from './wording.js';

const contact = (channel: Channel, handledBy: 'human' | 'automation' = 'human', over: Partial<Touchpoint> = {}): Touchpoint => ({
  id: `tp-${channel}`, customerId: 'c1', channel, direction: 'inbound', initiatedBy: 'customer', handledBy, occurredAt: '2026-03-08T10:00:00Z', ...over,
});

// Patterns no follow-up sentence may match: the grammar table the health wording and the demo texts use.
const BAD: [string, RegExp][] = [
  ['"a" before a vowel sound', /\ba (?!u(?:s|ni)|one\b|eu)[aeiou]\w*/i],
  ['"an" before a consonant sound', /\ban (?!hour|honest|SMS\b|NPS\b)[bcdfghjklmnpqrstvwxyz]\w*/i],
  ['"a" before an acronym said with a vowel', /\ba (?:SMS|NPS)\b/],
  ['an article before "the"', /\ban? the\b/i],
  ['a plural noun after 1', /\b1 (?:days|hours|contacts|messages|e-mails|times)\b/],
  ['a singular noun after a plural number', /\b(?:[02-9]|\d{2,}) (?:day|hour|contact|message|e-mail|time|automated message)\b(?!s)/],
  ['"in 0 days" or "for 0 days"', /\b(?:in|for|within) 0 (?:days|hours)\b/],
  ['"one times" / "two times"', /\b(?:one|two|1|2) times\b/],
  ['an enum value', /\b(?:support_ticket|in_app|chat_human|no_reply)\b/],
  ['"email" spelled without the hyphen', /\bemail\b/i],
  ['an ISO date', /\b\d{4}-\d{2}-\d{2}\b/],
  ['an unfilled slot', /\bundefined\b|\bNaN\b|\bnull\b|\[object/],
  ['a doubled word', /\b(\p{L}+) \1\b/iu],
  ['space before punctuation', / [,.;:!?)]/],
  ['two sentence ends', /[.!?][.!?]|,\./],
];

const problems = (text: string) => BAD.filter(([, re]) => re.test(text)).map(([name]) => `${name}: ${text}`);

describe('follow-up wording', () => {
  it.each<[string, string, string]>([
    ['"a" before a vowel sound', 'their latest contact was a e-mail', 'their latest contact was an e-mail'],
    ['"an" before a consonant sound', 'an chatbot conversation', 'an SMS message and an hour'],
    ['an article before "the"', 'was a the chatbot', 'was the chatbot'],
    ['a plural noun after 1', 'for 1 days', 'for 1 day'],
    ['a singular noun after a plural number', 'for 3 day', 'for 3 days'],
    ['"in 0 days" or "for 0 days"', 'no relational contact in 0 days', 'relational contact today'],
    ['"one times" / "two times"', 'two times within 3 days', 'twice within 3 days'],
    ['an enum value', 'a support_ticket', 'a support ticket'],
    ['an ISO date', 'from 2026-03-08', 'from 8 Mar 2026'],
  ])('the grammar table: rule "%s" catches %j and passes %j', (name, bad, good) => {
    const re = BAD.find(([n]) => n === name)![1];
    expect(re.test(bad)).toBe(true);
    expect(re.test(good)).toBe(false);
  });

  describe('contacts named', () => {
    it.each<[Channel, 'human' | 'automation', string]>([
      ['email', 'human', 'an e-mail'],
      ['email', 'automation', 'an automated e-mail'],
      ['chatbot', 'automation', 'a chatbot conversation'],
      ['newsletter', 'automation', 'a newsletter'],
      ['sms', 'automation', 'an automated SMS message'],
      ['sms', 'human', 'an SMS message'],
      ['in_app', 'human', 'an in-app message'],
      ['in_app', 'automation', 'an automated in-app message'],
      ['support_ticket', 'human', 'a support ticket'],
      ['phone', 'human', 'a phone call'],
      ['survey', 'automation', 'an automated survey answer'],
      ['other', 'human', 'a contact'],
    ])('given %s handled by %s, then "%s"', (channel, by, expected) => {
      expect(say.aContact(contact(channel, by))).toBe(expected);
    });

    it.each<[string, Touchpoint[], boolean, string]>([
      ['one', [contact('chatbot', 'automation')], false, 'a chatbot conversation'],
      ['same kind', [contact('chatbot', 'automation'), contact('chatbot', 'automation'), contact('chatbot', 'automation')], false, '3 chatbot conversations'],
      ['mixed, first seen first', [contact('support_ticket'), contact('chatbot', 'automation'), contact('support_ticket')], false, '2 support tickets and a chatbot conversation'],
      ['automated and not, kept apart', [contact('email', 'automation'), contact('email'), contact('phone')], false, 'an automated e-mail, an e-mail and a phone call'],
      ['automated implied by the sentence', [contact('email', 'automation'), contact('newsletter', 'automation'), contact('email', 'automation'), contact('in_app', 'automation')], true, '2 e-mails, a newsletter and an in-app message'],
    ])('counted: %s', (_, tps, implied, expected) => {
      expect(say.contactsCounted(tps, implied)).toBe(expected);
    });

    it.each([
      [say.times(1), 'once'],
      [say.times(2), 'twice'],
      [say.times(3), 'three times'],
      [say.times(12), '12 times'],
      [say.numberWord(3), 'three'],
      [say.numberWord(11), '11'],
      [say.waited(1), '1 hour'],
      [say.waited(50.2), '50 hours'],
      [say.waited(8521), '355 days'],
      [say.amount(1250000), '1,250,000'],
      [say.amount(120000.5), '120,000.5'],
      [say.amount(999), '999'],
      [say.dayOf('2026-03-08T23:30:00Z'), '8 Mar 2026'],
    ])('%s', (actual, expected) => {
      expect(actual).toBe(expected);
    });
  });

  describe('every rule\'s sentences', () => {
    const rel = Date.parse('2026-01-05T10:00:00Z');
    const automated = [contact('newsletter', 'automation', { direction: 'outbound', initiatedBy: 'company' }), contact('email', 'automation', { direction: 'outbound', initiatedBy: 'company' })];
    it.each<[string, { reason: string; suggestedAction: string }, { reason: string; suggestedAction: string }]>([
      [
        'high value, chatbot',
        say.highValueTransactional({ tp: contact('chatbot', 'automation'), name: 'Kari Nordmann', annualValue: 250000, why: 'handled by a chatbot' }),
        {
          reason: 'A transactional chatbot conversation on 8 Mar 2026 with a high-value customer (annual value 250,000).',
          suggestedAction: 'Call Kari Nordmann yourself: their latest contact was a chatbot conversation on 8 Mar 2026 that felt transactional (handled by a chatbot).',
        },
      ],
      [
        'high value, automated e-mail, no signals',
        say.highValueTransactional({ tp: contact('email', 'automation'), name: 'Kari Nordmann', annualValue: 100000, why: '' }),
        {
          reason: 'A transactional automated e-mail on 8 Mar 2026 with a high-value customer (annual value 100,000).',
          suggestedAction: 'Call Kari Nordmann yourself: their latest contact was an automated e-mail on 8 Mar 2026 that felt transactional.',
        },
      ],
      [
        'high value, survey answer',
        say.highValueTransactional({ tp: contact('survey', 'automation', { survey: { kind: 'nps', score: 6, comment: 'Nobody listened.' } }), name: 'Kari Nordmann', annualValue: 250000, why: 'the comment says nobody listened' }),
        {
          reason: 'A survey answer on 8 Mar 2026 from a high-value customer (annual value 250,000) says contact felt transactional.',
          suggestedAction: 'Call Kari Nordmann yourself: their survey answer on 8 Mar 2026 says contact with you felt transactional (the comment says nobody listened).',
        },
      ],
      [
        'streak about one topic',
        say.transactionalStreak({ contacts: [contact('chatbot', 'automation'), contact('chatbot', 'automation'), contact('chatbot', 'automation')], name: 'Kari Nordmann', topic: 'return' }),
        {
          reason: 'The last three contacts were all transactional (3 chatbot conversations).',
          suggestedAction: 'Call Kari Nordmann yourself: their last three contacts (3 chatbot conversations) were all transactional, about the same return, and none felt personal.',
        },
      ],
      [
        'streak, mixed channels',
        say.transactionalStreak({ contacts: [contact('phone'), contact('chatbot', 'automation'), contact('support_ticket')], name: 'Ola' }),
        {
          reason: 'The last three contacts were all transactional (a phone call, a chatbot conversation and a support ticket).',
          suggestedAction: 'Call Ola yourself: their last three contacts (a phone call, a chatbot conversation and a support ticket) were all transactional, and none felt personal.',
        },
      ],
      [
        'silence since a relational contact',
        say.automationWithoutRelational({ name: 'Kari Nordmann', days: 60, sinceMs: rel, hasRelational: true, automated }),
        {
          reason: 'No relational contact for 60 days (since 5 Jan 2026) while 2 automated messages went out.',
          suggestedAction: 'Get in touch with Kari Nordmann personally: nobody has had a real conversation with them since 5 Jan 2026, yet they received 2 automated messages (a newsletter and an e-mail).',
        },
      ],
      [
        'silence, none on record, one message, more than five',
        say.automationWithoutRelational({ name: 'Ola', days: 31, sinceMs: rel, hasRelational: false, automated: [...automated, ...automated, ...automated] }),
        {
          reason: 'No relational contact in 31 days on record (first contact on 5 Jan 2026) while 6 automated messages went out.',
          suggestedAction: 'Get in touch with Ola personally: nobody has had a real conversation with them since the first contact on 5 Jan 2026, yet they received 6 automated messages (the latest five: 3 e-mails and 2 newsletters).',
        },
      ],
      [
        'silence, one automated message',
        say.automationWithoutRelational({ name: 'Ola', days: 1, sinceMs: rel, hasRelational: true, automated: automated.slice(0, 1) }),
        {
          reason: 'No relational contact for 1 day (since 5 Jan 2026) while an automated message went out.',
          suggestedAction: 'Get in touch with Ola personally: nobody has had a real conversation with them since 5 Jan 2026, yet they received an automated message (a newsletter).',
        },
      ],
      [
        'silence, the last conversation named, the customer got in touch since',
        say.automationWithoutRelational({
          name: 'Ola',
          days: 40,
          sinceMs: rel,
          hasRelational: true,
          automated,
          last: contact('phone', 'human', { agent: { name: 'Lars Moe' }, topic: 'integration', direction: 'outbound' }),
          reachedOut: [contact('support_ticket'), contact('email')],
        }),
        {
          reason: 'No relational contact for 40 days (since 5 Jan 2026) while 2 automated messages went out; they got in touch twice themselves.',
          suggestedAction: 'Get in touch with Ola personally: nobody has had a real conversation with them since 5 Jan 2026 (a phone call with Lars Moe about "integration"), yet they received 2 automated messages (a newsletter and an e-mail). They got in touch twice since (a support ticket and an e-mail), and none of it became a real conversation.',
        },
      ],
      [
        'silence, the last conversation a written reply, one contact since',
        say.automationWithoutRelational({
          name: 'Ola',
          days: 33,
          sinceMs: rel,
          hasRelational: true,
          automated,
          last: contact('email', 'human', { agent: { name: 'Lars Moe' }, subject: 'Invoice for March', direction: 'outbound' }),
          reachedOut: [contact('chat')],
        }),
        {
          reason: 'No relational contact for 33 days (since 5 Jan 2026) while 2 automated messages went out; they got in touch once themselves.',
          suggestedAction: 'Get in touch with Ola personally: nobody has had a real conversation with them since 5 Jan 2026 (an e-mail from Lars Moe about "Invoice for March"), yet they received 2 automated messages (a newsletter and an e-mail). They got in touch once since (a chat), and it did not become a real conversation.',
        },
      ],
      [
        'silence, the last relational contact a survey answer: no conversation to name',
        say.automationWithoutRelational({ name: 'Ola', days: 31, sinceMs: rel, hasRelational: true, automated, last: contact('survey', 'automation', { topic: 'invoice', survey: { kind: 'csat', score: 5 } }) }),
        {
          reason: 'No relational contact for 31 days (since 5 Jan 2026) while 2 automated messages went out.',
          suggestedAction: 'Get in touch with Ola personally: nobody has had a real conversation with them since 5 Jan 2026, yet they received 2 automated messages (a newsletter and an e-mail).',
        },
      ],
      [
        'unanswered e-mail, hours',
        say.unansweredInbound({ tp: contact('email', 'human', { subject: 'Invoice wrong' }), name: 'Kari Nordmann', hours: 50.2, slaHours: 24 }),
        {
          reason: 'An inbound e-mail from 8 Mar 2026 ("Invoice wrong") has had no answer for 50 hours (SLA 24 hours).',
          suggestedAction: 'Reply to Kari Nordmann personally today: their e-mail from 8 Mar 2026 ("Invoice wrong") has waited 50 hours without an answer.',
        },
      ],
      [
        'unanswered SMS, days, 1-hour SLA',
        say.unansweredInbound({ tp: contact('sms'), name: 'Ola', hours: 73, slaHours: 1 }),
        {
          reason: 'An inbound SMS message from 8 Mar 2026 has had no answer for 3 days (SLA 1 hour).',
          suggestedAction: 'Reply to Ola personally today: their SMS message from 8 Mar 2026 has waited 3 days without an answer.',
        },
      ],
      [
        'detractor with a comment',
        say.detractorWithoutHumanReply({ kind: 'nps', score: 3, at: '2026-03-08T10:00:00Z', name: 'Kari Nordmann', comment: 'Nobody calls back.' }),
        {
          reason: 'A detractor survey answer (NPS 3) on 8 Mar 2026 has no human reply yet.',
          suggestedAction: 'Call Kari Nordmann within 48 hours: they answered NPS 3 on 8 Mar 2026 and wrote "Nobody calls back." Ask what went wrong and listen.',
        },
      ],
      [
        'detractor without a comment',
        say.detractorWithoutHumanReply({ kind: 'ces', score: 7, at: '2026-03-08T10:00:00Z', name: 'Ola' }),
        {
          reason: 'A detractor survey answer (CES 7) on 8 Mar 2026 has no human reply yet.',
          suggestedAction: 'Call Ola within 48 hours: they answered CES 7 on 8 Mar 2026. Ask what went wrong and listen.',
        },
      ],
      [
        'return, one contact',
        say.returnAutomationOnly({ contacts: [contact('chatbot', 'automation')], name: 'Kari Nordmann' }),
        {
          reason: 'A return was handled only by automation (a chatbot conversation).',
          suggestedAction: 'Call Kari Nordmann yourself about their return: the only contact was a chatbot conversation, and no person has spoken to them.',
        },
      ],
      [
        'return, three contacts',
        say.returnAutomationOnly({ contacts: [contact('chatbot', 'automation'), contact('chatbot', 'automation'), contact('return', 'automation')], name: 'Kari Nordmann' }),
        {
          reason: 'A return was handled only by automation (2 chatbot conversations and an automated return).',
          suggestedAction: 'Call Kari Nordmann yourself about their return: all three contacts (2 chatbot conversations and an automated return) were automated, and no person has spoken to them.',
        },
      ],
      [
        'repeat, twice in 3 days',
        say.repeatContact({ label: 'Delivery', contacts: 2, days: 3, name: 'Kari Nordmann' }),
        {
          reason: 'The customer contacted you twice about "Delivery" within 3 days.',
          suggestedAction: 'Call Kari Nordmann and solve "Delivery" for good: they have contacted you twice about it in 3 days.',
        },
      ],
      [
        'repeat, three times the same day',
        say.repeatContact({ label: 'Invoice', contacts: 3, days: 0, name: 'Ola' }),
        {
          reason: 'The customer contacted you three times about "Invoice" within 1 day.',
          suggestedAction: 'Call Ola and solve "Invoice" for good: they have contacted you three times about it in 1 day.',
        },
      ],
      [
        'band drop',
        say.healthBandDrop({ before: { band: 'yellow', score: 55 }, after: { band: 'red', score: 35 }, name: 'Ola' }),
        {
          reason: 'Relationship health dropped from yellow (55) to red (35).',
          suggestedAction: 'Check in with Ola personally: their relationship health fell from yellow to red; ask how things are going before they decide for you.',
        },
      ],
      [
        'win-back',
        say.winBack({ name: 'Ola', churnedAt: '2026-01-31T10:00:00Z', tp: contact('email') }),
        {
          reason: 'The customer left on 31 Jan 2026 and got in touch again on 8 Mar 2026 (an e-mail).',
          suggestedAction: 'Call Ola yourself: they left on 31 Jan 2026 and reached out again on 8 Mar 2026; ask what brought them back.',
        },
      ],
    ])('%s', (_, actual, expected) => {
      expect(actual).toEqual(expected);
      expect([...problems(actual.reason), ...problems(actual.suggestedAction)]).toEqual([]);
    });

    it('given every rule\'s reason joining one task, then the one action written from all of them passes the grammar table', () => {
      const all = [
        say.highValueTransactional({ tp: contact('chatbot', 'automation'), name: 'Kari Nordmann', annualValue: 250000, why: 'handled by a chatbot' }),
        say.transactionalStreak({ contacts: [contact('chatbot', 'automation'), contact('chatbot', 'automation'), contact('email')], name: 'Kari Nordmann', topic: 'return' }),
        say.automationWithoutRelational({ name: 'Kari Nordmann', days: 45, sinceMs: rel, hasRelational: true, automated }),
        say.unansweredInbound({ tp: contact('email', 'human', { subject: 'Invoice wrong' }), name: 'Kari Nordmann', hours: 30, slaHours: 24 }),
        say.detractorWithoutHumanReply({ kind: 'csat', score: 1, at: '2026-03-08T10:00:00Z', name: 'Kari Nordmann' }),
        say.returnAutomationOnly({ contacts: [contact('return', 'automation')], name: 'Kari Nordmann' }),
        say.repeatContact({ label: 'Return', contacts: 3, days: 2, name: 'Kari Nordmann' }),
        say.healthBandDrop({ before: { band: 'yellow', score: 48 }, after: { band: 'red', score: 31 }, name: 'Kari Nordmann' }),
        say.winBack({ name: 'Kari Nordmann', churnedAt: '2026-01-31T10:00:00Z', tp: contact('email') }),
      ];
      const reasons = all.map((t, i) => ({ rule: `r${i}`, reason: t.reason, suggestedAction: t.suggestedAction, triggeredBy: [], at: '2026-03-09T10:00:00Z', priority: i === 0 ? ('urgent' as const) : ('normal' as const), dueAt: '2026-03-10T10:00:00Z' }));
      const { suggestedAction } = combineReasons(reasons);
      expect(suggestedAction.startsWith(`${all[0].suggestedAction} Also: the last three contacts were all transactional`)).toBe(true);
      // Joined lower-cased, each reason still reads right: no name lower-cased, no capital after "; ".
      expect(suggestedAction).not.toMatch(/(?:; |Also: )(?:[A-Z][a-z]|A )|\bkari\b/);
      expect(problems(suggestedAction)).toEqual([]);

      // Led by another reason, the high-value one ("A transactional …") joins as "a transactional …".
      const led = combineReasons([reasons[4], { ...reasons[0], priority: 'normal' }]).suggestedAction;
      expect(led).toContain('Also: a transactional chatbot conversation');
    });

    it('given every channel, automated or not, in every sentence that names a contact, then none breaks the grammar table', () => {
      const found: string[] = [];
      for (const channel of CHANNELS) {
        for (const by of ['human', 'automation'] as const) {
          const tp = contact(channel, by, { subject: 'Order 12' });
          const texts = [
            say.highValueTransactional({ tp, name: 'Kari', annualValue: 1e6, why: '' }),
            say.transactionalStreak({ contacts: [tp, tp, contact('email')], name: 'Kari' }),
            say.automationWithoutRelational({ name: 'Kari', days: 45, sinceMs: rel, hasRelational: true, automated: [tp, tp] }),
            say.automationWithoutRelational({ name: 'Kari', days: 45, sinceMs: rel, hasRelational: true, automated: [tp], last: { ...tp, agent: { name: 'Lars' } }, reachedOut: [tp, tp, tp, tp, tp, tp] }),
            say.unansweredInbound({ tp, name: 'Kari', hours: 30, slaHours: 24 }),
            say.returnAutomationOnly({ contacts: [tp], name: 'Kari' }),
            say.winBack({ name: 'Kari', churnedAt: '2026-01-01T00:00:00Z', tp }),
          ];
          for (const t of texts) found.push(...problems(t.reason), ...problems(t.suggestedAction));
        }
      }
      expect(found).toEqual([]);
    });
  });
});
