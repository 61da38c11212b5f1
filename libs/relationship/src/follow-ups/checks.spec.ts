import type { RelationalClass, ScoredTouchpoint, Touchpoint } from '../touchpoint.js';
import { computeHealth } from '../health/health.js';
import { bandRecovered, evaluateRules, closesOpenTasks, rejudgeReason, type RuleContext } from './checks.js';
import * as say from './wording.js';
import { DEFAULT_RULES, validateRules, type FollowUpRules, type RuleId } from './rules.js';

const NOW = new Date('2026-03-10T12:00:00Z');
let seq = 0;
const id = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

function tp(cls: RelationalClass, over: Partial<Touchpoint> = {}): ScoredTouchpoint {
  const eventId = over.id ?? id();
  return {
    eventId,
    recordedAt: over.occurredAt ?? '2026-03-10T10:00:00Z',
    relational: { score: cls === 'relational' ? 80 : cls === 'neutral' ? 50 : 20, class: cls, signals: cls === 'transactional' ? [{ name: 'automation', effect: -20, detail: 'handled by a chatbot' }] : [] },
    touchpoint: {
      id: eventId, customerId: 'c1', channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation',
      occurredAt: '2026-03-10T10:00:00Z', ...over,
    },
  };
}

function ctx(touchpoints: ScoredTouchpoint[], over: Partial<RuleContext> = {}): RuleContext {
  const last = touchpoints[touchpoints.length - 1];
  return {
    customer: { id: 'c1', name: 'Kari Nordmann', annualValue: 10_000 },
    trigger: { eventId: last?.eventId ?? 'none', type: 'TouchpointRecorded' },
    touchpoints,
    facts: [],
    ...over,
  };
}

/** Only one rule enabled, so each spec sees one rule's behaviour. */
function only(rule: RuleId, params: Record<string, number> = {}): FollowUpRules {
  return {
    ...DEFAULT_RULES,
    rules: DEFAULT_RULES.rules.map((r) => ({ ...r, enabled: r.id === rule, params: r.id === rule ? { ...r.params, ...params } : r.params })),
  };
}

const day = (d: number, h = 10) => `2026-03-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;

describe('follow-up rules', () => {
  describe('high_value_transactional', () => {
    it('given a high-value customer, when a transactional touchpoint arrives, then a high-priority task names the customer', () => {
      const t = tp('transactional');
      const [p, ...rest] = evaluateRules(ctx([t], { customer: { id: 'c1', name: 'Kari Nordmann', annualValue: 250_000 } }), only('high_value_transactional'), NOW);
      expect(rest).toHaveLength(0);
      expect(p.rule).toBe('high_value_transactional');
      expect(p.suggestedAction).toContain('Kari Nordmann');
      expect(p.suggestedAction).toContain('handled by a chatbot');
      expect(p.triggeredBy).toEqual([t.eventId]);
      expect(p.priority).toBe('urgent'); // base high + high value
      expect(p.dueAt).toBe('2026-03-12T12:00:00.000Z'); // 48 h SLA
    });
    it('given a small customer, when a transactional touchpoint arrives, then nothing is raised', () => {
      expect(evaluateRules(ctx([tp('transactional')]), only('high_value_transactional'), NOW)).toEqual([]);
    });
    it('given a high-value customer, when a relational touchpoint arrives, then nothing is raised', () => {
      expect(evaluateRules(ctx([tp('relational')], { customer: { id: 'c1', name: 'K', annualValue: 1e6 } }), only('high_value_transactional'), NOW)).toEqual([]);
    });
  });

  describe('transactional_streak', () => {
    it('given two transactional contacts about a return, when a third arrives, then the action reads like a person wrote it', () => {
      const tps = [1, 2, 3].map((d) => tp('transactional', { occurredAt: day(d), topic: 'return' }));
      const [p] = evaluateRules(ctx(tps), only('transactional_streak'), NOW);
      expect(p.suggestedAction).toBe('Call Kari Nordmann yourself: their last three contacts (3 chatbot conversations) were all transactional, about the same return, and none felt personal.');
      expect(p.triggeredBy).toEqual(tps.map((t) => t.eventId));
    });
    it('given a relational contact among the last three, when a transactional one arrives, then nothing is raised', () => {
      const tps = [tp('transactional', { occurredAt: day(1) }), tp('relational', { occurredAt: day(2) }), tp('transactional', { occurredAt: day(3) })];
      expect(evaluateRules(ctx(tps), only('transactional_streak'), NOW)).toEqual([]);
    });
    it('given only two contacts, when evaluated, then nothing is raised', () => {
      expect(evaluateRules(ctx([tp('transactional', { occurredAt: day(1) }), tp('transactional', { occurredAt: day(2) })]), only('transactional_streak'), NOW)).toEqual([]);
    });
    it('given three transactional contacts, when an OLD one arrives late (not among the last three), then nothing new is raised', () => {
      const recent = [2, 3, 4].map((d) => tp('transactional', { occurredAt: day(d) }));
      const late = tp('transactional', { occurredAt: day(1) });
      expect(evaluateRules(ctx([...recent, late]), only('transactional_streak'), NOW)).toEqual([]);
    });
  });

  describe('automation_without_relational', () => {
    const rel = () => tp('relational', { occurredAt: '2026-01-05T10:00:00Z', channel: 'phone', handledBy: 'human' });
    const news = (d: string) => tp('transactional', { occurredAt: d, channel: 'newsletter', direction: 'outbound', initiatedBy: 'company' });
    it('given no relational contact for 60 days, when another automated message goes out, then a task is raised', () => {
      const tps = [rel(), news('2026-02-01T10:00:00Z'), news('2026-03-06T10:00:00Z')];
      const [p] = evaluateRules(ctx(tps), only('automation_without_relational'), NOW);
      // The recency driver's words and numbers (lastRelationalContact, wholeDaysBetween), with the day the silence began.
      expect(p.reason).toBe('No relational contact for 60 days (since 5 Jan 2026) while 2 automated messages went out.');
      expect(p.suggestedAction).toContain('since 5 Jan 2026');
      expect(p.triggeredBy).toEqual([tps[1].eventId, tps[2].eventId]);
    });
    it('given the same touchpoints, then the task and the health recency driver quote one number and one date (one source)', () => {
      const tps = [rel(), news('2026-02-01T10:00:00Z'), news('2026-03-06T10:00:00Z')];
      const [p] = evaluateRules(ctx(tps), only('automation_without_relational'), NOW);
      // Health evaluated at the moment the rule looked (the trigger's business time) …
      const then = computeHealth({ customer: { name: 'Kari Nordmann' }, touchpoints: tps, outcomes: [], facts: [] }, new Date('2026-03-06T10:00:00Z'));
      const recency = then.drivers.find((d) => d.factor.startsWith('no relational contact'))!;
      expect(p.reason.startsWith(`${recency.factor.charAt(0).toUpperCase()}${recency.factor.slice(1)} while`)).toBe(true);
      // … and weeks later: the count has grown, the date it counts from is the same.
      const later = computeHealth({ customer: { name: 'Kari Nordmann' }, touchpoints: tps, outcomes: [], facts: [] }, new Date('2026-04-20T10:00:00Z'));
      const since = (s: string) => /\(since (\d+ \w+ \d{4})/.exec(s)?.[1];
      expect(since(later.drivers.find((d) => d.factor.startsWith('no relational contact'))!.factor)).toBe(since(p.reason));
      expect(since(p.reason)).toBe('5 Jan 2026');
    });
    it('given a recent relational contact, when an automated message goes out, then nothing is raised', () => {
      const tps = [tp('relational', { occurredAt: day(1) }), news(day(2)), news(day(3))];
      expect(evaluateRules(ctx(tps), only('automation_without_relational'), NOW)).toEqual([]);
    });
    it('given the customer got in touch during the silence, then the reason says so and the action names the last real conversation and what they sent', () => {
      const call = tp('relational', { occurredAt: '2026-02-01T10:00:00Z', channel: 'phone', handledBy: 'human', direction: 'outbound', initiatedBy: 'company', agent: { name: 'Lars Moe' }, topic: 'integration' });
      const ticket = tp('neutral', { occurredAt: '2026-02-20T10:00:00Z', channel: 'support_ticket', handledBy: 'human' });
      const tps = [call, news('2026-02-10T10:00:00Z'), ticket, news('2026-03-06T10:00:00Z')];
      const [p] = evaluateRules(ctx(tps), only('automation_without_relational'), NOW);
      expect(p.reason).toBe('No relational contact for 33 days (since 1 Feb 2026) while 2 automated messages went out; they got in touch once themselves.');
      expect(p.suggestedAction).toContain('since 1 Feb 2026 (a phone call with Lars Moe about "integration")');
      expect(p.suggestedAction).toContain('They got in touch once since (a support ticket), and it did not become a real conversation.');
      expect(p.priority).toBe('normal');
    });
    it('given a silence twice the rule\'s quiet days, then the task is a level more urgent than one just past the line', () => {
      const short = [tp('relational', { occurredAt: '2026-02-05T10:00:00Z', channel: 'phone', handledBy: 'human' }), news('2026-02-20T10:00:00Z'), news('2026-03-08T10:00:00Z')];
      expect(evaluateRules(ctx(short), only('automation_without_relational'), NOW)[0].priority).toBe('normal');
      const long = [rel(), news('2026-02-01T10:00:00Z'), news('2026-03-06T10:00:00Z')];
      expect(evaluateRules(ctx(long), only('automation_without_relational'), NOW)[0].priority).toBe('high'); // 60 days: 2 × 30
      expect(evaluateRules(ctx(long), only('automation_without_relational', { quietDays: 31 }), NOW)[0].priority).toBe('normal');
    });
    it('given a RelationshipWentQuiet fact, when it is the trigger, then the fact is among the triggers', () => {
      const tps = [rel(), news('2026-02-01T10:00:00Z'), news('2026-02-10T10:00:00Z')];
      const fact = { eventId: 'f1', type: 'RelationshipWentQuiet' as const, occurredAt: '2026-03-09T00:00:00Z', data: { daysSinceRelational: 63 } };
      const [p] = evaluateRules(ctx(tps, { trigger: { eventId: 'f1', type: 'RelationshipWentQuiet' }, facts: [fact] }), only('automation_without_relational'), NOW);
      expect(p.triggeredBy[0]).toBe('f1');
    });
  });

  describe('unanswered_inbound', () => {
    it('given an InboundMessageWentUnanswered fact, when it triggers, then the task asks for a personal reply today', () => {
      const mail = tp('neutral', { channel: 'email', handledBy: 'human', subject: 'Invoice wrong', occurredAt: day(8) });
      const fact = { eventId: 'f2', type: 'InboundMessageWentUnanswered' as const, occurredAt: day(9, 12), data: { touchpointId: mail.eventId, hoursUnanswered: 50.2, slaHours: 24 } };
      const [p] = evaluateRules(ctx([mail], { trigger: { eventId: 'f2', type: 'InboundMessageWentUnanswered' }, facts: [fact] }), only('unanswered_inbound'), NOW);
      expect(p.suggestedAction).toBe('Reply to Kari Nordmann personally today: their e-mail from 8 Mar 2026 ("Invoice wrong") has waited 50 hours without an answer.');
      expect(p.triggeredBy).toEqual(['f2', mail.eventId]);
      expect(p.dueAt).toBe('2026-03-10T16:00:00.000Z');
    });
    it('given the message was answered meanwhile, when the stale fact triggers, then nothing is raised', () => {
      const mail = tp('neutral', { channel: 'email', occurredAt: day(8) });
      const reply = tp('relational', { channel: 'email', direction: 'outbound', handledBy: 'human', replyToId: mail.touchpoint.id, occurredAt: day(9) });
      const fact = { eventId: 'f3', type: 'InboundMessageWentUnanswered' as const, occurredAt: day(9, 12), data: { touchpointId: mail.eventId, hoursUnanswered: 26, slaHours: 24 } };
      expect(evaluateRules(ctx([mail, reply], { trigger: { eventId: 'f3', type: 'InboundMessageWentUnanswered' }, facts: [fact] }), only('unanswered_inbound'), NOW)).toEqual([]);
    });
  });

  describe('detractor_without_human_reply', () => {
    it('given a detractor NPS with a comment, when it arrives, then the task quotes it', () => {
      const s = tp('transactional', { channel: 'survey', survey: { kind: 'nps', score: 3, comment: 'Nobody listens' } });
      const [p] = evaluateRules(ctx([s]), only('detractor_without_human_reply'), NOW);
      expect(p.suggestedAction).toContain('NPS 3');
      expect(p.suggestedAction).toContain('"Nobody listens"');
    });
    it('given a promoter, when it arrives, then nothing is raised', () => {
      expect(evaluateRules(ctx([tp('relational', { channel: 'survey', survey: { kind: 'nps', score: 9 } })]), only('detractor_without_human_reply'), NOW)).toEqual([]);
    });
    it('given a high-effort CES and a low CSAT, when they arrive, then both count as detractors', () => {
      expect(evaluateRules(ctx([tp('neutral', { channel: 'survey', survey: { kind: 'ces', score: 7 } })]), only('detractor_without_human_reply'), NOW)).toHaveLength(1);
      expect(evaluateRules(ctx([tp('neutral', { channel: 'survey', survey: { kind: 'csat', score: 1 } })]), only('detractor_without_human_reply'), NOW)).toHaveLength(1);
    });
    it('given a human already replied after the survey, when the survey is evaluated late, then nothing is raised', () => {
      const s = tp('transactional', { channel: 'survey', survey: { kind: 'nps', score: 2 }, occurredAt: day(1) });
      const call = tp('relational', { channel: 'phone', handledBy: 'human', direction: 'outbound', occurredAt: day(2) });
      expect(evaluateRules(ctx([s, call], { trigger: { eventId: s.eventId, type: 'TouchpointRecorded' } }), only('detractor_without_human_reply'), NOW)).toEqual([]);
    });
  });

  describe('return_automation_only', () => {
    it('given a return handled by the chatbot and an automated e-mail, when the e-mail arrives, then a task is raised', () => {
      const a = tp('transactional', { channel: 'return', occurredAt: day(5) });
      const b = tp('transactional', { channel: 'email', direction: 'outbound', topic: 'Return', occurredAt: day(6) });
      const [p] = evaluateRules(ctx([a, b]), only('return_automation_only'), NOW);
      expect(p.suggestedAction).toContain('both contacts (an automated return and an automated e-mail) were automated');
      expect(p.triggeredBy).toEqual([a.eventId, b.eventId]);
    });
    it('given a person already handled the return, when automation answers again, then nothing is raised', () => {
      const a = tp('neutral', { channel: 'phone', handledBy: 'human', topic: 'retur', occurredAt: day(5) });
      const b = tp('transactional', { channel: 'chatbot', topic: 'retur', occurredAt: day(6) });
      expect(evaluateRules(ctx([a, b]), only('return_automation_only'), NOW)).toEqual([]);
    });
    it('given a touchpoint that is not about a return, when evaluated, then nothing is raised', () => {
      expect(evaluateRules(ctx([tp('transactional', { topic: 'invoice' })]), only('return_automation_only'), NOW)).toEqual([]);
    });
  });

  describe('repeat_contact', () => {
    it('given a customer contact about "delivery" 3 days ago, when they come back about "Delivery", then a task is raised', () => {
      const a = tp('neutral', { topic: 'delivery', occurredAt: day(4), handledBy: 'human', channel: 'phone' });
      const b = tp('neutral', { topic: 'Delivery', occurredAt: day(7), channel: 'email' });
      const [p] = evaluateRules(ctx([a, b]), only('repeat_contact'), NOW);
      expect(p.reason).toBe('The customer contacted you twice about "Delivery" within 3 days.');
      expect(p.triggeredBy).toEqual([a.eventId, b.eventId]);
    });
    it('given a chatbot contact about an invoice, when the customer calls about it again and the person they reach handles it relationally, then nothing is raised: that call did what the task would ask', () => {
      const a = tp('transactional', { topic: 'invoice', occurredAt: day(4) });
      const b = tp('relational', { topic: 'invoice', occurredAt: day(7), handledBy: 'human', channel: 'phone' });
      expect(evaluateRules(ctx([a, b]), only('repeat_contact'), NOW)).toEqual([]);
      // The same call handled without engaging: the task stands.
      const c = tp('neutral', { topic: 'invoice', occurredAt: day(7), handledBy: 'human', channel: 'phone' });
      expect(evaluateRules(ctx([a, c]), only('repeat_contact'), NOW)).toHaveLength(1);
    });
    it('given the earlier contact is older than 7 days, when they come back, then nothing is raised', () => {
      const a = tp('neutral', { topic: 'delivery', occurredAt: '2026-02-20T10:00:00Z' });
      const b = tp('neutral', { topic: 'delivery', occurredAt: day(7) });
      expect(evaluateRules(ctx([a, b]), only('repeat_contact'), NOW)).toEqual([]);
    });
    it('given company-initiated messages on the topic, when evaluated, then they do not count as repeat contact', () => {
      const a = tp('neutral', { topic: 'delivery', occurredAt: day(6), initiatedBy: 'company', direction: 'outbound' });
      const b = tp('neutral', { topic: 'delivery', occurredAt: day(7) });
      expect(evaluateRules(ctx([a, b]), only('repeat_contact'), NOW)).toEqual([]);
    });
  });

  describe('health_band_drop', () => {
    it('given health fell from yellow to red, when evaluated, then a task is raised for the triggering event', () => {
      const t = tp('transactional');
      const [p] = evaluateRules(ctx([t], { health: { before: { score: 55, band: 'yellow' }, after: { score: 35, band: 'red' } } }), only('health_band_drop'), NOW);
      expect(p.reason).toBe('Relationship health dropped from yellow (55) to red (35).');
      expect(p.triggeredBy).toEqual([t.eventId]);
    });
    it('given a check noticed today that an e-mail went unanswered and health fell a band, then the e-mail dates the evidence: five weeks old raises nothing, two days old raises the task', () => {
      const drop = { before: { score: 71, band: 'green' as const }, after: { score: 69, band: 'yellow' as const } };
      const noticedToday = (mailAt: string) => {
        const mail = tp('neutral', { channel: 'email', handledBy: 'human', occurredAt: mailAt });
        const fact = { eventId: `f-${mailAt}`, type: 'InboundMessageWentUnanswered' as const, occurredAt: NOW.toISOString(), data: { touchpointId: mail.touchpoint.id, hoursUnanswered: 48, slaHours: 24 } };
        return evaluateRules(ctx([mail], { trigger: { eventId: fact.eventId, type: fact.type, occurredAt: NOW.toISOString() }, facts: [fact], health: drop }), only('health_band_drop'), NOW);
      };
      expect(noticedToday('2026-02-01T10:00:00Z')).toEqual([]);
      expect(noticedToday(day(8))).toEqual([expect.objectContaining({ rule: 'health_band_drop', evidenceAt: new Date(day(8)).toISOString(), triggeredBy: [`f-${day(8)}`] })]);
    });
    it('given health rose or stayed in band, when evaluated, then nothing is raised', () => {
      expect(evaluateRules(ctx([tp('relational')], { health: { before: { score: 35, band: 'red' }, after: { score: 45, band: 'yellow' } } }), only('health_band_drop'), NOW)).toEqual([]);
      expect(evaluateRules(ctx([tp('relational')], { health: { before: { score: 75, band: 'green' }, after: { score: 71, band: 'green' } } }), only('health_band_drop'), NOW)).toEqual([]);
    });
  });

  describe('priority and rule data', () => {
    it('given a high churn probability, when a normal rule fires, then priority goes one step up', () => {
      const tps = [1, 2, 3].map((d) => tp('transactional', { occurredAt: day(d) }));
      const [p] = evaluateRules(ctx(tps, { health: { churnProbability: 0.8 } }), only('transactional_streak'), NOW);
      expect(p.priority).toBe('high');
    });
    it('given a renewal within 30 days, when a rule fires, then priority goes one step up and the action names the renewal day', () => {
      const tps = [1, 2, 3].map((d) => tp('transactional', { occurredAt: day(d) }));
      const soon = { id: 'c1', name: 'Kari Nordmann', annualValue: 10_000, renewalDate: '2026-03-24' };
      const [p] = evaluateRules(ctx(tps, { customer: soon }), only('transactional_streak'), NOW);
      expect(p.priority).toBe('high');
      expect(p.suggestedAction).toMatch(/none felt personal\. Their renewal is on 24 Mar 2026\.$/);
      // With value and churn risk too, the steps stop at urgent.
      const [top] = evaluateRules(ctx(tps, { customer: { ...soon, annualValue: 500_000 }, health: { churnProbability: 0.9 } }), only('transactional_streak'), NOW);
      expect(top.priority).toBe('urgent');
    });
    it('given a renewal today, later than the window, already past, unreadable or switched off, then only the first is raised in priority', () => {
      const tps = [1, 2, 3].map((d) => tp('transactional', { occurredAt: day(d) }));
      const with_ = (renewalDate: string | null, rules = only('transactional_streak')) => evaluateRules(ctx(tps, { customer: { id: 'c1', name: 'Kari Nordmann', renewalDate } }), rules, NOW)[0];
      expect(with_('2026-03-10').priority).toBe('high');
      expect(with_('2026-03-10').suggestedAction).toContain('Their renewal is on 10 Mar 2026.');
      for (const d of ['2026-04-10', '2026-03-09', 'soon', null]) {
        expect(with_(d).priority).toBe('normal');
        expect(with_(d).suggestedAction).not.toContain('renewal');
      }
      const off = only('transactional_streak');
      expect(with_('2026-03-12', { ...off, priority: { ...off.priority, renewalWithinDays: 0 } }).priority).toBe('normal');
    });
    it('given a disabled rule, when its condition holds, then nothing is raised', () => {
      const rules = { ...DEFAULT_RULES, rules: DEFAULT_RULES.rules.map((r) => ({ ...r, enabled: false })) };
      expect(evaluateRules(ctx([1, 2, 3].map((d) => tp('transactional', { occurredAt: day(d) }))), rules, NOW)).toEqual([]);
    });
    it('given the same input, when evaluated twice, then the result is identical (deterministic)', () => {
      const tps = [1, 2, 3].map((d) => tp('transactional', { occurredAt: day(d), topic: 'return' }));
      expect(evaluateRules(ctx(tps), DEFAULT_RULES, NOW)).toEqual(evaluateRules(ctx([...tps].reverse(), { trigger: { eventId: tps[2].eventId, type: 'TouchpointRecorded' } }), DEFAULT_RULES, NOW));
    });
    it('given a relational human touchpoint, then it closes open tasks; a relational bot contact does not', () => {
      expect(closesOpenTasks(tp('relational', { handledBy: 'human' }))).toBe(true);
      expect(closesOpenTasks(tp('relational', { handledBy: 'automation' }))).toBe(false);
      expect(closesOpenTasks(tp('neutral', { handledBy: 'human' }))).toBe(false);
    });
  });

  describe('validateRules', () => {
    it('given the defaults, when validated, then they come back unchanged', () => {
      expect(validateRules(DEFAULT_RULES)).toEqual({ ok: true, value: DEFAULT_RULES });
    });
    it('given bad values, when validated, then each problem has a path', () => {
      const res = validateRules({ rules: [{ id: 'transactional_streak', params: { count: 1, bogus: 2 } }, { id: 'nope' }, { id: 'repeat_contact', slaHours: -1, priorityBase: 'meh' }], priority: { highChurnProbability: 2, renewalWithinDays: 1.5 }, extra: 1 });
      expect(res.ok).toBe(false);
      const paths = (res as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
      expect(paths).toEqual(['extra', 'priority.highChurnProbability', 'priority.renewalWithinDays', 'rules[0].params.bogus', 'rules[0].params.count', 'rules[1].id', 'rules[2].priorityBase', 'rules[2].slaHours'].sort());
    });
    it('given a rule without params, when validated, then the defaults fill them in', () => {
      const res = validateRules({ rules: [{ id: 'repeat_contact', enabled: false }] });
      expect(res).toMatchObject({ ok: true, value: { rules: [{ id: 'repeat_contact', enabled: false, slaHours: 24, params: { windowDays: 7, minContacts: 2 } }] } });
    });
  });
});

describe('rejudgeReason: a silence reason judged again on what is known now', () => {
  const human = (at: string) => tp('relational', { channel: 'phone', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', occurredAt: at });
  const letter = (at: string) => tp('neutral', { channel: 'newsletter', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', occurredAt: at });
  const call = human('2026-01-01T10:00:00Z');
  const letters = [letter('2026-01-20T07:00:00Z'), letter('2026-03-01T07:00:00Z'), letter('2026-03-09T07:00:00Z')];
  const [finding] = evaluateRules(ctx([call, ...letters]), only('automation_without_relational'), NOW);
  const again = (touchpoints: ScoredTouchpoint[]) => rejudgeReason(finding, ctx(touchpoints), DEFAULT_RULES, NOW);

  it('given the silence task the rule raised, then it holds as worded on the same touchpoints and with a relational contact from before the quiet period', () => {
    expect(finding.reason).toBe('No relational contact for 66 days (since 1 Jan 2026) while 3 automated messages went out.');
    expect(again([call, ...letters])).toEqual({ holds: true });
    expect(again([human('2025-11-01T10:00:00Z'), call, ...letters])).toEqual({ holds: true });
  });

  it('given a relational contact recorded later inside the quiet period, then the reason no longer holds when it leaves less than quietDays, and reads from the later day when it leaves more', () => {
    expect(again([call, human('2026-02-20T10:00:00Z'), ...letters])).toEqual({ holds: false });
    const later = again([call, human('2026-01-25T10:00:00Z'), ...letters]);
    expect(later).toEqual({ holds: true, revised: expect.objectContaining({ rule: 'automation_without_relational', reason: 'No relational contact for 42 days (since 25 Jan 2026) while 2 automated messages went out.' }) });
    expect(later.holds && later.revised!.triggeredBy).toEqual([letters[1].eventId, letters[2].eventId]);
  });

  it('given a contact after its evidence, a neutral contact inside the quiet period, or any other rule, then the reason stands as worded', () => {
    expect(again([call, ...letters, human('2026-03-10T09:00:00Z')])).toEqual({ holds: true });
    const neutral = tp('neutral', { channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', occurredAt: '2026-02-20T10:00:00Z' });
    expect(again([call, neutral, ...letters])).toEqual({ holds: true });
    expect(rejudgeReason({ rule: 'repeat_contact', reason: 'x', triggeredBy: [] }, ctx([]), DEFAULT_RULES, NOW)).toEqual({ holds: true });
  });

  it('given a renewal ahead, when the reason is reworded, then the action still names the renewal day, as when the rule raised it', () => {
    const renewing = (touchpoints: ScoredTouchpoint[]) => ctx(touchpoints, { customer: { id: 'c1', name: 'Kari Nordmann', renewalDate: '2026-03-24' } });
    const raised = evaluateRules(renewing([call, ...letters]), only('automation_without_relational'), NOW)[0];
    expect(raised.suggestedAction).toMatch(/Their renewal is on 24 Mar 2026\.$/);
    const later = rejudgeReason(raised, renewing([call, human('2026-01-25T10:00:00Z'), ...letters]), DEFAULT_RULES, NOW);
    expect(later.holds && later.revised!.reason).toBe('No relational contact for 42 days (since 25 Jan 2026) while 2 automated messages went out.');
    expect(later.holds && later.revised!.suggestedAction).toMatch(/since 25 Jan 2026.*Their renewal is on 24 Mar 2026\.$/);
  });
});

describe('bandRecovered', () => {
  const drop = say.healthBandDrop({ before: { band: 'green', score: 72 }, after: { band: 'yellow', score: 69 }, name: 'K' });
  it('given a band-drop reason, then it stops holding once health is back in the band it dropped from or above, not before', () => {
    expect(say.bandDroppedFrom(drop.reason)).toBe('green');
    expect(bandRecovered({ rule: 'health_band_drop', reason: drop.reason }, 'green')).toBe(true);
    expect(bandRecovered({ rule: 'health_band_drop', reason: drop.reason }, 'yellow')).toBe(false);
    expect(bandRecovered({ rule: 'health_band_drop', reason: drop.reason }, 'red')).toBe(false);
    const toRed = say.healthBandDrop({ before: { band: 'yellow', score: 45 }, after: { band: 'red', score: 30 }, name: 'K' });
    expect(bandRecovered({ rule: 'health_band_drop', reason: toRed.reason }, 'yellow')).toBe(true);
  });
  it('given another rule, or a reason in words it does not know, then it never reads as recovered', () => {
    expect(bandRecovered({ rule: 'repeat_contact', reason: drop.reason }, 'green')).toBe(false);
    expect(bandRecovered({ rule: 'health_band_drop', reason: 'Health fell.' }, 'green')).toBe(false);
  });
});
