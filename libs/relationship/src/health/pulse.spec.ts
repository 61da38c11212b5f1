import { computeHealth, healthConfig } from './index.js';
import { AT, DAY, ago, input, relational, transactional } from './spec-helpers.js';

const pulse = (id: string, daysAgo: number, score: number) => ({ eventId: id, score, occurredAt: ago(daysAgo) });
// An ordinary history: some relational contact, some automation.
const touchpoints = [relational('r1', 40), transactional('t1', 30), relational('r2', 20), transactional('t2', 10)];
const at = (daysLater = 0) => new Date(AT.getTime() + daysLater * DAY);
const pulseDriver = (v: ReturnType<typeof computeHealth>) => v.drivers.find((d) => d.factor.startsWith("account manager's pulse"));

describe('the account manager’s pulse', () => {
  it('given a fresh pulse of 1, when health is computed, then it pulls the score down by the pulse weight (10 points) and names the pulse', () => {
    const without = computeHealth(input({ touchpoints }), at());
    const view = computeHealth(input({ touchpoints, pulses: [pulse('p1', 0, 1)] }), at());
    expect(view.score - without.score).toBe(-10);
    expect(pulseDriver(view)).toEqual({ factor: "account manager's pulse 1 of 5 (at risk) on 1 Nov 2026", effect: -10, eventIds: ['p1'] });
  });

  it('given a fresh pulse of 5, when health is computed, then it adds the weight; a 4 adds half of it; a 3 is no driver', () => {
    const base = computeHealth(input({ touchpoints }), at()).score;
    expect(computeHealth(input({ touchpoints, pulses: [pulse('p1', 0, 5)] }), at()).score - base).toBe(10);
    expect(computeHealth(input({ touchpoints, pulses: [pulse('p1', 0, 4)] }), at()).score - base).toBe(5);
    const neutral = computeHealth(input({ touchpoints, pulses: [pulse('p1', 0, 3)] }), at());
    expect(neutral.score).toBe(base);
    expect(pulseDriver(neutral)).toBeUndefined();
  });

  it('given a pulse of 1, when 30 days pass (its half-life), then its effect has halved, and after 90 days it no longer counts', () => {
    const i = input({ touchpoints, pulses: [pulse('p1', 0, 1)] });
    expect(pulseDriver(computeHealth(i, at(30)))?.effect).toBe(-5);
    expect(pulseDriver(computeHealth(i, at(60)))?.effect).toBe(-2.5);
    expect(pulseDriver(computeHealth(i, at(91)))).toBeUndefined();
  });

  it('given two pulses, when health is computed, then only the latest counts', () => {
    const view = computeHealth(input({ touchpoints, pulses: [pulse('p1', 10, 1), pulse('p2', 0, 4)] }), at());
    expect(pulseDriver(view)).toMatchObject({ effect: 5, eventIds: ['p2'] });
  });

  it('given a pulse recorded after the moment evaluated, when health is computed, then it changes nothing', () => {
    const i = input({ touchpoints, pulses: [pulse('p1', -1, 1)] });
    expect(computeHealth(i, at())).toEqual(computeHealth(input({ touchpoints }), at()));
  });

  it('given a configured weight, when health is computed, then the pulse moves the score by that weight', () => {
    const config = healthConfig({ pulse: { weight: 20 } });
    const base = computeHealth(input({ touchpoints }), at(), config).score;
    expect(computeHealth(input({ touchpoints, pulses: [pulse('p1', 0, 1)] }), at(), config).score - base).toBe(-20);
    expect(() => healthConfig({ pulse: { weight: -1 } })).toThrow(/pulse.weight/);
  });
});
