import { DomainError } from '../errors.js';
import { decide, evolve, type FollowUpTask, type TaskCommand } from './task.js';

const T0 = new Date('2026-03-10T12:00:00Z');
const later = (h: number) => new Date(T0.getTime() + h * 3_600_000);
const raise: TaskCommand = {
  type: 'Raise', taskId: 't1', customerId: 'c1', assigneeId: 'am1',
  proposal: { rule: 'transactional_streak', reason: 'r', suggestedAction: 'a', priority: 'normal', dueAt: later(72).toISOString(), triggeredBy: ['e1'], evidenceAt: T0.toISOString(), customerEvidenceAt: null },
};

function given(...cmds: [TaskCommand, Date][]): FollowUpTask | null {
  let state: FollowUpTask | null = null;
  cmds.forEach(([c, now], i) => {
    for (const e of decide(c, state, { now, eventId: `ev${i}` })) state = evolve(state, e);
  });
  return state;
}

describe('follow-up task decider', () => {
  it('given nothing, when raised, then the task is open with the proposal', () => {
    const state = given([raise, T0]);
    expect(state).toMatchObject({ id: 't1', status: 'open', priority: 'normal', triggeredBy: ['e1'], assigneeId: 'am1', createdAt: T0.toISOString() });
  });
  it('given an open task, when its leading reason is revised, then the reason, the task\'s own reason and action read anew; the same revision again, or one on a closed task, is no event', () => {
    const revise: TaskCommand = {
      type: 'ReviseReason',
      join: { reason: { rule: 'transactional_streak', reason: 'r2', triggeredBy: ['e2'], at: T0.toISOString() }, priority: 'normal', dueAt: later(72).toISOString(), suggestedAction: 'a2.' },
    };
    const s = given([raise, T0], [revise, later(1)]);
    expect(s).toMatchObject({ reason: 'r2', suggestedAction: 'a2.', reasons: [expect.objectContaining({ reason: 'r2' })], triggeredBy: ['e1', 'e2'] });
    expect(decide(revise, s, { now: later(2), eventId: 'x' })).toEqual([]);
    const done = given([raise, T0], [{ type: 'Complete', by: 'am1', automatic: false }, later(1)]);
    expect(decide(revise, done, { now: later(2), eventId: 'x' })).toEqual([]);
  });
  it('given an open task with two reasons, when the leading one is withdrawn, then the other leads (rule, reason, action, triggers); again, on its last reason, or on a closed task, no event', () => {
    const two: TaskCommand = { ...(raise as Extract<TaskCommand, { type: 'Raise' }>), reasons: [
      { rule: 'transactional_streak', reason: 'r', triggeredBy: ['e1'], at: T0.toISOString(), priority: 'high' },
      { rule: 'repeat_contact', reason: 'again', triggeredBy: ['e3'], at: T0.toISOString(), priority: 'normal' },
    ] };
    const withdraw: TaskCommand = { type: 'WithdrawReason', withdrawal: { rule: 'transactional_streak', lead: { rule: 'repeat_contact', reason: 'again' }, priority: 'normal', dueAt: later(96).toISOString(), suggestedAction: 'call.' } };
    const s = given([two, T0], [withdraw, later(1)]);
    expect(s).toMatchObject({ status: 'open', rule: 'repeat_contact', reason: 'again', suggestedAction: 'call.', priority: 'normal', dueAt: later(96).toISOString(), triggeredBy: ['e3'] });
    expect(s!.reasons.map((r) => r.rule)).toEqual(['repeat_contact']);
    expect(decide(withdraw, s, { now: later(2), eventId: 'x' })).toEqual([]);
    expect(decide({ type: 'WithdrawReason', withdrawal: { ...(withdraw as any).withdrawal, rule: 'repeat_contact' } }, s, { now: later(2), eventId: 'x' })).toEqual([]);
    const done = given([two, T0], [{ type: 'Complete', by: 'am1', automatic: false }, later(1)]);
    expect(decide(withdraw, done, { now: later(2), eventId: 'x' })).toEqual([]);
  });
  it('given an escalated task, when a reason is withdrawn, then the priority does not fall below the escalation', () => {
    const two: TaskCommand = { ...(raise as Extract<TaskCommand, { type: 'Raise' }>), reasons: [
      { rule: 'transactional_streak', reason: 'r', triggeredBy: ['e1'], at: T0.toISOString(), priority: 'normal' },
      { rule: 'repeat_contact', reason: 'again', triggeredBy: ['e3'], at: T0.toISOString(), priority: 'normal' },
    ] };
    const s = given([two, T0], [{ type: 'Escalate', escalatedTo: null }, later(100)]);
    expect(s!.priority).toBe('high');
    const [e] = decide({ type: 'WithdrawReason', withdrawal: { rule: 'transactional_streak', lead: { rule: 'repeat_contact', reason: 'again' }, priority: 'normal', dueAt: later(96).toISOString(), suggestedAction: 'call.' } }, s, { now: later(101), eventId: 'x' });
    expect(e.data).toMatchObject({ priority: 'high' });
  });
  it('given a raised task, when raised again (re-run job), then no event', () => {
    expect(decide(raise, given([raise, T0]), { now: T0, eventId: 'x' })).toEqual([]);
  });
  it('given an open task, when completed with a note, then it is done and closed', () => {
    const s = given([raise, T0], [{ type: 'Complete', note: 'called her', by: 'am1', automatic: false }, later(1)]);
    expect(s).toMatchObject({ status: 'done', note: 'called her', closedAt: later(1).toISOString() });
  });
  it('given a done task, when completed again, then FollowUpAlreadyClosed (409)', () => {
    const s = given([raise, T0], [{ type: 'Complete', by: 'am1', automatic: false }, later(1)]);
    expect(() => decide({ type: 'Complete', by: 'am1', automatic: false }, s, { now: later(2), eventId: 'x' })).toThrow(DomainError);
  });
  it('given a dismissed task, when snoozed, then refused', () => {
    const s = given([raise, T0], [{ type: 'Dismiss', reason: 'not relevant', by: 'am1' }, later(1)]);
    expect(s?.status).toBe('dismissed');
    expect(() => decide({ type: 'Snooze', until: later(5).toISOString(), by: 'am1' }, s, { now: later(2), eventId: 'x' })).toThrow(DomainError);
  });
  it('given an open task, when snoozed into the past, then refused', () => {
    expect(() => decide({ type: 'Snooze', until: T0.toISOString(), by: 'am1' }, given([raise, T0]), { now: later(1), eventId: 'x' })).toThrow(/future/);
  });
  it('given a snoozed task, when the sweep runs after until, then it is open again; before until, nothing', () => {
    const s = given([raise, T0], [{ type: 'Snooze', until: later(10).toISOString(), by: 'am1' }, later(1)]);
    expect(s?.status).toBe('snoozed');
    expect(decide({ type: 'EndSnooze' }, s, { now: later(5), eventId: 'x' })).toEqual([]);
    const woke = evolve(s, decide({ type: 'EndSnooze' }, s, { now: later(11), eventId: 'x' })[0]);
    expect(woke?.status).toBe('open');
  });
  it('given an overdue open task, when escalated, then priority goes up once; a second sweep does nothing', () => {
    const s = given([raise, T0]);
    expect(decide({ type: 'Escalate', escalatedTo: 'tl1' }, s, { now: later(10), eventId: 'x' })).toEqual([]); // not due yet
    const [e] = decide({ type: 'Escalate', escalatedTo: 'tl1' }, s, { now: later(73), eventId: 'x' });
    expect(e).toMatchObject({ type: 'FollowUpTaskEscalated', data: { priority: 'high', escalatedTo: 'tl1' } });
    const s2 = evolve(s, e);
    expect(decide({ type: 'Escalate', escalatedTo: 'tl1' }, s2, { now: later(80), eventId: 'y' })).toEqual([]);
  });
  it('given an escalated task, when a lower-ranked reason joins, then the task keeps its escalated priority', () => {
    const escalated = given([raise, T0], [{ type: 'Escalate', escalatedTo: 'tl1' }, later(73)]);
    expect(escalated?.priority).toBe('high');
    const reason = { rule: 'repeat_contact', reason: 'came back', triggeredBy: ['e2'], at: later(74).toISOString(), priority: 'normal' as const, dueAt: later(98).toISOString() };
    const [e] = decide({ type: 'AddReason', join: { reason, priority: 'normal', dueAt: later(72).toISOString(), suggestedAction: 'call' } }, escalated, { now: later(74), eventId: 'j' });
    expect(e).toMatchObject({ type: 'FollowUpReasonAdded', data: { priority: 'high' } });
    expect(evolve(escalated, e)).toMatchObject({ priority: 'high', reasons: [expect.objectContaining({ rule: 'transactional_streak' }), reason] });
  });
  it('given an open task, when a more urgent reason joins, then it leads the task (rule and reason); an equal one does not; an event of before the lead was recorded keeps the first', () => {
    const s = given([raise, T0]);
    const unanswered = { rule: 'unanswered_inbound', reason: 'a ticket waited 50 hours', triggeredBy: ['e2'], at: later(1).toISOString(), priority: 'high' as const, dueAt: later(5).toISOString() };
    const [e] = decide({ type: 'AddReason', join: { reason: unanswered, priority: 'high', dueAt: later(5).toISOString(), suggestedAction: 'reply today.' } }, s, { now: later(1), eventId: 'j' });
    expect(e).toMatchObject({ type: 'FollowUpReasonAdded', data: { lead: { rule: 'unanswered_inbound', reason: 'a ticket waited 50 hours' } } });
    expect(evolve(s, e)).toMatchObject({ rule: 'unanswered_inbound', reason: 'a ticket waited 50 hours', priority: 'high' });

    const repeat = { rule: 'repeat_contact', reason: 'came back', triggeredBy: ['e3'], at: later(1).toISOString(), priority: 'normal' as const, dueAt: later(25).toISOString() };
    const [same] = decide({ type: 'AddReason', join: { reason: repeat, priority: 'normal', dueAt: later(25).toISOString(), suggestedAction: 'call.' } }, s, { now: later(1), eventId: 'k' });
    expect(evolve(s, same)).toMatchObject({ rule: 'transactional_streak', reason: 'r' });

    const { lead: _, ...old } = (e as { data: Record<string, unknown> }).data;
    expect(evolve(s, { type: 'FollowUpReasonAdded', data: old })).toMatchObject({ rule: 'transactional_streak', reason: 'r', priority: 'high' });
  });
  it('given no task, when completed, then FollowUpNotFound', () => {
    expect(() => decide({ type: 'Complete', by: null, automatic: true }, null, { now: T0, eventId: 'x' })).toThrow(/No follow-up/);
  });
});
