import type { TaskProposal } from './checks.js';
import { combineReasons, decideFollowUp, type FollowUpDecisionInput } from './decision.js';
import { DEFAULT_RULES } from './rules.js';
import { decide, evolve, type FollowUpTask } from './task.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const h = (n: number) => new Date(NOW.getTime() + n * 3_600_000).toISOString();
const finding = (rule: TaskProposal['rule'], over: Partial<TaskProposal> = {}): TaskProposal => ({
  rule, reason: `Reason of ${rule}.`, suggestedAction: `Action of ${rule}`, priority: 'normal', dueAt: h(72), triggeredBy: [`e-${rule}`], evidenceAt: h(-1), customerEvidenceAt: h(-1), ...over,
});
const given = (over: Partial<FollowUpDecisionInput> = {}): FollowUpDecisionInput => ({
  now: NOW, open: null, memory: { lastClosedAt: null, dismissed: {} }, answersOpen: false, churned: false, findings: [], answered: new Set(), rules: DEFAULT_RULES, ...over,
});
const openTask = (rule: TaskProposal['rule'] = 'repeat_contact'): FollowUpTask => {
  const [e] = decide({ type: 'Raise', taskId: 't1', customerId: 'c1', proposal: finding(rule), assigneeId: 'am' }, null, { now: new Date(h(-2)), eventId: 'ev' });
  return evolve(null, e)!;
};

describe('one open follow-up per customer: the decision', () => {
  it('given no open task, when three rules fire, then ONE task opens with three reasons, the most urgent leading, priority the highest, due the earliest', () => {
    const d = decideFollowUp(given({ findings: [finding('repeat_contact'), finding('high_value_transactional', { priority: 'urgent', dueAt: h(48) }), finding('transactional_streak', { dueAt: h(24) })] }));
    expect(d.join).toBeUndefined();
    expect(d.open!.proposal).toMatchObject({ rule: 'high_value_transactional', priority: 'urgent', dueAt: h(24) });
    expect(d.open!.reasons.map((r) => r.rule)).toEqual(['high_value_transactional', 'transactional_streak', 'repeat_contact']);
    expect(d.open!.proposal.suggestedAction).toBe('Action of high_value_transactional. Also: reason of transactional_streak; reason of repeat_contact.');
  });

  it('given an open task, when another rule fires, then it joins as a reason (no second task)', () => {
    const d = decideFollowUp(given({ open: openTask(), findings: [finding('health_band_drop', { priority: 'high', dueAt: h(1) })] }));
    expect(d.open).toBeUndefined();
    expect(d.join!.taskId).toBe('t1');
    expect(d.join!.joins[0]).toMatchObject({ reason: { rule: 'health_band_drop' }, priority: 'high', dueAt: h(1) });
  });

  it('given an open task, when a rule already among its reasons fires again, then nothing changes', () => {
    const d = decideFollowUp(given({ open: openTask('repeat_contact'), findings: [finding('repeat_contact')] }));
    expect(d).toEqual({ skipped: [{ rule: 'repeat_contact', why: 'already_a_reason' }] });
  });

  it('given an open silence task, when the silence check finds it past a further threshold, then the reason says how long now and the task takes the higher priority; its due date stays', () => {
    const open = openTask('automation_without_relational');
    const deeper = finding('automation_without_relational', { reason: 'No relational contact for 61 days (since 5 Jan 2026) while 4 automated messages went out.', suggestedAction: 'Call now', priority: 'high', dueAt: h(120), triggeredBy: ['f60'] });
    const d = decideFollowUp(given({ open, deepens: true, findings: [deeper] }));
    expect(d.revise).toEqual({ taskId: 't1', joins: [expect.objectContaining({ reason: expect.objectContaining({ reason: deeper.reason, priority: 'high', triggeredBy: ['f60'], dueAt: open.reasons[0].dueAt }), priority: 'high', suggestedAction: 'Call now.' })] });
    expect(d.skipped).toEqual([{ rule: 'automation_without_relational', why: 'already_a_reason' }]);
    // A touchpoint that finds the silence again (a newsletter) rewrites nothing; nor does the same wording, nor another rule.
    expect(decideFollowUp(given({ open, findings: [deeper] })).revise).toBeUndefined();
    expect(decideFollowUp(given({ open, deepens: true, findings: [finding('automation_without_relational')] })).revise).toBeUndefined();
    expect(decideFollowUp(given({ open: openTask('repeat_contact'), deepens: true, findings: [finding('repeat_contact', { reason: 'Other words.' })] })).revise).toBeUndefined();
  });

  it('given an open task with a reason that reads differently once judged again, then that reason is replaced and a joining reason combines with the new words', () => {
    const open = openTask('automation_without_relational');
    const revised = { ...open.reasons[0], reason: 'No relational contact for 42 days (since 25 Jan 2026) while 2 automated messages went out.', suggestedAction: 'New action' };
    const d = decideFollowUp(given({ open, revised: [revised], findings: [finding('repeat_contact')] }));
    expect(d.revise).toEqual({ taskId: 't1', joins: [expect.objectContaining({ reason: revised, suggestedAction: 'New action.' })] });
    expect(d.join!.joins[0].suggestedAction).toBe('New action. Also: reason of repeat_contact.');
  });

  it('given an open task with two reasons, when the leading one no longer holds, then it is withdrawn, the other leads, and the task stays open on it; its last reason is never withdrawn', () => {
    const [raised] = decide({
      type: 'Raise', taskId: 't1', customerId: 'c1', assigneeId: 'am',
      proposal: finding('automation_without_relational', { priority: 'high', dueAt: h(24) }),
      reasons: [
        { rule: 'automation_without_relational', reason: 'Quiet.', triggeredBy: ['e-q'], at: h(-2), suggestedAction: 'Call about the quiet', priority: 'high', dueAt: h(24) },
        { rule: 'transactional_streak', reason: 'The last three contacts were all transactional.', triggeredBy: ['e-s'], at: h(-2), suggestedAction: 'Call about the streak', priority: 'normal', dueAt: h(72) },
      ],
    }, null, { now: new Date(h(-2)), eventId: 'ev' });
    const open = evolve(null, raised)!;
    const d = decideFollowUp(given({ open, withdrawn: ['automation_without_relational'] }));
    expect(d.close).toBeUndefined();
    expect(d.withdraw).toEqual({
      taskId: 't1',
      withdrawals: [{ rule: 'automation_without_relational', lead: { rule: 'transactional_streak', reason: 'The last three contacts were all transactional.' }, priority: 'normal', dueAt: h(72), suggestedAction: 'Call about the streak.' }],
    });
    // The withdrawn rule may join again later on new evidence: it is no longer among the reasons.
    const again = decideFollowUp(given({ open, withdrawn: ['automation_without_relational'], findings: [finding('automation_without_relational')] }));
    expect(again.join!.joins[0].reason.rule).toBe('automation_without_relational');
    expect(decideFollowUp(given({ open: openTask('repeat_contact'), withdrawn: ['repeat_contact'] })).withdraw).toBeUndefined();
  });

  it('given an open task none of whose reasons holds any more, then it closes, and its evidence is used up', () => {
    const d = decideFollowUp(given({ open: openTask('automation_without_relational'), noLongerHolds: true, findings: [finding('automation_without_relational', { evidenceAt: h(-3) })] }));
    expect(d.close).toEqual({ taskId: 't1', why: 'no_longer_holds' });
    expect(d.open).toBeUndefined();
    expect(d.skipped).toEqual([{ rule: 'automation_without_relational', why: 'before_last_close' }]);
  });

  it('given an open task, when a person\'s relational contact answers it, then it closes and nothing opens on the same evidence', () => {
    const d = decideFollowUp(given({ open: openTask(), answersOpen: true, findings: [finding('repeat_contact', { evidenceAt: NOW.toISOString() })] }));
    expect(d.close).toEqual({ taskId: 't1', why: 'answered' });
    expect(d.open).toBeUndefined();
  });

  it('given a finding a later relational human contact answered, then it is dropped as already answered', () => {
    expect(decideFollowUp(given({ findings: [finding('repeat_contact')], answered: new Set(['repeat_contact']) }))).toEqual({ skipped: [{ rule: 'repeat_contact', why: 'already_answered' }] });
  });

  it('given a closed task, when a rule fires on evidence from before the closing, then nothing; on newer evidence, a new task', () => {
    const memory = { lastClosedAt: h(-5), dismissed: {} };
    expect(decideFollowUp(given({ memory, findings: [finding('repeat_contact', { evidenceAt: h(-6) })] })).open).toBeUndefined();
    expect(decideFollowUp(given({ memory, findings: [finding('repeat_contact', { evidenceAt: h(-4) })] })).open).toBeDefined();
  });

  it('given a reason dismissed within its cool-down, when the rule fires on our own messages, then quiet; when the customer got in touch since, then it raises', () => {
    const memory = { lastClosedAt: h(-48), dismissed: { automation_without_relational: h(-48) } };
    expect(decideFollowUp(given({ memory, findings: [finding('automation_without_relational', { customerEvidenceAt: null })] })).skipped).toEqual([{ rule: 'automation_without_relational', why: 'dismissed_cooling_down' }]);
    expect(decideFollowUp(given({ memory, findings: [finding('automation_without_relational', { customerEvidenceAt: h(-1) })] })).open).toBeDefined();
  });

  it('given a customer who left, then their open task auto-closes and no retention reason joins or opens; a win-back may', () => {
    const d = decideFollowUp(given({ open: openTask(), churned: true, findings: [finding('repeat_contact'), finding('win_back')] }));
    expect(d.close).toEqual({ taskId: 't1', why: 'churned' });
    expect(d.open!.reasons.map((r) => r.rule)).toEqual(['win_back']);
    expect(d.skipped).toEqual([{ rule: 'repeat_contact', why: 'churned' }]);
  });

  it('combineReasons: one reason keeps its own action', () => {
    expect(combineReasons([{ rule: 'x', reason: 'R.', triggeredBy: [], at: h(0), suggestedAction: 'Call her.', priority: 'low', dueAt: h(3) }])).toEqual({ priority: 'low', dueAt: h(3), suggestedAction: 'Call her.' });
  });
});

describe('task decider: reasons', () => {
  it('given an open task, when a reason is added, then the task carries it and the combined fields; the same rule again adds nothing; a closed task takes none', () => {
    const t = openTask();
    const join = { reason: { rule: 'health_band_drop', reason: 'Fell.', triggeredBy: ['e9'], at: h(0) }, priority: 'high' as const, dueAt: h(1), suggestedAction: 'Both.' };
    const [e] = decide({ type: 'AddReason', join }, t, { now: NOW, eventId: 'ev2' });
    const after = evolve(t, e)!;
    expect(after).toMatchObject({ priority: 'high', dueAt: h(1), suggestedAction: 'Both.', rule: 'repeat_contact' });
    expect(after.reasons.map((r) => r.rule)).toEqual(['repeat_contact', 'health_band_drop']);
    expect(after.triggeredBy).toEqual(['e-repeat_contact', 'e9']);
    expect(decide({ type: 'AddReason', join }, after, { now: NOW, eventId: 'ev3' })).toEqual([]);
    const done = evolve(after, decide({ type: 'Complete', by: 'am', automatic: false }, after, { now: NOW, eventId: 'ev4' })[0])!;
    expect(decide({ type: 'AddReason', join: { ...join, reason: { ...join.reason, rule: 'x' } } }, done, { now: NOW, eventId: 'ev5' })).toEqual([]);
  });

  it('given a raise of before reasons existed, when folded, then the raise is its one reason', () => {
    const t = evolve(null, { type: 'FollowUpTaskRaised', data: { taskId: 't', customerId: 'c', rule: 'repeat_contact', reason: 'R', suggestedAction: 'A', priority: 'normal', dueAt: h(1), triggeredBy: ['e'], assigneeId: null, raisedAt: h(0) } })!;
    expect(t.reasons).toEqual([{ rule: 'repeat_contact', reason: 'R', triggeredBy: ['e'], at: h(0), suggestedAction: 'A', priority: 'normal', dueAt: h(1) }]);
  });
});
