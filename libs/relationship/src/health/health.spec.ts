import fc from 'fast-check';
import { DEFAULT_HEALTH_CONFIG, bandOf, computeHealth, healthConfig } from './index.js';
import { AT, DAY, ago, arbInput, arbTouchpoint, input, inputIds, neutral, outcome, quiet, relational, tp, transactional, unanswered } from './spec-helpers.js';
import type { Driver, HealthView } from './types.js';
import { churnedAt } from './churned.js';

const find = (v: HealthView, re: RegExp): Driver | undefined => v.drivers.find((d) => re.test(d.factor));
const effectOf = (v: HealthView, re: RegExp) => find(v, re)?.effect ?? 0;

describe('computeHealth', () => {
  describe('empty input', () => {
    it('given no touchpoints, when health is computed, then it is neutral with a no-data driver', () => {
      const v = computeHealth(input(), AT);
      expect(v.score).toBe(DEFAULT_HEALTH_CONFIG.baseline);
      expect(v.band).toBe('yellow');
      expect(v.trend30d).toBe(0);
      expect(v.drivers).toEqual([{ factor: 'no touchpoints yet: neutral score', effect: 0, eventIds: [] }]);
      expect(v.eventsConsidered).toBe(0);
      expect(v.lastRelationalContactAt).toBeNull();
      expect(v.at).toBe(AT.toISOString());
      expect(v.churnRisk.level).toBe('low');
      expect(v.churnRisk.drivers).toEqual([]);
    });
  });

  describe('scenarios', () => {
    it('given two warm, recent conversations, then the customer is green with low churn risk', () => {
      const v = computeHealth(input({ touchpoints: [relational('a', 3), relational('b', 10)] }), AT);
      expect(v.band).toBe('green');
      expect(v.churnRisk.level).toBe('low');
    });
    it('given a customer drifting into bot contact and silence, then red with high churn risk', () => {
      const v = computeHealth(
        input({
          touchpoints: [relational('r', 75), transactional('t1', 20), transactional('t2', 14), transactional('t3', 7)],
          facts: [unanswered('f', 3, 't3')],
        }),
        AT,
      );
      expect(v.band).toBe('red');
      expect(v.churnRisk.level).toBe('high');
      expect(v.drivers[0].effect).toBeLessThan(0);
    });
  });

  describe('bands', () => {
    it('given the default cut-offs, then green ≥ 70, yellow 40–69, red < 40', () => {
      expect([100, 70, 69, 40, 39, 0].map((s) => bandOf(s))).toEqual(['green', 'green', 'yellow', 'yellow', 'red', 'red']);
    });
    it('given configured cut-offs, then bands follow them', () => {
      const c = healthConfig({ bands: { green: 80, yellow: 50 } });
      expect([80, 79, 50, 49].map((s) => bandOf(s, c))).toEqual(['green', 'yellow', 'yellow', 'red']);
    });
    it('given a view, then its band is the band of its score', () => {
      fc.assert(fc.property(arbInput, (i) => {
        const v = computeHealth(i, AT);
        expect(v.band).toBe(bandOf(v.score));
      }), { numRuns: 100 });
    });
  });

  describe('relational quality (decayed)', () => {
    it('given recent relational contacts, then quality lifts the score and names them', () => {
      const v = computeHealth(input({ touchpoints: [relational('a', 2), relational('b', 5), neutral('n', 3)] }), AT);
      const d = find(v, /lean relational/)!;
      expect(d.effect).toBeGreaterThan(0);
      expect(d.eventIds.sort()).toEqual(['a', 'b']);
      expect(v.band).toBe('green');
    });
    it('given recent transactional contacts, then quality drags the score', () => {
      const v = computeHealth(input({ touchpoints: [transactional('a', 2), transactional('b', 5)] }), AT);
      const d = find(v, /lean transactional/)!;
      expect(d.effect).toBeLessThan(0);
      expect(d.eventIds.sort()).toEqual(['a', 'b']);
    });
    it('given more relational evidence, then the effect grows but stays within the weight', () => {
      const few = computeHealth(input({ touchpoints: [relational('a', 1)] }), AT);
      const many = computeHealth(input({ touchpoints: Array.from({ length: 30 }, (_, i) => relational(`r${i}`, i)) }), AT);
      expect(effectOf(many, /lean relational/)).toBeGreaterThan(effectOf(few, /lean relational/));
      expect(effectOf(many, /lean relational/)).toBeLessThanOrEqual(DEFAULT_HEALTH_CONFIG.quality.weight);
    });
    it('given the same contact further in the past, then its effect has decayed', () => {
      const fresh = effectOf(computeHealth(input({ touchpoints: [relational('a', 1)] }), AT), /lean relational/);
      const halfLifeOld = effectOf(computeHealth(input({ touchpoints: [relational('a', 46)] }), AT), /lean relational/);
      expect(halfLifeOld).toBeGreaterThan(0);
      expect(halfLifeOld).toBeLessThan(fresh * 0.6);
    });
    it('given a shorter configured half-life, then an old contact counts less', () => {
      const i = input({ touchpoints: [relational('a', 40)] });
      const long = effectOf(computeHealth(i, AT), /lean relational/);
      const short = effectOf(computeHealth(i, AT, healthConfig({ halfLifeDays: 10 })), /lean relational/);
      expect(short).toBeLessThan(long);
    });
    it('given a contact older than the window, then it no longer counts towards quality', () => {
      const v = computeHealth(input({ touchpoints: [relational('a', 200)] }), AT);
      expect(find(v, /lean/)).toBeUndefined();
    });
  });

  describe('recency of the last relational contact', () => {
    it('given a relational contact 2 days ago, then recency lifts the score', () => {
      const v = computeHealth(input({ touchpoints: [relational('a', 2)] }), AT);
      expect(find(v, /relational contact 2 days ago/)).toEqual(expect.objectContaining({ eventIds: ['a'] }));
      expect(effectOf(v, /relational contact 2 days ago/)).toBeGreaterThan(0);
      expect(v.lastRelationalContactAt).toBe(ago(2));
    });
    it('given the last relational contact 41 days ago, then "no relational contact for 41 days" names it', () => {
      const v = computeHealth(input({ touchpoints: [relational('a', 41), transactional('t', 3)] }), AT);
      const d = find(v, /^no relational contact for 41 days \(since \d+ \w+ \d{4}\)$/)!;
      expect(d.eventIds).toEqual(['a']);
      expect(d.effect).toBeLessThan(0);
    });
    it('given beyond lostDays, then the full penalty applies', () => {
      const v = computeHealth(input({ touchpoints: [relational('a', 120)] }), AT);
      expect(effectOf(v, /no relational contact for 120 days/)).toBe(DEFAULT_HEALTH_CONFIG.recency.lostPenalty);
    });
    it('given no relational contact ever, then silence counts from the first touchpoint and names no event', () => {
      const v = computeHealth(input({ touchpoints: [neutral('n', 50), transactional('t', 10)] }), AT);
      const d = find(v, /no relational contact in 50 days on record/)!;
      expect(d.eventIds).toEqual([]);
      expect(v.lastRelationalContactAt).toBeNull();
    });
    it('given a RelationshipWentQuiet fact after the last relational contact, then it adds its weight and id', () => {
      const base = input({ touchpoints: [relational('a', 41)] });
      const withFact = { ...base, facts: [quiet('q', 11, 'a')] };
      const d = find(computeHealth(withFact, AT), /no relational contact for 41 days \(since \d+ \w+ \d{4}; silence recorded\)/)!;
      expect(d.eventIds).toEqual(['a', 'q']);
      expect(d.effect).toBeCloseTo(effectOf(computeHealth(base, AT), /no relational contact for 41 days/) + DEFAULT_HEALTH_CONFIG.recency.quietFactEffect, 1);
    });
    it('given a quiet fact older than the last relational contact, then it no longer counts', () => {
      const v = computeHealth(input({ touchpoints: [relational('a', 5)], facts: [quiet('q', 20, null)] }), AT);
      expect(v.drivers.flatMap((d) => d.eventIds)).not.toContain('q');
    });
  });

  describe('transactional streak', () => {
    it('given 3 transactional contacts in a row, then a driver names those 3', () => {
      const v = computeHealth(input({ touchpoints: [relational('r', 20), transactional('t1', 9), transactional('t2', 6), transactional('t3', 3)] }), AT);
      const d = find(v, /^3 transactional contacts in a row$/)!;
      expect(d.eventIds).toEqual(['t3', 't2', 't1']);
      expect(d.effect).toBe(DEFAULT_HEALTH_CONFIG.streak.perContact);
    });
    it('given only 2 in a row, or a relational contact breaking the run, then no streak driver', () => {
      expect(find(computeHealth(input({ touchpoints: [transactional('t1', 9), transactional('t2', 6)] }), AT), /in a row/)).toBeUndefined();
      const broken = [transactional('t1', 9), transactional('t2', 6), relational('r', 5), transactional('t3', 3)];
      expect(find(computeHealth(input({ touchpoints: broken }), AT), /in a row/)).toBeUndefined();
    });
    it('given a long run, then the penalty is capped', () => {
      const run = Array.from({ length: 12 }, (_, i) => transactional(`t${i}`, i + 1));
      expect(effectOf(computeHealth(input({ touchpoints: run }), AT), /in a row/)).toBe(DEFAULT_HEALTH_CONFIG.streak.max);
    });
  });

  describe('frequency against the customer\'s own baseline', () => {
    // 4 engaged contacts a month for the 180 days before the last 30.
    const baseline = Array.from({ length: 24 }, (_, i) => neutral(`b${i}`, 31 + i * 7.5));
    it('given the usual rate and then nothing in 30 days, then a drop driver near the full weight', () => {
      const v = computeHealth(input({ touchpoints: baseline }), AT);
      const d = find(v, /fewer contacts than usual: 0 engaged contacts in the last 30 days/)!;
      expect(d.effect).toBeCloseTo(DEFAULT_HEALTH_CONFIG.frequency.dropWeight, 1);
      expect(d.eventIds).toEqual(['b0']);
    });
    it('given half the usual rate, then about half the drop', () => {
      const v = computeHealth(input({ touchpoints: [...baseline, neutral('x1', 5), neutral('x2', 20)] }), AT);
      const d = find(v, /fewer contacts than usual/)!;
      expect(d.effect).toBeCloseTo(DEFAULT_HEALTH_CONFIG.frequency.dropWeight / 2, 0);
      expect(d.eventIds.sort()).toEqual(['x1', 'x2']);
    });
    it('given transactional contacts only in the last 30 days, then they do not hide the drop', () => {
      const bots = Array.from({ length: 8 }, (_, i) => transactional(`t${i}`, i * 3 + 1));
      expect(effectOf(computeHealth(input({ touchpoints: [...baseline, ...bots] }), AT), /fewer contacts than usual/)).toBeCloseTo(
        DEFAULT_HEALTH_CONFIG.frequency.dropWeight,
        1,
      );
    });
    it('given too short a history for a baseline, then no frequency driver', () => {
      const v = computeHealth(input({ touchpoints: [neutral('a', 40), neutral('b', 45), neutral('c', 50)] }), AT);
      expect(find(v, /than usual/)).toBeUndefined();
    });
  });

  describe('complaints and repeat contacts', () => {
    it('given an unresolved support ticket, then an open complaint driver names it', () => {
      const v = computeHealth(input({ touchpoints: [tp('c', 10, { channel: 'support_ticket', resolved: false, topic: 'billing' })] }), AT);
      expect(find(v, /1 open complaint/)).toEqual({ factor: expect.any(String), effect: DEFAULT_HEALTH_CONFIG.complaints.perOpen, eventIds: ['c'] });
    });
    it('given a later contact on the same topic marked resolved, then the complaint is closed from that moment on', () => {
      const i = input({
        touchpoints: [tp('c', 10, { channel: 'return', resolved: false, topic: 'Billing' }), tp('fix', 4, { resolved: true, topic: 'billing' })],
      });
      expect(find(computeHealth(i, AT), /open complaint/)).toBeUndefined();
      expect(find(computeHealth(i, new Date(AT.getTime() - 6 * DAY)), /open complaint/)?.eventIds).toEqual(['c']);
    });
    it('given a resolved reply to the complaint, then it is closed', () => {
      const i = input({ touchpoints: [tp('c', 10, { channel: 'support_ticket', resolved: false }), tp('r', 8, { resolved: true, replyToId: 'c' })] });
      expect(find(computeHealth(i, AT), /open complaint/)).toBeUndefined();
    });
    it('given the scoring module flagged repeat_contact, then a repeat driver names it', () => {
      const v = computeHealth(input({ touchpoints: [tp('x', 3, { signals: [{ name: 'repeat_contact', effect: -7, detail: '2nd contact' }] })] }), AT);
      expect(find(v, /1 repeat contact/)?.eventIds).toEqual(['x']);
    });
    it('given the customer came back about the same topic within days, then it counts as a repeat even without a signal', () => {
      const v = computeHealth(input({ touchpoints: [tp('first', 10, { topic: 'delivery' }), tp('again', 7, { topic: 'delivery' })] }), AT);
      expect(find(v, /1 repeat contact/)?.eventIds).toEqual(['again']);
    });
  });

  describe('surveys', () => {
    it('given a detractor NPS, then a driver names its date and event', () => {
      const v = computeHealth(input({ touchpoints: [tp('s', 20, { channel: 'survey', survey: { kind: 'nps', score: 3 } })] }), AT);
      const d = find(v, /^detractor NPS \(3\) on 12 Oct 2026$/)!;
      expect(d.eventIds).toEqual(['s']);
      expect(d.effect).toBeLessThan(0);
    });
    it('given low CSAT or high-effort CES, then they count as negative; promoters and high CSAT as positive', () => {
      const v = computeHealth(
        input({
          touchpoints: [
            tp('csat', 5, { survey: { kind: 'csat', score: 1 } }),
            tp('ces', 5, { survey: { kind: 'ces', score: 6 } }),
            tp('p', 5, { survey: { kind: 'nps', score: 10 } }),
            tp('h', 5, { survey: { kind: 'csat', score: 5 } }),
          ],
        }),
        AT,
      );
      expect(effectOf(v, /low CSAT/)).toBeLessThan(0);
      expect(effectOf(v, /high-effort CES/)).toBeLessThan(0);
      const pos = find(v, /2 positive survey answers/)!;
      expect(pos.effect).toBeGreaterThan(0);
      expect(pos.eventIds.sort()).toEqual(['h', 'p']);
    });
    it('given a passive NPS, then no survey driver', () => {
      const v = computeHealth(input({ touchpoints: [tp('s', 5, { survey: { kind: 'nps', score: 7 } })] }), AT);
      expect(find(v, /NPS/)).toBeUndefined();
    });
  });

  describe('outcomes', () => {
    const healthy = [relational('a', 1), relational('b', 3), relational('c', 8)];
    it('given a churn, then the score is capped and red, with the outcome as driver', () => {
      const v = computeHealth(input({ touchpoints: healthy, outcomes: [outcome('o', 5, 'churned')] }), AT);
      expect(v.score).toBeLessThanOrEqual(DEFAULT_HEALTH_CONFIG.outcomes.churnedCap);
      expect(v.band).toBe('red');
      expect(find(v, /^churned on 27 Oct 2026$/)?.eventIds).toEqual(['o']);
    });
    it('given a renewal after the churn (win-back), then the cap no longer applies', () => {
      const v = computeHealth(input({ touchpoints: healthy, outcomes: [outcome('o', 50, 'churned'), outcome('w', 5, 'renewed')] }), AT);
      expect(find(v, /churned/)).toBeUndefined();
      expect(effectOf(v, /renewed on/)).toBeGreaterThan(0);
    });
    it('given a downgrade after the churn, then the customer is on a contract again: no cap, the downgrade drags (the rule churnedAt uses)', () => {
      const outcomes = [outcome('o', 50, 'churned'), outcome('d', 5, 'downgraded')];
      const v = computeHealth(input({ touchpoints: healthy, outcomes }), AT);
      expect(find(v, /^churned on/)).toBeUndefined();
      expect(v.score).toBeGreaterThan(DEFAULT_HEALTH_CONFIG.outcomes.churnedCap);
      expect(effectOf(v, /downgraded on/)).toBeLessThan(0);
      expect(churnedAt(outcomes)).toBeNull();
    });
    it('given a downgrade, then it drags; an expansion lifts', () => {
      expect(effectOf(computeHealth(input({ outcomes: [outcome('d', 5, 'downgraded')] }), AT), /downgraded on/)).toBeLessThan(0);
      expect(effectOf(computeHealth(input({ outcomes: [outcome('e', 5, 'expanded')] }), AT), /expanded on/)).toBeGreaterThan(0);
    });
  });

  describe('facts', () => {
    it('given an inbound message went unanswered, then a driver names the fact and the touchpoint', () => {
      const v = computeHealth(input({ touchpoints: [neutral('m', 4)], facts: [unanswered('f', 2, 'm')] }), AT);
      const d = find(v, /1 inbound message left unanswered past the SLA/)!;
      expect(d.eventIds).toEqual(['f', 'm']);
      expect(d.effect).toBeLessThan(0);
    });
    it('given the unanswered touchpoint is unknown, then only the fact id is named', () => {
      const v = computeHealth(input({ facts: [unanswered('f', 2, 'missing')] }), AT);
      expect(find(v, /unanswered/)?.eventIds).toEqual(['f']);
    });
  });

  describe('business time', () => {
    it('given an item that occurs after `at`, then it is ignored', () => {
      const base = input({ touchpoints: [relational('a', 10), transactional('b', 5)], outcomes: [outcome('o', 3, 'renewed')] });
      const later = {
        ...base,
        touchpoints: [...base.touchpoints, transactional('future', -1), tp('fs', -2, { survey: { kind: 'nps', score: 0 } })],
        outcomes: [...base.outcomes, outcome('fo', -3, 'churned')],
        facts: [unanswered('ff', -1, 'a')],
      };
      expect(computeHealth(later, AT)).toEqual(computeHealth(base, AT));
    });
    it('property: adding any items after `at` never changes the view', () => {
      fc.assert(
        fc.property(arbInput, fc.array(arbTouchpoint('late'), { maxLength: 3 }), (i, extra) => {
          const late = extra.map((t, k) => ({ ...t, eventId: `late-${k}`, touchpoint: { ...t.touchpoint, occurredAt: ago(-1 - k) } }));
          expect(computeHealth({ ...i, touchpoints: [...i.touchpoints, ...late] }, AT)).toEqual(computeHealth(i, AT));
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('trend', () => {
    it('given the customer went quiet after relational contact, then trend30d is negative and equals the score difference', () => {
      const i = input({ touchpoints: [relational('a', 40), relational('b', 35), transactional('t', 10)] });
      const v = computeHealth(i, AT);
      expect(v.trend30d).toBe(v.score - computeHealth(i, new Date(AT.getTime() - 30 * DAY)).score);
      expect(v.trend30d).toBeLessThan(0);
    });
    it('property: trend30d = score(at) − score(at − 30 days)', () => {
      fc.assert(fc.property(arbInput, (i) => {
        expect(computeHealth(i, AT).trend30d).toBe(computeHealth(i, AT).score - computeHealth(i, new Date(AT.getTime() - 30 * DAY)).score);
      }), { numRuns: 50 });
    });
  });

  describe('drivers explain the score', () => {
    it('property: effects (the drivers and the notes on what they leave out) sum to score − baseline within rounding, sorted by |effect|', () => {
      fc.assert(
        fc.property(arbInput, (i) => {
          const v = computeHealth(i, AT);
          const sum = [...v.drivers, ...v.notes].reduce((s, d) => s + d.effect, 0);
          expect(Math.abs(sum - (v.score - DEFAULT_HEALTH_CONFIG.baseline))).toBeLessThanOrEqual(0.5 + 0.05 * (v.drivers.length + v.notes.length) + 1e-9);
          const mags = v.drivers.map((d) => Math.abs(d.effect));
          expect(mags).toEqual([...mags].sort((a, b) => b - a));
          expect(Number.isInteger(v.score) && v.score >= 0 && v.score <= 100).toBe(true);
        }),
        { numRuns: 200 },
      );
    });
    it('property: every driver event id (health and churn) comes from the input', () => {
      fc.assert(
        fc.property(arbInput, (i) => {
          const ids = inputIds(i);
          const v = computeHealth(i, AT);
          for (const d of [...v.drivers, ...v.churnRisk.drivers]) for (const id of d.eventIds) expect(ids.has(id)).toBe(true);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('determinism', () => {
    it('property: the same input in any order gives the identical view', () => {
      fc.assert(
        fc.property(arbInput, fc.integer(), (i, seed) => {
          const shuffled = { ...i, touchpoints: shuffle(i.touchpoints, seed), outcomes: shuffle(i.outcomes, seed + 1), facts: shuffle(i.facts, seed + 2) };
          expect(computeHealth(shuffled, AT)).toEqual(computeHealth(i, AT));
        }),
        { numRuns: 100 },
      );
    });
    it('given odd data (unparsable dates, missing scores), then it does not throw', () => {
      const odd = tp('odd', 3);
      const broken = { ...tp('bad', 1), touchpoint: { ...tp('bad', 1).touchpoint, occurredAt: 'not a date' } };
      const noScore = { ...odd, relational: { class: 'weird' } as never };
      expect(() => computeHealth(input({ touchpoints: [broken, noScore], outcomes: [{ eventId: 'x', outcome: 'renewed', occurredAt: '' }] }), AT)).not.toThrow();
    });
    it('given an invalid `at`, then it throws a RangeError', () => {
      expect(() => computeHealth(input(), new Date('nope'))).toThrow(RangeError);
    });
  });
});

// Deterministic Fisher–Yates driven by a small LCG (no randomness in the domain, none needed in tests).
function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
