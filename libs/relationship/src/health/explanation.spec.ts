import fc from 'fast-check';
import { lastRelationalContact, wholeDaysBetween } from '../history/relational-contact.js';
import { occurredMsOf } from '../touchpoint.js';
import { DEFAULT_HEALTH_CONFIG, computeHealth, nothingRecordedNote } from './index.js';
import { AT, DAY, arbInput, input, neutral, outcome, relational, tp, transactional, unanswered } from './spec-helpers.js';
import type { HealthView } from './types.js';

const find = (v: HealthView, re: RegExp) => v.drivers.find((d) => re.test(d.factor));
const note = (v: HealthView, kind: string) => v.notes.find((n) => n.kind === kind);
const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const KEPT = /^(no touchpoints yet|churned on)/;

describe('explanations that read right', () => {
  describe('the 0–100 clamp', () => {
    // A dozen bot contacts, three open complaints and three unanswered messages: far below 0.
    const sinking = input({
      touchpoints: [
        ...Array.from({ length: 12 }, (_, k) => transactional(`t${k}`, 1 + k * 2, { score: 5 })),
        ...['c1', 'c2', 'c3'].map((id, k) => tp(id, 4 + k, { channel: 'support_ticket', resolved: false, cls: 'transactional', score: 10 })),
      ],
      facts: [unanswered('f1', 2, 't0'), unanswered('f2', 3, 't1'), unanswered('f3', 4, 't2')],
    });

    it('given drivers that reach below 0, when health is computed, then the clamp is a note under the drivers, not a driver', () => {
      const v = computeHealth(sinking, AT);
      expect(v.score).toBe(0);
      expect(v.drivers.some((d) => /0–100|scale|limited/.test(d.factor))).toBe(false);
      const limit = note(v, 'scale_limit')!;
      expect(limit.effect).toBeGreaterThan(0);
      expect(limit.text).toMatch(/^The factors add up to −\d+(\.\d)? points from the neutral 50; the score stops at 0\.$/);
      expect(v.drivers[0].effect).toBeLessThan(0);
    });

    it('given a score inside the scale, then there is no clamp note', () => {
      expect(note(computeHealth(input({ touchpoints: [relational('a', 3)] }), AT), 'scale_limit')).toBeUndefined();
    });
  });

  describe('drivers too small to matter', () => {
    it('given a positive survey from half a year ago (a fraction of a point), then it is not a reason but is summed in a note that names it', () => {
      const v = computeHealth(input({ touchpoints: [relational('a', 1), tp('s', 175, { survey: { kind: 'nps', score: 10 } })] }), AT);
      expect(find(v, /promoter NPS/)).toBeUndefined();
      const minor = note(v, 'minor_factors')!;
      expect(minor.drivers!.map((d) => d.factor)).toEqual([expect.stringMatching(/^promoter NPS \(10\) on /)]);
      expect(minor.effect).toBeGreaterThan(0);
      expect(minor.effect).toBeLessThan(DEFAULT_HEALTH_CONFIG.explanations.minEffect);
      expect(minor.text).toMatch(/^One smaller factor \(under 1 point\) adds \+0\.\d and is not listed\.$/);
    });

    it('property: every listed health driver moves the score by at least a point (except "no touchpoints yet" and "churned")', () => {
      fc.assert(
        fc.property(arbInput, (i) => {
          for (const d of computeHealth(i, AT).drivers) if (!KEPT.test(d.factor)) expect(Math.abs(d.effect)).toBeGreaterThanOrEqual(DEFAULT_HEALTH_CONFIG.explanations.minEffect);
        }),
        { numRuns: 200 },
      );
    });

    it('property: every listed churn driver moves the probability by at least one percentage point', () => {
      fc.assert(
        fc.property(arbInput, (i) => {
          const { probability, drivers } = computeHealth(i, AT).churnRisk;
          // Rounding slack: the probability is rounded to 4 digits, effects to 2 (at 0 or 1 no logit is left to check).
          if (probability < 0.001 || probability > 0.999) return;
          for (const d of drivers) expect(Math.abs(probability - sigmoid(logit(probability) - d.effect))).toBeGreaterThanOrEqual(DEFAULT_HEALTH_CONFIG.explanations.minChurnShift - 0.003);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('a recent relational contact is not a churn reason', () => {
    it('property: no churn driver names a relational contact within the fresh window, or the first days without one', () => {
      fc.assert(
        fc.property(arbInput, (i) => {
          for (const d of computeHealth(i, AT).churnRisk.drivers) expect(d.factor).not.toMatch(/^relational contact|on record yet/);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('no "in 0 days"', () => {
    it('given only a transactional contact today, when health is computed, then silence earns no bonus and no sentence says "0 days"', () => {
      const v = computeHealth(input({ touchpoints: [transactional('t', 0.2)] }), AT);
      expect(find(v, /relational contact/)).toBeUndefined();
      expect([...v.drivers, ...v.churnRisk.drivers].every((d) => !/\b0 days\b/.test(d.factor))).toBe(true);
    });

    it('property: no driver, churn driver or note ever says "0 days"', () => {
      fc.assert(
        fc.property(arbInput, fc.integer({ min: -30, max: 400 }), (i, back) => {
          const v = computeHealth(i, new Date(AT.getTime() - back * DAY));
          for (const text of [...v.drivers.map((d) => d.factor), ...v.churnRisk.drivers.map((d) => d.factor), ...v.notes.map((n) => n.text)]) expect(text).not.toMatch(/\b0 days\b/);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('frequency needs a meaningful gap and a baseline', () => {
    // ~3.3 engaged contacts a month over the 180 days before the last 30.
    const steady = Array.from({ length: 20 }, (_, k) => neutral(`b${k}`, 31 + k * 9));
    it('given 3 contacts in the last 30 days against a usual 3.3, then no frequency driver and no churn feature', () => {
      const v = computeHealth(input({ touchpoints: [...steady, neutral('x1', 3), neutral('x2', 12), neutral('x3', 25)] }), AT);
      expect(find(v, /than usual/)).toBeUndefined();
      expect(v.churnRisk.drivers.find((d) => /than usual/.test(d.factor))).toBeUndefined();
    });
    it('given a usual rate below 2 a month, then a quiet month is not a drop', () => {
      const sparse = Array.from({ length: 9 }, (_, k) => neutral(`s${k}`, 35 + k * 19));
      expect(find(computeHealth(input({ touchpoints: sparse }), AT), /than usual/)).toBeUndefined();
    });
    it('given a third of the usual rate, then the drop is a driver and a churn feature quoting the same numbers', () => {
      const v = computeHealth(input({ touchpoints: [...steady, neutral('x1', 3)] }), AT);
      const d = find(v, /^fewer contacts than usual: 1 engaged contact in the last 30 days against 3\.\d a month before/)!;
      expect(d.effect).toBeLessThan(0);
      expect(v.churnRisk.drivers.find((x) => x.factor === d.factor)).toBeDefined();
    });
  });

  describe('one number for the last relational contact', () => {
    it('property: lastRelationalContactAt is lastRelationalContact’s answer, and the recency driver quotes wholeDaysBetween of it', () => {
      fc.assert(
        fc.property(arbInput, fc.integer({ min: -30, max: 400 }), (i, back) => {
          const at = new Date(AT.getTime() - back * DAY);
          const v = computeHealth(i, at);
          const last = lastRelationalContact(i.touchpoints, at.getTime());
          expect(v.lastRelationalContactAt).toBe(last ? new Date(occurredMsOf(last)).toISOString() : null);
          const quoted = v.drivers.map((d) => /relational contact (?:for )?(\d+) days?(?: ago)?/.exec(d.factor)).find(Boolean);
          if (last && quoted && !/on record/.test(quoted.input)) expect(Number(quoted[1])).toBe(wholeDaysBetween(occurredMsOf(last), at.getTime()));
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('repeat contacts are the customer coming back', () => {
    it('given the customer writes and our reply follows on the same topic, then no repeat contact', () => {
      const v = computeHealth(
        input({ touchpoints: [tp('q', 10, { topic: 'invoice' }), { ...tp('a', 9, { topic: 'invoice', initiatedBy: 'customer', replyToId: 'q' }), touchpoint: { ...tp('a', 9, { topic: 'invoice', replyToId: 'q' }).touchpoint, direction: 'outbound' } }] }),
        AT,
      );
      expect(find(v, /repeat contact/)).toBeUndefined();
    });
    it('given our newsletter on a topic and then the customer writing about it, then no repeat contact', () => {
      const news = tp('n', 10, { topic: 'delivery', initiatedBy: 'company' });
      const v = computeHealth(input({ touchpoints: [{ ...news, touchpoint: { ...news.touchpoint, direction: 'outbound', channel: 'newsletter' } }, tp('c', 8, { topic: 'delivery' })] }), AT);
      expect(find(v, /repeat contact/)).toBeUndefined();
    });
    it('given the customer answers our reply in the same thread, then it is dialogue, not a repeat', () => {
      const v = computeHealth(input({ touchpoints: [tp('q', 10, { topic: 'invoice' }), tp('thanks', 9, { topic: 'invoice', replyToId: 'q' })] }), AT);
      expect(find(v, /repeat contact/)).toBeUndefined();
    });
    it('given the customer writes again about the same topic within days, then one repeat contact names it', () => {
      const v = computeHealth(input({ touchpoints: [tp('q', 10, { topic: 'invoice' }), tp('again', 8, { topic: 'Invoice' })] }), AT);
      expect(find(v, /^1 repeat contact in 90 days/)?.eventIds).toEqual(['again']);
    });
    it('given the scoring flagged repeat_contact on our own outbound message, then it is not the customer coming back', () => {
      const out = tp('o', 3, { signals: [{ name: 'repeat_contact', effect: -7, detail: '2nd contact' }] });
      expect(find(computeHealth(input({ touchpoints: [{ ...out, touchpoint: { ...out.touchpoint, direction: 'outbound' } }] }), AT), /repeat contact/)).toBeUndefined();
    });
  });

  describe('unanswered messages are dated by their SLA, not by the check that found them', () => {
    it('given a message from half a year ago that a sweep found unanswered today, then it is old evidence, not a driver', () => {
      const fact = { ...unanswered('f', 0, 'm'), data: { customerId: 'c1', touchpointId: 'm', hoursUnanswered: 4300, slaHours: 24, observedAt: AT.toISOString() } };
      const v = computeHealth(input({ touchpoints: [neutral('m', 180), relational('r', 2)], facts: [fact] }), AT);
      expect(v.drivers.find((d) => /unanswered/.test(d.factor))).toBeUndefined();
      expect(v.churnRisk.drivers.find((d) => /unanswered/.test(d.factor))).toBeUndefined();
    });
    it('given a message from last week found unanswered today, then it counts from when its SLA ran out', () => {
      const fact = { ...unanswered('f', 0, 'm'), data: { customerId: 'c1', touchpointId: 'm', hoursUnanswered: 170, slaHours: 24, observedAt: AT.toISOString() } };
      const v = computeHealth(input({ touchpoints: [neutral('m', 7)], facts: [fact] }), AT);
      const d = v.drivers.find((x) => /^1 inbound message left unanswered/.test(x.factor))!;
      expect(d.eventIds).toEqual(['f', 'm']);
      const sameDay = computeHealth(input({ touchpoints: [neutral('m', 7)], facts: [unanswered('f', 6, 'm')] }), AT);
      expect(d.effect).toBe(sameDay.drivers.find((x) => /unanswered/.test(x.factor))!.effect);
    });
  });

  describe('health next to churn risk', () => {
    it('given red health and a low churn risk, when health is computed, then a note says why, naming the largest health reasons and what holds the risk down', () => {
      // Half the contacts of three months transactional, three open tickets, the last relational contact
      // 40 days ago, but a renewal 40 days ago.
      const i = input({
        touchpoints: [
          ...Array.from({ length: 12 }, (_, k) => tp(`m${k}`, 2 + k * 7, { cls: k % 2 ? 'transactional' : 'neutral', score: k % 2 ? 15 : 45 })),
          ...['billing', 'delivery', 'login'].map((topic, k) => tp(`c${k}`, 10 + k * 9, { channel: 'support_ticket', resolved: false, topic, cls: 'neutral', score: 45 })),
          relational('r', 40),
        ],
        outcomes: [outcome('w', 40, 'renewed')],
      });
      const v = computeHealth(i, AT);
      expect(v.band).toBe('red');
      expect(v.churnRisk.level).toBe('low');
      const text = note(v, 'health_vs_churn')!.text;
      expect(text).toMatch(/^Health is red, yet the churn risk is low\. Health reads how contact has felt lately: /);
      expect(text).toContain('3 open complaints (−18)');
      expect(text).toContain('the renewal on 22 Sep 2026 holds it down');
      expect(text).toMatch(/At 1\d% the risk is below the 25% where it counts as medium/);
      expect(v.churnRisk.drivers.find((d) => /^renewed on/.test(d.factor))!.effect).toBeLessThan(0);
    });

    it('property: a note on health next to churn risk appears exactly when red sits with low, or green with medium or high', () => {
      fc.assert(
        fc.property(arbInput, (i) => {
          const v = computeHealth(i, AT);
          const disagree = (v.band === 'red' && v.churnRisk.level === 'low') || (v.band === 'green' && v.churnRisk.level !== 'low');
          expect(note(v, 'health_vs_churn') !== undefined).toBe(disagree);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('churn drivers in both directions', () => {
    it('given a renewal in the last year, then it is a churn driver that lowers the risk, listed after those raising it', () => {
      const v = computeHealth(input({ touchpoints: [relational('r', 50), transactional('t1', 9), transactional('t2', 5)], outcomes: [outcome('w', 30, 'renewed')] }), AT);
      const effects = v.churnRisk.drivers.map((d) => d.effect);
      expect(effects.some((e) => e > 0)).toBe(true);
      expect(v.churnRisk.drivers[effects.length - 1]).toEqual({ factor: 'renewed on 2 Oct 2026', effect: DEFAULT_HEALTH_CONFIG.churn.coefficients.renewedOrExpanded365d, eventIds: ['w'] });
      expect(effects).toEqual([...effects].sort((a, b) => b - a));
    });
  });

  describe('as of a moment before anything was recorded', () => {
    const asOf = new Date('2026-05-16T23:59:59.999Z');
    it.each<[string, string | null, boolean]>([
      ['recorded later', '2026-12-02T09:14:00.000Z', true],
      ['nothing recorded at all', null, true],
      ['recorded at that very moment', '2026-05-16T23:59:59.999Z', false],
      ['recorded before', '2026-05-01T10:00:00.000Z', false],
    ])('given the first record %s, then a note %s', (_, first, expected) => {
      const note = nothingRecordedNote(asOf, first);
      expect(note !== null).toBe(expected);
      if (note) {
        expect(note).toMatchObject({ kind: 'nothing_recorded_yet', effect: 0, firstRecordedAt: first });
        expect(note.text).not.toMatch(/\b0 events\b/);
        if (first) expect(note.text).toContain('the first record is from 2 Dec 2026');
        if (first) expect(note.text).toContain('The health curve shows how the relationship went before that');
      }
    });
  });
});
