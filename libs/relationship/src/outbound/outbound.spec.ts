import { DEFAULT_DELIVERY_POLICY, backoffDelay, decideDelivery, parseRetryAfter, type DeliveryPolicy } from './delivery-policy.js';
import { isIpLiteral, isPrivateAddress, parseIPv6 } from './private-address.js';
import { FOLLOW_UP_CHANGES, OUTBOUND_EVENT_TYPES, OUTBOUND_SOURCE_TYPES, isOutboundEventType, toWebhookPayload } from './webhook-payload.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const POLICY: DeliveryPolicy = { ...DEFAULT_DELIVERY_POLICY, maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 600_000, jitter: 0.5 };

describe('toWebhookPayload', () => {
  it('given FollowUpTaskRaised, when mapped, then follow_up.raised with the raise time and the task facts', () => {
    const p = toWebhookPayload({
      id: 'e1',
      type: 'FollowUpTaskRaised',
      data: { taskId: 't1', customerId: 'c1', rule: 'transactional_streak', reason: 'r', suggestedAction: 'call', priority: 'high', dueAt: '2026-03-11T12:00:00Z', triggeredBy: ['x'], assigneeId: 'u1', raisedAt: '2026-03-10T12:00:00Z' },
    });
    expect(p).toEqual({
      type: 'follow_up.raised',
      timestamp: '2026-03-10T12:00:00Z',
      data: { eventId: 'e1', taskId: 't1', customerId: 'c1', rule: 'transactional_streak', reason: 'r', suggestedAction: 'call', priority: 'high', dueAt: '2026-03-11T12:00:00Z', assigneeId: 'u1', triggeredBy: ['x'], reasons: [{ rule: 'transactional_streak', reason: 'r', triggeredBy: ['x'], at: '2026-03-10T12:00:00Z' }] },
    });
  });

  it('given FollowUpTaskCompleted with a note, when mapped, then follow_up.completed without the free-text note', () => {
    const p = toWebhookPayload({ id: 'e2', type: 'FollowUpTaskCompleted', data: { taskId: 't1', customerId: 'c1', note: 'private words', completedBy: null, completedAt: '2026-03-10T13:00:00Z', automatic: true, touchpointId: 'tp' } });
    expect(p?.type).toBe('follow_up.completed');
    expect(p?.timestamp).toBe('2026-03-10T13:00:00Z');
    expect(p?.data).toEqual({ eventId: 'e2', taskId: 't1', customerId: 'c1', status: 'done', completedBy: null, automatic: true, touchpointId: 'tp', mergedInto: null, dismissedBy: null });
    expect(JSON.stringify(p)).not.toContain('private words');
  });

  it('given FollowUpTaskDismissed, when mapped, then follow_up.completed with status dismissed and who dismissed it, without the free-text reason', () => {
    const p = toWebhookPayload({ id: 'e4', type: 'FollowUpTaskDismissed', data: { taskId: 't1', customerId: 'c1', reason: 'Kari is off sick until May', dismissedBy: 'u2', dismissedAt: '2026-03-10T15:00:00Z' } });
    expect(p).toEqual({
      type: 'follow_up.completed',
      timestamp: '2026-03-10T15:00:00Z',
      data: { eventId: 'e4', taskId: 't1', customerId: 'c1', status: 'dismissed', completedBy: null, automatic: false, touchpointId: null, mergedInto: null, dismissedBy: 'u2' },
    });
    expect(JSON.stringify(p)).not.toContain('off sick');
  });

  it('given a completion and a dismissal, when mapped, then both carry the same fields (a receiver reads one shape)', () => {
    const done = toWebhookPayload({ id: 'e', type: 'FollowUpTaskCompleted', data: { taskId: 't', customerId: 'c', completedBy: 'u', completedAt: '2026-03-10T13:00:00Z', automatic: false } });
    const dismissed = toWebhookPayload({ id: 'e', type: 'FollowUpTaskDismissed', data: { taskId: 't', customerId: 'c', reason: 'r', dismissedBy: 'u', dismissedAt: '2026-03-10T13:00:00Z' } });
    expect(Object.keys(dismissed!.data).sort()).toEqual(Object.keys(done!.data).sort());
  });

  /** The fields of every follow_up.updated, null unless the case says otherwise. */
  const updatedData = (over: Record<string, unknown>) => ({
    eventId: 'e5', taskId: 't1', customerId: 'c1',
    priority: null, dueAt: null, suggestedAction: null, addedReason: null, mergedFrom: null, revisedReason: null, withdrawnRule: null, lead: null,
    until: null, snoozedBy: null, escalatedTo: null,
    ...over,
  });
  const reason = (rule: string, text: string) => ({ rule, reason: text, triggeredBy: ['x'], at: '2026-03-10T12:00:00Z', priority: 'high' as const });

  it('given FollowUpReasonAdded, when mapped, then follow_up.updated, change reason_added, with the fields it always had and the lead', () => {
    const p = toWebhookPayload({
      id: 'e5', type: 'FollowUpReasonAdded',
      data: { taskId: 't1', customerId: 'c1', reason: reason('unanswered_inbound', 'An e-mail went unanswered.'), priority: 'urgent', dueAt: '2026-03-11T12:00:00Z', suggestedAction: 'Reply.', addedAt: '2026-03-10T16:00:00Z', lead: { rule: 'unanswered_inbound', reason: 'An e-mail went unanswered.' } },
    });
    expect(p).toEqual({
      type: 'follow_up.updated',
      timestamp: '2026-03-10T16:00:00Z',
      data: updatedData({
        change: 'reason_added', priority: 'urgent', dueAt: '2026-03-11T12:00:00Z', suggestedAction: 'Reply.',
        addedReason: { rule: 'unanswered_inbound', reason: 'An e-mail went unanswered.', triggeredBy: ['x'], at: '2026-03-10T12:00:00Z' },
        lead: { rule: 'unanswered_inbound', reason: 'An e-mail went unanswered.' },
      }),
    });
  });

  it('given FollowUpReasonAdded written before it named its lead, when mapped, then lead is null', () => {
    const p = toWebhookPayload({ id: 'e5', type: 'FollowUpReasonAdded', data: { taskId: 't1', customerId: 'c1', reason: reason('r', 'x'), priority: 'normal', dueAt: 'd', suggestedAction: 's', addedAt: 'a', mergedFrom: 't0' } });
    expect(p?.data).toMatchObject({ change: 'reason_added', lead: null, mergedFrom: 't0' });
  });

  it('given FollowUpReasonRevised, when mapped, then follow_up.updated, change reason_revised, with the reason as it reads now and the task state', () => {
    const p = toWebhookPayload({
      id: 'e5', type: 'FollowUpReasonRevised',
      data: {
        taskId: 't1', customerId: 'c1', reason: reason('automation_without_relational', 'No relational contact for 61 days.'),
        priority: 'high', dueAt: '2026-03-15T12:00:00Z', suggestedAction: 'Call them.', revisedAt: '2026-03-10T17:00:00Z',
      },
    });
    expect(p).toEqual({
      type: 'follow_up.updated',
      timestamp: '2026-03-10T17:00:00Z',
      data: updatedData({
        change: 'reason_revised', priority: 'high', dueAt: '2026-03-15T12:00:00Z', suggestedAction: 'Call them.',
        revisedReason: { rule: 'automation_without_relational', reason: 'No relational contact for 61 days.', triggeredBy: ['x'], at: '2026-03-10T12:00:00Z' },
      }),
    });
  });

  it('given FollowUpReasonWithdrawn, when mapped, then follow_up.updated, change reason_withdrawn, naming the rule that left and the lead after', () => {
    const p = toWebhookPayload({
      id: 'e5', type: 'FollowUpReasonWithdrawn',
      data: {
        taskId: 't1', customerId: 'c1', rule: 'automation_without_relational', lead: { rule: 'transactional_streak', reason: 'The last three contacts were all transactional.' },
        priority: 'normal', dueAt: '2026-03-13T12:00:00Z', suggestedAction: 'Pick up the conversation.', withdrawnAt: '2026-03-10T18:00:00Z',
      },
    });
    expect(p).toEqual({
      type: 'follow_up.updated',
      timestamp: '2026-03-10T18:00:00Z',
      data: updatedData({
        change: 'reason_withdrawn', priority: 'normal', dueAt: '2026-03-13T12:00:00Z', suggestedAction: 'Pick up the conversation.',
        withdrawnRule: 'automation_without_relational', lead: { rule: 'transactional_streak', reason: 'The last three contacts were all transactional.' },
      }),
    });
  });

  it('given FollowUpTaskEscalated, when mapped, then follow_up.updated, change escalated, with the new priority and to whom', () => {
    const p = toWebhookPayload({ id: 'e5', type: 'FollowUpTaskEscalated', data: { taskId: 't1', customerId: 'c1', priority: 'urgent', escalatedTo: 'lead-1', escalatedAt: '2026-03-12T12:01:00Z' } });
    expect(p).toEqual({ type: 'follow_up.updated', timestamp: '2026-03-12T12:01:00Z', data: updatedData({ change: 'escalated', priority: 'urgent', escalatedTo: 'lead-1' }) });
    // Nobody to escalate to: still the new priority.
    expect(toWebhookPayload({ id: 'e5', type: 'FollowUpTaskEscalated', data: { taskId: 't1', customerId: 'c1', priority: 'high', escalatedAt: 'a' } })?.data).toMatchObject({ priority: 'high', escalatedTo: null });
  });

  it('given FollowUpTaskSnoozed, when mapped, then follow_up.updated, change snoozed, with until and who; what a snooze does not say is null', () => {
    const p = toWebhookPayload({ id: 'e5', type: 'FollowUpTaskSnoozed', data: { taskId: 't1', customerId: 'c1', until: '2026-03-20T08:00:00.000Z', snoozedBy: 'u1', snoozedAt: '2026-03-10T19:00:00Z' } });
    expect(p).toEqual({ type: 'follow_up.updated', timestamp: '2026-03-10T19:00:00Z', data: updatedData({ change: 'snoozed', until: '2026-03-20T08:00:00.000Z', snoozedBy: 'u1' }) });
  });

  it('given FollowUpTaskSnoozeEnded, when mapped, then follow_up.updated, change snooze_ended (the task is open again)', () => {
    const p = toWebhookPayload({ id: 'e5', type: 'FollowUpTaskSnoozeEnded', data: { taskId: 't1', customerId: 'c1', until: '2026-03-20T08:00:00.000Z', endedAt: '2026-03-20T08:00:41Z' } });
    expect(p).toEqual({ type: 'follow_up.updated', timestamp: '2026-03-20T08:00:41Z', data: updatedData({ change: 'snooze_ended', until: '2026-03-20T08:00:00.000Z' }) });
  });

  it('given every change, when mapped, then each follow_up.updated has the same fields', () => {
    const samples = [
      { type: 'FollowUpReasonAdded', data: { taskId: 't', customerId: 'c', reason: reason('r', 'x'), priority: 'high', dueAt: 'd', suggestedAction: 's', addedAt: 'a' } },
      { type: 'FollowUpReasonRevised', data: { taskId: 't', customerId: 'c', reason: reason('r', 'y'), priority: 'high', dueAt: 'd', suggestedAction: 's', revisedAt: 'a' } },
      { type: 'FollowUpReasonWithdrawn', data: { taskId: 't', customerId: 'c', rule: 'r', lead: { rule: 'q', reason: 'z' }, priority: 'high', dueAt: 'd', suggestedAction: 's', withdrawnAt: 'a' } },
      { type: 'FollowUpTaskEscalated', data: { taskId: 't', customerId: 'c', priority: 'urgent', escalatedTo: null, escalatedAt: 'a' } },
      { type: 'FollowUpTaskSnoozed', data: { taskId: 't', customerId: 'c', until: 'u', snoozedBy: 'b', snoozedAt: 'a' } },
      { type: 'FollowUpTaskSnoozeEnded', data: { taskId: 't', customerId: 'c', until: 'u', endedAt: 'a' } },
    ];
    const payloads = samples.map((e) => toWebhookPayload({ id: 'e', ...e })!);
    expect(payloads.map((p) => p.data.change)).toEqual([...FOLLOW_UP_CHANGES]);
    for (const p of payloads) expect(Object.keys(p.data).sort()).toEqual(Object.keys(payloads[0].data).sort());
  });

  it('given a change event missing what it is about, when mapped, then null (never throws)', () => {
    expect(toWebhookPayload({ id: 'e', type: 'FollowUpReasonRevised', data: { taskId: 't', customerId: 'c' } })).toBeNull();
    expect(toWebhookPayload({ id: 'e', type: 'FollowUpReasonWithdrawn', data: { taskId: 't', customerId: 'c', rule: 7 } })).toBeNull();
    expect(toWebhookPayload({ id: 'e', type: 'FollowUpTaskSnoozed', data: { taskId: 't', customerId: 'c' } })).toBeNull();
    expect(toWebhookPayload({ id: 'e', type: 'FollowUpTaskDismissed', data: null })).toBeNull();
  });

  it('given every source type the relay reads, when mapped, then the public type it is listed under', () => {
    const minimal: Record<string, Record<string, unknown>> = {
      FollowUpTaskRaised: { raisedAt: 'a' }, FollowUpReasonAdded: { reason: reason('r', 'x') }, FollowUpReasonRevised: { reason: reason('r', 'x') },
      FollowUpReasonWithdrawn: { rule: 'r' }, FollowUpTaskEscalated: {}, FollowUpTaskSnoozed: { until: 'u' }, FollowUpTaskSnoozeEnded: {},
      FollowUpTaskCompleted: {}, FollowUpTaskDismissed: {}, HealthBandChanged: {},
    };
    expect(Object.keys(minimal).sort()).toEqual(Object.keys(OUTBOUND_SOURCE_TYPES).sort());
    for (const [type, publicType] of Object.entries(OUTBOUND_SOURCE_TYPES)) {
      expect({ type, mapped: toWebhookPayload({ id: 'e', type, data: { taskId: 't', customerId: 'c', ...minimal[type] } })?.type }).toEqual({ type, mapped: publicType });
    }
  });

  it('given HealthBandChanged, when mapped, then health.band_changed with from/to and scores', () => {
    const p = toWebhookPayload({ id: 'e3', type: 'HealthBandChanged', data: { customerId: 'c1', from: 'green', to: 'yellow', scoreBefore: 71, scoreAfter: 55, causedBy: 'tp', observedAt: '2026-03-10T14:00:00Z' } });
    expect(p).toEqual({ type: 'health.band_changed', timestamp: '2026-03-10T14:00:00Z', data: { eventId: 'e3', customerId: 'c1', from: 'green', to: 'yellow', scoreBefore: 71, scoreAfter: 55, causedBy: 'tp' } });
  });

  it('given another type or odd data, when mapped, then null (never throws)', () => {
    expect(toWebhookPayload({ id: 'e', type: 'TouchpointRecorded', data: {} })).toBeNull();
    expect(toWebhookPayload({ id: 'e', type: 'FollowUpTaskRaised', data: null })).toBeNull();
    expect(toWebhookPayload({ id: 'e', type: 'HealthBandChanged', data: 'x' })).toBeNull();
  });

  it('knows exactly the four public types', () => {
    expect([...OUTBOUND_EVENT_TYPES]).toEqual(['follow_up.raised', 'follow_up.updated', 'follow_up.completed', 'health.band_changed']);
    expect(isOutboundEventType('follow_up.raised')).toBe(true);
    expect(isOutboundEventType('FollowUpTaskRaised')).toBe(false);
  });
});

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.1', '255.255.255.255', '192.0.2.10', '198.18.0.1',
    '::1', '::', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1',
    '::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:c0a8:0101::1', '2001:db8::1', '[::1]', 'fec0::1',
  ])('given %s, then it is refused', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:0808:0808::1', '64:ff9b::808:808'])(
    'given public %s, then it is allowed',
    (ip) => {
      expect(isPrivateAddress(ip)).toBe(false);
    },
  );

  it('given something that is not an IP address, then it is refused rather than guessed at', () => {
    expect(isPrivateAddress('example.com')).toBe(true);
    expect(isPrivateAddress('1.2.3')).toBe(true);
    expect(isPrivateAddress('1:2:3:4:5:6:7:8:9')).toBe(true);
    expect(isPrivateAddress(':::1')).toBe(true);
  });

  it('parses IPv6 forms into 8 groups', () => {
    expect(parseIPv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(isIpLiteral('[::1]')).toBe(true);
    expect(isIpLiteral('localhost')).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('given delay-seconds, then milliseconds', () => {
    expect(parseRetryAfter('2', NOW)).toBe(2000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });
  it('given an HTTP date, then the time until it (0 when past)', () => {
    expect(parseRetryAfter('Tue, 10 Mar 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Tue, 10 Mar 2026 11:00:00 GMT', NOW)).toBe(0);
  });
  it('given nothing or junk, then null', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
    expect(parseRetryAfter('', NOW)).toBeNull();
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-5', NOW)).toBeNull();
    expect(parseRetryAfter('1.5', NOW)).toBeNull();
  });
});

describe('decideDelivery', () => {
  const res = (status: number, retryAfter?: string) => ({ kind: 'response' as const, status, retryAfter });

  it('given a 2xx, then delivered', () => {
    expect(decideDelivery(res(200), 1, POLICY, NOW, 0.5)).toEqual({ outcome: 'delivered' });
    expect(decideDelivery(res(204), 3, POLICY, NOW, 0.5)).toEqual({ outcome: 'delivered' });
  });

  it('given a redirect, then a permanent failure (never followed)', () => {
    expect(decideDelivery(res(302), 1, POLICY, NOW, 0.5)).toMatchObject({ outcome: 'failed', permanent: true, reason: expect.stringMatching(/redirect not followed/) });
  });

  it.each([400, 401, 403, 404, 410, 422])('given %s, then a permanent failure', (status) => {
    expect(decideDelivery(res(status), 1, POLICY, NOW, 0.5)).toMatchObject({ outcome: 'failed', permanent: true });
  });

  it.each([408, 429, 500, 502, 503, 504])('given %s on an early attempt, then a retry with backoff', (status) => {
    expect(decideDelivery(res(status), 1, POLICY, NOW, 0.5)).toMatchObject({ outcome: 'retry', retryAfterHonoured: false });
  });

  it('given 429 or 503 with Retry-After, then the delay is the receiver\'s (seconds or date), capped', () => {
    expect(decideDelivery(res(429, '7'), 1, POLICY, NOW, 0.5)).toEqual({ outcome: 'retry', delayMs: 7000, reason: 'HTTP 429', retryAfterHonoured: true });
    expect(decideDelivery(res(503, 'Tue, 10 Mar 2026 12:01:00 GMT'), 2, POLICY, NOW, 0.5)).toMatchObject({ delayMs: 60_000, retryAfterHonoured: true });
    expect(decideDelivery(res(429, '999999'), 1, POLICY, NOW, 0.5)).toMatchObject({ delayMs: 600_000 });
    // Retry-After on a 500 is not a promise the spec gives us: plain backoff.
    expect(decideDelivery(res(500, '7'), 1, POLICY, NOW, 0.5)).toMatchObject({ retryAfterHonoured: false });
  });

  it('given timeouts and connection errors, then retried; a refused target or bad URL fails permanently', () => {
    expect(decideDelivery({ kind: 'error', error: 'timeout', message: 'timed out' }, 1, POLICY, NOW, 0)).toMatchObject({ outcome: 'retry' });
    expect(decideDelivery({ kind: 'error', error: 'connection', message: 'ECONNREFUSED' }, 1, POLICY, NOW, 0)).toMatchObject({ outcome: 'retry' });
    expect(decideDelivery({ kind: 'error', error: 'refused', message: 'private' }, 1, POLICY, NOW, 0)).toMatchObject({ outcome: 'failed', permanent: true });
    expect(decideDelivery({ kind: 'error', error: 'invalid', message: 'bad url' }, 1, POLICY, NOW, 0)).toMatchObject({ outcome: 'failed', permanent: true });
  });

  it('given the last attempt failed retryably, then failed but not permanent', () => {
    expect(decideDelivery(res(500), 5, POLICY, NOW, 0.5)).toMatchObject({ outcome: 'failed', permanent: false, reason: 'HTTP 500 (after 5 attempts)' });
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt, stays within [full*(1-jitter), full], and is capped', () => {
    for (const r of [0, 0.3, 0.999]) {
      for (let a = 1; a <= 12; a++) {
        const full = Math.min(POLICY.maxDelayMs, POLICY.baseDelayMs * 2 ** (a - 1));
        const d = backoffDelay(a, POLICY, r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(full * 0.5));
        expect(d).toBeLessThanOrEqual(full);
      }
    }
    expect(backoffDelay(1, POLICY, 0)).toBe(500);
    expect(backoffDelay(3, { ...POLICY, jitter: 0 }, 0.9)).toBe(4000);
  });
});
