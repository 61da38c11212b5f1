import type { ScoredTouchpoint } from '../touchpoint.js';
import { lastRelationalContact, wholeDaysBetween } from './relational-contact.js';

const tp = (eventId: string, occurredAt: string, cls: 'relational' | 'neutral' | 'transactional'): ScoredTouchpoint => ({
  eventId,
  recordedAt: occurredAt,
  touchpoint: { id: eventId, customerId: 'c', channel: 'phone', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', occurredAt },
  relational: { score: cls === 'relational' ? 80 : cls === 'neutral' ? 55 : 20, class: cls, signals: [] },
});

describe('lastRelationalContact', () => {
  const history = [tp('a', '2026-01-01T10:00:00Z', 'relational'), tp('b', '2026-02-01T10:00:00Z', 'transactional'), tp('c', '2026-03-01T10:00:00Z', 'relational')];

  it('given relational contacts before and after the moment, when asked, then it names the latest one at or before it', () => {
    expect(lastRelationalContact(history, Date.parse('2026-02-15T00:00:00Z'))?.eventId).toBe('a');
    expect(lastRelationalContact(history, Date.parse('2026-03-01T10:00:00Z'))?.eventId).toBe('c');
  });

  it('given only transactional contacts, when asked, then there is none', () => {
    expect(lastRelationalContact([history[1]], Date.parse('2026-12-01T00:00:00Z'))).toBeUndefined();
  });

  it('given any order, when asked, then the answer is the same', () => {
    expect(lastRelationalContact([...history].reverse(), Date.parse('2026-12-01T00:00:00Z'))?.eventId).toBe('c');
  });
});

describe('wholeDaysBetween', () => {
  it('rounds down and never goes negative', () => {
    expect(wholeDaysBetween(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-03T23:59:00Z'))).toBe(2);
    expect(wholeDaysBetween(Date.parse('2026-01-03T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'))).toBe(0);
  });
});
