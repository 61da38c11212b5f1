import { churnedAt } from './churned.js';
import type { HealthOutcome } from './types.js';

const o = (outcome: HealthOutcome['outcome'], occurredAt: string, eventId = occurredAt): HealthOutcome => ({ eventId, outcome, occurredAt });

describe('churnedAt', () => {
  it('given no outcomes, then the customer has not churned', () => {
    expect(churnedAt([])).toBeNull();
  });

  it('given a churn as the latest outcome, then it is when they left', () => {
    expect(churnedAt([o('renewed', '2026-01-01T00:00:00Z'), o('churned', '2026-06-01T00:00:00Z')])).toBe('2026-06-01T00:00:00Z');
  });

  it('given a renewal after the churn, then the customer is back', () => {
    expect(churnedAt([o('churned', '2026-06-01T00:00:00Z'), o('renewed', '2026-09-01T00:00:00Z')])).toBeNull();
  });

  it('given outcomes recorded out of business order, then business time decides', () => {
    expect(churnedAt([o('churned', '2026-06-01T00:00:00Z'), o('renewed', '2026-01-01T00:00:00Z')])).toBe('2026-06-01T00:00:00Z');
    expect(churnedAt([o('renewed', '2026-09-01T00:00:00Z'), o('churned', '2026-06-01T00:00:00Z')])).toBeNull();
  });

  it('given an outcome without a readable time, then it is left out', () => {
    expect(churnedAt([o('churned', 'soon'), o('renewed', '2026-09-01T00:00:00Z')])).toBeNull();
    expect(churnedAt([o('renewed', 'soon'), o('churned', '2026-09-01T00:00:00Z')])).toBe('2026-09-01T00:00:00Z');
  });

  it('given two outcomes at the same time, then the one recorded later wins', () => {
    const t = '2026-06-01T00:00:00Z';
    expect(churnedAt([o('renewed', t, 'a'), o('churned', t, 'b')])).toBe(t);
    expect(churnedAt([o('churned', t, 'a'), o('renewed', t, 'b')])).toBeNull();
  });
});
