import { computeHealth, healthHistory } from './index.js';
import type { ScoredTouchpoint } from '../touchpoint.js';

const tp = (id: string, occurredAt: string, score: number, cls: 'relational' | 'neutral' | 'transactional'): ScoredTouchpoint => ({
  eventId: id,
  recordedAt: occurredAt,
  touchpoint: { id, customerId: 'c1', channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt },
  relational: { score, class: cls, signals: [] },
});

describe('health smoke', () => {
  it('computes', () => {
    const input = { customer: { name: 'Kari' }, touchpoints: [tp('a', '2026-10-01T10:00:00Z', 80, 'relational'), tp('b', '2026-10-20T10:00:00Z', 20, 'transactional')], outcomes: [], facts: [] };
    const v = computeHealth(input, new Date('2026-11-01T00:00:00Z'));
    expect(healthHistory(input, new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'), 'day')).toHaveLength(32);
  });
});
