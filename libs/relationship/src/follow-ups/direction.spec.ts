import type { RelationalClass, ScoredTouchpoint, Touchpoint } from '../touchpoint.js';
import { evaluateRules, type RuleContext } from './checks.js';
import { DEFAULT_RULES, RULE_IDS, type FollowUpRules, type RuleId } from './rules.js';

// Direction and actor in every rule (#22): the company's replies, newsletters and notifications
// are never "the customer came back", never a contact the customer had, never an answer to wait for.
const NOW = new Date('2026-03-10T12:00:00Z');
let seq = 0;
const tp = (cls: RelationalClass, over: Partial<Touchpoint>): ScoredTouchpoint => {
  const eventId = `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  return {
    eventId, recordedAt: over.occurredAt ?? '2026-03-10T10:00:00Z',
    relational: { score: cls === 'relational' ? 80 : cls === 'neutral' ? 50 : 20, class: cls, signals: [] },
    touchpoint: { id: eventId, customerId: 'c1', channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: '2026-03-10T10:00:00Z', ...over },
  };
};
const at = (d: number, h = 10) => `2026-03-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;
const only = (rule: RuleId): FollowUpRules => ({ ...DEFAULT_RULES, rules: DEFAULT_RULES.rules.map((r) => ({ ...r, enabled: r.id === rule })) });

const customerMail = (d: number, topic = 'invoice', cls: RelationalClass = 'neutral') => tp(cls, { occurredAt: at(d), topic });
/** The account manager's answer in the thread the customer opened: outbound, yet `initiatedBy: customer`. */
const ourReply = (to: ScoredTouchpoint, d: number, cls: RelationalClass = 'neutral') =>
  tp(cls, { occurredAt: at(d), direction: 'outbound', initiatedBy: 'customer', replyToId: to.touchpoint.id, topic: to.touchpoint.topic });
const newsletter = (d: number) => tp('transactional', { occurredAt: at(d), channel: 'newsletter', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', topic: 'invoice' });
const notification = (d: number, topic = 'invoice') => tp('transactional', { occurredAt: at(d), channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', topic });
const chatbot = (d: number, topic = 'return') => tp('transactional', { occurredAt: at(d), channel: 'chatbot', handledBy: 'automation', topic });

interface Row {
  rule: RuleId;
  given: string;
  history: () => { tps: ScoredTouchpoint[]; ctx?: Partial<RuleContext> };
  fires: boolean;
}

const m1 = customerMail(8);
const r1 = ourReply(m1, 8);
const unansweredFact = (mail: ScoredTouchpoint) => ({ eventId: 'f-un', type: 'InboundMessageWentUnanswered' as const, occurredAt: at(9), data: { touchpointId: mail.eventId, hoursUnanswered: 30, slaHours: 24 } });

const TABLE: Row[] = [
  { rule: 'repeat_contact', given: 'an inbound message and the account manager\'s reply', history: () => ({ tps: [m1, r1] }), fires: false },
  { rule: 'repeat_contact', given: 'an inbound message, our reply and the customer\'s reply to it (one thread)', history: () => { const a = customerMail(7); const b = ourReply(a, 7); return { tps: [a, b, tp('neutral', { occurredAt: at(8), topic: 'invoice', replyToId: b.touchpoint.id })] }; }, fires: false },
  { rule: 'repeat_contact', given: 'a customer message, then a notification about the same topic', history: () => ({ tps: [customerMail(7), notification(8)] }), fires: false },
  { rule: 'repeat_contact', given: 'a newsletter, then one customer message', history: () => ({ tps: [newsletter(7), customerMail(8)] }), fires: false },
  { rule: 'repeat_contact', given: 'the customer writing twice about the same thing', history: () => ({ tps: [customerMail(6), customerMail(8)] }), fires: true },
  { rule: 'high_value_transactional', given: 'a newsletter to a high-value customer', history: () => ({ tps: [newsletter(9)], ctx: { customer: { id: 'c1', name: 'K', annualValue: 1e6 } } }), fires: false },
  { rule: 'high_value_transactional', given: 'a chatbot contact of a high-value customer', history: () => ({ tps: [chatbot(9)], ctx: { customer: { id: 'c1', name: 'K', annualValue: 1e6 } } }), fires: true },
  { rule: 'transactional_streak', given: 'three newsletters in a row', history: () => ({ tps: [newsletter(7), newsletter(8), newsletter(9)] }), fires: false },
  { rule: 'transactional_streak', given: 'two chatbot contacts and a notification', history: () => ({ tps: [chatbot(7), chatbot(8), notification(9)] }), fires: false },
  { rule: 'transactional_streak', given: 'three chatbot contacts', history: () => ({ tps: [chatbot(7), chatbot(8), chatbot(9)] }), fires: true },
  { rule: 'unanswered_inbound', given: 'a fact about an outbound message of ours', history: () => { const n = notification(8); return { tps: [n], ctx: { trigger: { eventId: 'f-un', type: 'InboundMessageWentUnanswered' }, facts: [unansweredFact(n)] } }; }, fires: false },
  { rule: 'unanswered_inbound', given: 'a fact about the customer\'s unanswered e-mail', history: () => { const m = customerMail(8); return { tps: [m], ctx: { trigger: { eventId: 'f-un', type: 'InboundMessageWentUnanswered' }, facts: [unansweredFact(m)] } }; }, fires: true },
  { rule: 'detractor_without_human_reply', given: 'a detractor answer, then the customer\'s own e-mail (no reply of ours)', history: () => { const s = tp('transactional', { occurredAt: at(8), channel: 'survey', handledBy: 'automation', survey: { kind: 'nps', score: 2 } }); return { tps: [s, customerMail(9)], ctx: { trigger: { eventId: s.eventId, type: 'TouchpointRecorded' } } }; }, fires: true },
  { rule: 'detractor_without_human_reply', given: 'a detractor answer, then our person\'s reply', history: () => { const s = tp('transactional', { occurredAt: at(8), channel: 'survey', handledBy: 'automation', survey: { kind: 'nps', score: 2 } }); return { tps: [s, ourReply(s, 9)], ctx: { trigger: { eventId: s.eventId, type: 'TouchpointRecorded' } } }; }, fires: false },
  { rule: 'return_automation_only', given: 'only automated notifications about a return', history: () => ({ tps: [notification(8, 'return'), notification(9, 'return')] }), fires: false },
  { rule: 'return_automation_only', given: 'the customer\'s return answered by the chatbot', history: () => ({ tps: [chatbot(9)] }), fires: true },
  { rule: 'automation_without_relational', given: 'newsletters for 60 days after the last relational contact', history: () => ({ tps: [tp('relational', { occurredAt: '2026-01-05T10:00:00Z', channel: 'phone' }), newsletter(1), newsletter(9)] }), fires: true },
  { rule: 'automation_without_relational', given: 'the customer\'s own mails after the last relational contact (nothing automated went out)', history: () => ({ tps: [tp('relational', { occurredAt: '2026-01-05T10:00:00Z', channel: 'phone' }), customerMail(1), customerMail(9)] }), fires: false },
  { rule: 'health_band_drop', given: 'health fell from yellow to red on a touchpoint', history: () => ({ tps: [chatbot(9)], ctx: { health: { before: { score: 55, band: 'yellow' }, after: { score: 35, band: 'red' } } } }), fires: true },
  { rule: 'win_back', given: 'a newsletter to a customer who left', history: () => ({ tps: [newsletter(9)], ctx: { churnedAt: at(1) } }), fires: false },
  { rule: 'win_back', given: 'a customer who left writing in again', history: () => ({ tps: [customerMail(9)], ctx: { churnedAt: at(1) } }), fires: true },
];

describe('follow-up rules: direction and actor', () => {
  it('covers every rule', () => {
    expect(new Set(TABLE.map((r) => r.rule))).toEqual(new Set(RULE_IDS));
  });

  it.each(TABLE.map((r) => [r.rule, r.given, r.fires, r] as const))('%s: given %s, then fires=%s', (rule, _given, fires, row) => {
    const { tps, ctx } = row.history();
    const last = tps[tps.length - 1];
    const context: RuleContext = { customer: { id: 'c1', name: 'Kari Nordmann', annualValue: 10_000 }, trigger: { eventId: last.eventId, type: 'TouchpointRecorded' }, touchpoints: tps, facts: [], ...ctx };
    const rules = only(rule);
    rules.rules.forEach((r) => (r.id === rule ? (r.enabled = true) : undefined));
    expect(evaluateRules(context, rules, NOW).map((p) => p.rule)).toEqual(fires ? [rule] : []);
  });

  it('given only company messages (replies, newsletters, notifications), when every rule but the quiet one runs, then none says the customer did anything', () => {
    const m = customerMail(1);
    const company = [ourReply(m, 2), newsletter(3), notification(4), newsletter(5), notification(6, 'return'), ourReply(m, 7)];
    for (const t of company) {
      const ctx: RuleContext = { customer: { id: 'c1', name: 'K', annualValue: 1e6 }, trigger: { eventId: t.eventId, type: 'TouchpointRecorded' }, touchpoints: company, facts: [] };
      const fired = evaluateRules(ctx, { ...DEFAULT_RULES, rules: DEFAULT_RULES.rules.map((r) => ({ ...r, enabled: r.id !== 'automation_without_relational' && r.id !== 'health_band_drop' })) }, NOW);
      expect(fired).toEqual([]);
    }
  });
});

describe('follow-up rules: evidence must be current', () => {
  it.each([
    ['high_value_transactional', 14],
    ['repeat_contact', 14],
    ['transactional_streak', 14],
  ] as const)('given %s evidence older than %i days at evaluation (an import), then nothing; the same evidence fresh fires', (rule, days) => {
    const old = new Date(NOW.getTime() - (days + 1) * 86_400_000);
    const mk = (ms: number) => {
      const iso = new Date(ms).toISOString();
      return rule === 'repeat_contact' ? [tp('neutral', { occurredAt: iso, topic: 'x' }), tp('neutral', { occurredAt: new Date(ms + 3_600_000).toISOString(), topic: 'x' })] : [chatbot(1), chatbot(2), chatbot(3)].map((t, i) => ({ ...t, touchpoint: { ...t.touchpoint, occurredAt: new Date(ms + i * 3_600_000).toISOString() } }));
    };
    const run = (tps: ScoredTouchpoint[]) => evaluateRules({ customer: { id: 'c1', name: 'K', annualValue: 1e6 }, trigger: { eventId: tps[tps.length - 1].eventId, type: 'TouchpointRecorded' }, touchpoints: tps, facts: [] }, only(rule), NOW);
    expect(run(mk(old.getTime() - 7_200_000))).toEqual([]);
    expect(run(mk(NOW.getTime() - 86_400_000)).map((p) => p.rule)).toEqual([rule]);
  });

  it('given an inbound e-mail from months ago noticed by a sweep today, then it is history, not a "reply today" task', () => {
    const mail = tp('neutral', { occurredAt: '2025-12-12T10:00:00Z', subject: 'Old' });
    const fact = { eventId: 'f-old', type: 'InboundMessageWentUnanswered' as const, occurredAt: NOW.toISOString(), data: { touchpointId: mail.eventId, hoursUnanswered: 2100, slaHours: 24 } };
    expect(evaluateRules({ customer: { id: 'c1', name: 'K' }, trigger: { eventId: 'f-old', type: 'InboundMessageWentUnanswered' }, touchpoints: [mail], facts: [fact] }, only('unanswered_inbound'), NOW)).toEqual([]);
  });

  it('given a customer whose latest outcome is churned, then no retention rule fires', () => {
    const tps = [chatbot(7), chatbot(8), chatbot(9)];
    expect(evaluateRules({ customer: { id: 'c1', name: 'K', annualValue: 1e6 }, trigger: { eventId: tps[2].eventId, type: 'TouchpointRecorded' }, touchpoints: tps, facts: [], churnedAt: at(1) }, DEFAULT_RULES, NOW)).toEqual([]);
  });
});
