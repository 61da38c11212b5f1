import type { Touchpoint } from '../touchpoint.js';
import { scoringConfig } from './config.js';
import { findUnansweredInbound } from './unanswered.js';

// The scheduled job's question: which inbound customer messages still wait for an answer
// past their SLA at `now`?

const NOW = new Date('2026-11-10T12:00:00.000Z');
const ago = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

function tp(id: string, over: Partial<Touchpoint> = {}): Touchpoint {
  return { id, customerId: 'c-1', channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: ago(30), ...over };
}

const ids = (r: ReturnType<typeof findUnansweredInbound>) => r.map((x) => x.touchpoint.id);

describe('findUnansweredInbound', () => {
  it('given an e-mail 30 hours old with no reply, reports it with whole hours and its SLA', () => {
    expect(findUnansweredInbound([tp('m1')], NOW)).toEqual([{ touchpoint: tp('m1'), hoursUnanswered: 30, slaHours: 24 }]);
  });

  it('given a message still inside its SLA, does not report it', () => {
    expect(findUnansweredInbound([tp('m1', { occurredAt: ago(23.5) })], NOW)).toEqual([]);
  });

  it('uses the SLA of the channel: a chat message is late after one hour', () => {
    const r = findUnansweredInbound([tp('c1', { channel: 'chat', occurredAt: ago(1.5) }), tp('e1', { occurredAt: ago(1.5) })], NOW);
    expect(r).toEqual([{ touchpoint: expect.objectContaining({ id: 'c1' }), hoursUnanswered: 1, slaHours: 1 }]);
  });

  it('given a human reply pointing at it, does not report it', () => {
    expect(findUnansweredInbound([tp('m1'), tp('r1', { direction: 'outbound', replyToId: 'm1', occurredAt: ago(2) })], NOW)).toEqual([]);
  });

  it('an automatic acknowledgement or a second customer message is not an answer', () => {
    const auto = tp('r1', { direction: 'outbound', handledBy: 'automation', replyToId: 'm1', occurredAt: ago(29.9) });
    const nudge = tp('m2', { replyToId: 'm1', occurredAt: ago(10) });
    expect(ids(findUnansweredInbound([tp('m1'), auto, nudge], NOW))).toEqual(['m1']);
  });

  it('skips outbound, company-initiated, resolved and live-channel touchpoints', () => {
    const r = findUnansweredInbound(
      [
        tp('out', { direction: 'outbound' }),
        tp('company', { initiatedBy: 'company' }),
        tp('resolved', { resolved: true }),
        tp('phone', { channel: 'phone' }),
        tp('survey', { channel: 'survey' }),
        tp('newsletter', { channel: 'newsletter' }),
      ],
      NOW,
    );
    expect(r).toEqual([]);
  });

  it('a message whose own transcript ends with the agent was answered within the contact; ending with a bot was not', () => {
    const agentLast = tp('a', { channel: 'chat', transcript: [{ speaker: 'customer', text: 'Hei?' }, { speaker: 'agent', text: 'Hei, hva kan jeg hjelpe med?' }] });
    const botLast = tp('b', { channel: 'chat', transcript: [{ speaker: 'customer', text: 'Hello?' }, { speaker: 'bot', text: 'An agent will contact you.' }] });
    const customerLast = tp('c', { channel: 'chat', transcript: [{ speaker: 'agent', text: 'Hi!' }, { speaker: 'customer', text: 'My invoice is wrong.' }, { speaker: 'agent', text: ' ' }] });
    expect(ids(findUnansweredInbound([agentLast, botLast, customerLast], NOW))).toEqual(['b', 'c']);
  });

  it('returns the oldest first, then by id, and skips unreadable dates', () => {
    const r = findUnansweredInbound([tp('z', { occurredAt: ago(40) }), tp('b', { occurredAt: ago(50) }), tp('a', { occurredAt: ago(40) }), tp('bad', { occurredAt: 'yesterday' })], NOW);
    expect(ids(r)).toEqual(['b', 'a', 'z']);
  });

  it('follows the configured SLA and channels', () => {
    const config = scoringConfig({ replySlaHours: { email: 48 }, awaitsReplyChannels: ['email', 'survey'] });
    const r = findUnansweredInbound([tp('m1'), tp('s1', { channel: 'survey', occurredAt: ago(80) })], NOW, config);
    expect(r).toEqual([{ touchpoint: expect.objectContaining({ id: 's1' }), hoursUnanswered: 80, slaHours: 72 }]);
  });

  it('given no touchpoints or an invalid now, finds nothing', () => {
    expect(findUnansweredInbound([], NOW)).toEqual([]);
    expect(findUnansweredInbound([tp('m1')], new Date('not a date'))).toEqual([]);
  });
});
