import * as say from './wording.js';

const OCT_12 = Date.parse('2026-10-12T15:00:00Z');

describe('wording: every sentence health and churn risk generate', () => {
  describe('articles', () => {
    it.each([
      ['open complaint', 'an'],
      ['repeat contact', 'a'],
      ['unanswered inbound message', 'an'],
      ['e-mail', 'an'],
      ['SMS message', 'an'],
      ['NPS', 'an'],
      ['CSAT', 'a'],
      ['in-app message', 'an'],
      ['support ticket', 'a'],
      ['user', 'a'],
      ['one-off call', 'a'],
      ['hour', 'an'],
      ['detractor NPS', 'a'],
      ['high-effort CES', 'a'],
      ['low CSAT', 'a'],
      ['promoter NPS', 'a'],
    ])('given "%s", then "%s"', (phrase, expected) => {
      expect(say.article(phrase)).toBe(expected);
    });
  });

  describe('counts, plurals and lists', () => {
    it.each([
      [say.plural(0, 'day'), '0 days'],
      [say.plural(1, 'day'), '1 day'],
      [say.plural(2, 'day'), '2 days'],
      [say.counted(1, 'open complaint'), 'an open complaint'],
      [say.counted(3, 'open complaint'), '3 open complaints'],
      [say.counted(1, 'repeat contact'), 'a repeat contact'],
      [say.listOf([]), ''],
      [say.listOf(['a']), 'a'],
      [say.listOf(['a', 'b']), 'a and b'],
      [say.listOf(['a', 'b', 'c']), 'a, b and c'],
      [say.signedPoints(24.46), '+24.5'],
      [say.signedPoints(-3), '−3'],
      [say.signedPoints(0.01), '±0'],
      [say.formatDay(OCT_12), '12 Oct 2026'],
    ])('%s', (actual, expected) => {
      expect(actual).toBe(expected);
    });
  });

  describe('channel names', () => {
    it.each([
      ['email', 1, 'an e-mail'],
      ['email', 2, '2 e-mails'],
      ['phone', 1, 'a phone call'],
      ['meeting', 3, '3 meetings'],
      ['video', 1, 'a video call'],
      ['chat', 2, '2 chats'],
      ['chatbot', 1, 'a chatbot conversation'],
      ['sms', 1, 'an SMS message'],
      ['sms', 4, '4 SMS messages'],
      ['support_ticket', 1, 'a support ticket'],
      ['support_ticket', 2, '2 support tickets'],
      ['return', 1, 'a return'],
      ['survey', 1, 'a survey answer'],
      ['newsletter', 2, '2 newsletters'],
      ['in_app', 1, 'an in-app message'],
      ['social', 1, 'a social media message'],
      ['letter', 1, 'a letter'],
      ['other', 1, 'a contact'],
      ['carrier pigeon', 2, '2 contacts'],
    ])('given channel %s × %i, then "%s"', (channel, n, expected) => {
      expect(say.channelCount(channel, n)).toBe(expected);
    });
    it('given mixed channels, then counted by channel in first-seen order', () => {
      expect(say.channelsCounted(['support_ticket', 'return', 'support_ticket'])).toBe('2 support tickets and a return');
      expect(say.channelsCounted(['return'])).toBe('a return');
    });
  });

  describe('health drivers', () => {
    it.each([
      ['no data', say.noTouchpointsYet(), 'no touchpoints yet: neutral score'],
      [
        'quality, relational',
        say.qualityFactor({ lean: 'relational', slight: false, quality: 76.3, total: 43, relational: 37, transactional: 1, windowDays: 180 }),
        'recent contacts lean relational: quality 76/100 over 43 contacts in 180 days (37 relational, 1 transactional), the latest counting most',
      ],
      [
        'quality, slight',
        say.qualityFactor({ lean: 'relational', slight: true, quality: 50.4, total: 40, relational: 6, transactional: 6, windowDays: 180 }),
        'recent contacts lean slightly relational: quality 50/100 over 40 contacts in 180 days (6 relational, 6 transactional), the latest counting most',
      ],
      [
        'quality, against the counts',
        say.qualityFactor({ lean: 'transactional', slight: false, quality: 48, total: 56, relational: 25, transactional: 18, windowDays: 180 }),
        'recent contacts lean transactional: quality 48/100 over 56 contacts in 180 days (25 relational, 18 transactional); the transactional ones weigh more (more recent, or further from neutral)',
      ],
      [
        'quality, relational against the counts',
        say.qualityFactor({ lean: 'relational', slight: true, quality: 52, total: 9, relational: 2, transactional: 3, windowDays: 180 }),
        'recent contacts lean slightly relational: quality 52/100 over 9 contacts in 180 days (2 relational, 3 transactional); the relational ones weigh more (more recent, or further from neutral)',
      ],
      [
        'quality, one neutral contact',
        say.qualityFactor({ lean: 'transactional', slight: true, quality: 40, total: 1, relational: 0, transactional: 0, windowDays: 180 }),
        'recent contacts lean slightly transactional: quality 40/100 over 1 contact in 180 days (neutral), the latest counting most',
      ],
      [
        'quality, all neutral',
        say.qualityFactor({ lean: 'relational', slight: false, quality: 60, total: 2, relational: 0, transactional: 0, windowDays: 180 }),
        'recent contacts lean relational: quality 60/100 over 2 contacts in 180 days (all neutral), the latest counting most',
      ],
      ['streak of 3', say.transactionalRun(3), '3 transactional contacts in a row'],
      ['streak of 1', say.transactionalRun(1), 'the last contact was transactional'],
      ['recency today', say.recencyFactor({ days: 0, hasRelational: true, fresh: true }), 'relational contact today'],
      ['recency 1 day', say.recencyFactor({ days: 1, hasRelational: true, fresh: true }), 'relational contact 1 day ago'],
      ['recency 41 days', say.recencyFactor({ days: 41, hasRelational: true, fresh: false }), 'no relational contact for 41 days'],
      ['none on record, recent start', say.recencyFactor({ days: 0, hasRelational: false, fresh: true }), 'no relational contact on record yet (first contact today)'],
      ['none on record, 3 days', say.recencyFactor({ days: 3, hasRelational: false, fresh: true }), 'no relational contact on record yet (first contact 3 days ago)'],
      ['none on record, 50 days', say.recencyFactor({ days: 50, hasRelational: false, fresh: false }), 'no relational contact in 50 days on record'],
      ['recency with its date', say.recencyFactor({ days: 41, hasRelational: true, fresh: false, sinceT: OCT_12 }), 'no relational contact for 41 days (since 12 Oct 2026)'],
      ['recency 1 day, with its date', say.recencyFactor({ days: 1, hasRelational: true, fresh: true, sinceT: OCT_12 }), 'relational contact 1 day ago'],
      ['none on record, with the first contact', say.recencyFactor({ days: 50, hasRelational: false, fresh: false, sinceT: OCT_12 }), 'no relational contact in 50 days on record (first contact on 12 Oct 2026)'],
      ['silence', say.recencyFactor({ days: 41, hasRelational: true, fresh: false, quiet: true }), 'no relational contact for 41 days (silence recorded)'],
      ['silence with its date', say.recencyFactor({ days: 41, hasRelational: true, fresh: false, sinceT: OCT_12, quiet: true }), 'no relational contact for 41 days (since 12 Oct 2026; silence recorded)'],
      ['silence, fresh', say.recencyFactor({ days: 3, hasRelational: false, fresh: true, quiet: true }), 'no relational contact on record yet (first contact 3 days ago; silence recorded)'],
      [
        'fewer contacts',
        say.frequencyFactor({ recent: 1, usual: 4.15, recentDays: 30 }),
        'fewer contacts than usual: 1 engaged contact in the last 30 days against 4.2 a month before (transactional ones not counted)',
      ],
      [
        'more contacts',
        say.frequencyFactor({ recent: 9, usual: 5, recentDays: 30 }),
        'more contacts than usual: 9 engaged contacts in the last 30 days against 5.0 a month before (transactional ones not counted)',
      ],
      ['one complaint', say.openComplaints(['return']), '1 open complaint (a return not resolved yet)'],
      ['complaints', say.openComplaints(['support_ticket', 'support_ticket', 'email']), '3 open complaints (2 support tickets and an e-mail not resolved yet)'],
      ['one repeat', say.repeatContacts(1, 90), '1 repeat contact in 90 days (the customer had to come back about the same matter)'],
      ['repeats', say.repeatContacts(4, 90), '4 repeat contacts in 90 days (the customer had to come back about the same matter)'],
      ['negative survey', say.surveyOn('detractor NPS (3)', OCT_12), 'detractor NPS (3) on 12 Oct 2026'],
      ['one positive survey', say.positiveSurveys(1, 'promoter NPS (10)', OCT_12), 'promoter NPS (10) on 12 Oct 2026'],
      ['positive surveys', say.positiveSurveys(2, 'promoter NPS (10)', OCT_12), '2 positive survey answers, the latest on 12 Oct 2026'],
      ['one unanswered', say.unansweredInbound(1), '1 inbound message left unanswered past the SLA'],
      ['unanswered', say.unansweredInbound(2), '2 inbound messages left unanswered past the SLA'],
      ['outcome', say.outcomeOn('renewed', OCT_12), 'renewed on 12 Oct 2026'],
    ])('%s', (_, actual, expected) => {
      expect(actual).toBe(expected);
    });

    it.each([
      ['outcome', say.outcomeShort('expanded', OCT_12), { text: 'the expansion on 12 Oct 2026', plural: false }],
      ['churn', say.outcomeShort('churned', OCT_12), { text: 'the churn on 12 Oct 2026', plural: false }],
      ['quality', say.qualityShort('transactional'), { text: 'recent contacts leaning transactional', plural: true }],
      ['frequency', say.frequencyShort(false), { text: 'fewer contacts than usual', plural: true }],
      ['streak of 1', say.transactionalRunShort(1), { text: 'a transactional last contact', plural: false }],
      ['streak of 4', say.transactionalRunShort(4), { text: '4 transactional contacts in a row', plural: true }],
      ['recency (no date: the sentence around it gives the points)', say.recencyShort({ days: 41, hasRelational: true, fresh: false, sinceT: OCT_12, quiet: true }), { text: 'no relational contact for 41 days', plural: false }],
      ['one complaint', say.countedPhrase(1, 'open complaint'), { text: 'an open complaint', plural: false }],
      ['two complaints', say.countedPhrase(2, 'open complaint'), { text: '2 open complaints', plural: true }],
    ])('the short phrase for %s, with its number for the verb', (_, actual, expected) => {
      expect(actual).toEqual(expected);
    });
  });

  describe('churn drivers', () => {
    it.each([
      ['share', say.transactionalShare(11, 25, 90), '44% of contacts in 90 days were transactional (11 of 25)'],
      ['all of them', say.transactionalShare(3, 3, 90), 'all 3 contacts in 90 days were transactional'],
      ['the only one', say.transactionalShare(1, 1, 90), 'the only contact in 90 days was transactional'],
      ['one negative survey', say.negativeSurveys(1, 180), '1 negative survey answer in 180 days'],
      ['negative surveys', say.negativeSurveys(2, 180), '2 negative survey answers in 180 days'],
      ['unanswered', say.unansweredIn(1, 90), '1 inbound message left unanswered in 90 days'],
      ['complaints', say.complaintsRaised(2, 90), '2 complaints raised in 90 days'],
      ['one complaint', say.complaintsRaised(1, 90), '1 complaint raised in 90 days'],
      ['renewal soon', say.renewalIn(9, OCT_12), 'renewal in 9 days (12 Oct 2026)'],
      ['renewal tomorrow', say.renewalIn(1, OCT_12), 'renewal in 1 day (12 Oct 2026)'],
      ['renewal today', say.renewalIn(0, OCT_12), 'renewal today (12 Oct 2026)'],
    ])('%s', (_, actual, expected) => {
      expect(actual).toBe(expected);
    });
  });

  describe('notes', () => {
    it.each([
      ['clamp at 0', say.scaleLimit(-22.4, 50, 0), 'The factors add up to −72.4 points from the neutral 50; the score stops at 0.'],
      ['clamp at 100', say.scaleLimit(124.5, 50, 100), 'The factors add up to +74.5 points from the neutral 50; the score stops at 100.'],
      ['one minor factor', say.minorFactors(1, 0.3, 1), 'One smaller factor (under 1 point) adds +0.3 and is not listed.'],
      ['minor factors', say.minorFactors(3, -0.4, 1), '3 smaller factors (each under 1 point) add −0.4 together and are not listed.'],
      ['minor factors, half a point', say.minorFactors(2, 0.6, 0.5), '2 smaller factors (each under 0.5 points) add +0.6 together and are not listed.'],
      [
        'nothing recorded yet, an earlier day',
        say.nothingRecordedYet(Date.parse('2026-05-16T23:59:59Z'), Date.parse('2026-12-02T09:14:00Z')),
        'On 16 May 2026 Closeness had not recorded anything for this customer yet: the first record is from 2 Dec 2026. This view shows only what had been recorded by then. ' +
          'The health curve shows how the relationship went before that: it is drawn from when things happened, including what was recorded later (an import, for example).',
      ],
      [
        'nothing recorded yet, earlier the same day',
        say.nothingRecordedYet(Date.parse('2026-12-02T08:00:00Z'), Date.parse('2026-12-02T09:14:30Z')),
        'By 08:00 UTC on 2 Dec 2026 Closeness had not recorded anything for this customer yet: the first record came at 09:14 UTC that day. This view shows only what had been recorded by then. ' +
          'The health curve shows how the relationship went before that: it is drawn from when things happened, including what was recorded later (an import, for example).',
      ],
      ['nothing recorded at all', say.nothingRecordedYet(OCT_12, null), 'Nothing has been recorded for this customer yet, so there is no health to show for 12 Oct 2026.'],
    ])('%s', (_, actual, expected) => {
      expect(actual).toBe(expected);
    });

    const one = say.singular;
    const many = say.pluralPhrase;
    const base = { probability: 18, base: 4.7, mediumFrom: 25, churnRisers: [] as say.Phrase[], churnHolders: [] as say.Phrase[] };
    it.each([
      [
        'red, low: two reasons, a holder and a riser',
        say.healthVsChurn({
          ...base,
          band: 'red',
          level: 'low',
          healthReasons: [
            { phrase: many('3 repeat contacts'), effect: -9 },
            { phrase: many('recent contacts leaning transactional'), effect: -7 },
          ],
          churnRisers: [many('11 transactional contacts in 90 days')],
          churnHolders: [one('the renewal on 23 May 2026')],
        }),
        'Health is red, yet the churn risk is low. Health reads how contact has felt lately: 3 repeat contacts (−9) and recent contacts leaning transactional (−7) pull it down. ' +
          'Churn risk is the chance of leaving, estimated from the signals that have predicted it: the renewal on 23 May 2026 holds it down; its largest signal here is 11 transactional contacts in 90 days. ' +
          'At 18% the risk is below the 25% where it counts as medium, yet 4 times that of a customer without warning signs (4.7%).',
      ],
      [
        'red, low: one reason, nothing on the churn side, close to the base',
        say.healthVsChurn({ ...base, probability: 6, band: 'red', level: 'low', healthReasons: [{ phrase: one('an open complaint'), effect: -6 }] }),
        'Health is red, yet the churn risk is low. Health reads how contact has felt lately: an open complaint (−6) pulls it down. ' +
          'Churn risk is the chance of leaving, estimated from the signals that have predicted it. ' +
          'At 6% the risk is below the 25% where it counts as medium, close to that of a customer without warning signs (4.7%).',
      ],
      [
        'green, medium: two risers and two holders',
        say.healthVsChurn({
          ...base,
          probability: 41,
          band: 'green',
          level: 'medium',
          healthReasons: [{ phrase: many('recent contacts leaning relational'), effect: 29.5 }],
          churnRisers: [many('8 repeat contacts'), one('the renewal in 62 days')],
          churnHolders: [one('the renewal on 2 Feb 2026'), one('the expansion on 3 Mar 2026')],
        }),
        'Health is green, yet the churn risk is medium. Health reads how contact has felt lately: recent contacts leaning relational (+29.5) lift it. ' +
          'Churn risk is the chance of leaving, estimated from the signals that have predicted it: 8 repeat contacts and the renewal in 62 days raise it, while the renewal on 2 Feb 2026 and the expansion on 3 Mar 2026 hold it down.',
      ],
      [
        'green, high: one riser',
        say.healthVsChurn({ ...base, probability: 60, band: 'green', level: 'high', healthReasons: [], churnRisers: [one('a repeat contact')] }),
        'Health is green, yet the churn risk is high. Health reads how contact has felt lately. Churn risk is the chance of leaving, estimated from the signals that have predicted it: a repeat contact raises it.',
      ],
      [
        'green, medium: one plural riser, one holder',
        say.healthVsChurn({ ...base, probability: 30, band: 'green', level: 'medium', healthReasons: [{ phrase: one('relational contact 2 days ago'), effect: 7.1 }], churnRisers: [many('3 repeat contacts')], churnHolders: [one('the renewal on 2 Feb 2026')] }),
        'Health is green, yet the churn risk is medium. Health reads how contact has felt lately: relational contact 2 days ago (+7.1) lifts it. ' +
          'Churn risk is the chance of leaving, estimated from the signals that have predicted it: 3 repeat contacts raise it, while the renewal on 2 Feb 2026 holds it down.',
      ],
    ])('%s', (_, actual, expected) => {
      expect(actual).toBe(expected);
    });

    it.each([
      ['red', 'medium'],
      ['red', 'high'],
      ['yellow', 'low'],
      ['yellow', 'high'],
      ['green', 'low'],
    ] as const)('given %s health and %s churn risk, then no note (they agree)', (band, level) => {
      expect(say.healthVsChurn({ ...base, band, level, healthReasons: [] })).toBeNull();
    });
  });
});
