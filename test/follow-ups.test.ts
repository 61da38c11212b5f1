import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FollowUpsService } from '../apps/worker/src/jobs/follow-ups/follow-ups.service.js';
import { QUEUES } from '../libs/queues/src/index.js';
import { formatDay } from '../libs/relationship/src/health/wording.js';
import { call, createUser, minutesAgo, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';
import { eventually, startStack, type Stack } from './support/stack.js';
import { testQueue } from './support/env.js';

jest.setTimeout(90_000);

/** A contact that scoring calls relational: a person, open questions, acknowledgement, the customer talks most. */
const relationalCall = (customerId: string, at = new Date().toISOString()) =>
  touchpoint({
    customerId, channel: 'phone', occurredAt: at, resolved: true, durationSeconds: 600, waitSeconds: 20, handoffs: 0,
    transcript: [
      { speaker: 'agent', text: 'Hi Kari, I understand the last return was a hassle. How are things going with the new order?' },
      { speaker: 'customer', text: 'Honestly it has been frustrating, the chatbot kept sending me in circles about the refund and I had to explain everything three times.' },
      { speaker: 'agent', text: 'I am sorry to hear that. What would make this right for you?' },
      { speaker: 'customer', text: 'Just getting the refund sorted and knowing someone actually looks at my case would be great, thank you for calling me.' },
    ],
  });

/** A contact that scoring calls transactional: the chatbot, a template, no person. */
const chatbotContact = (customerId: string, at = minutesAgo(5), topic = 'invoice') =>
  touchpoint({
    customerId, channel: 'chatbot', handledBy: 'automation', occurredAt: at, topic,
    transcript: [{ speaker: 'customer', text: 'Where is my refund?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
  });

describe('follow-ups (API + worker + Postgres + Redis)', () => {
  let stack: Stack;
  let admin: TestUser;
  let lead: TestUser;
  let am: TestUser;
  let otherAm: TestUser;
  let ops: TestUser;
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });

  async function customer(name: string, annualValue: number, accountManagerId: string | null = am.id): Promise<string> {
    const res = await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name, annualValue, ...(accountManagerId ? { accountManagerId } : {}) });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function post(tp: Record<string, unknown>): Promise<string> {
    const res = await api('POST', '/touchpoints', admin, tp);
    expect(res.status).toBe(201);
    return res.body.eventId;
  }

  const listFor = async (user: TestUser, query: string) => {
    const res = await api('GET', `/follow-ups${query}`, user);
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };

  beforeAll(async () => {
    stack = await startStack();
    const ds = stack.db.ds;
    admin = await createUser(ds, 'admin');
    lead = await createUser(ds, 'team_lead');
    am = await createUser(ds, 'account_manager', lead.id);
    otherAm = await createUser(ds, 'account_manager');
    ops = await createUser(ds, 'ops');
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('a transactional touchpoint with a high-value customer raises exactly one open follow-up for the account manager; a relational human touchpoint closes it', async () => {
    const c = await customer('Kari Nordmann', 250_000);
    const eventId = await post(chatbotContact(c));

    const [task] = await eventually(async () => {
      const items = await listFor(am, `?customerId=${c}&status=open`);
      return items.length > 0 && items;
    });
    expect(task).toMatchObject({ customerId: c, rule: 'high_value_transactional', status: 'open', triggeredBy: [eventId], assigneeId: am.id });
    expect(task.reason).toMatch(/transactional chatbot .* high-value customer/);
    expect(task.suggestedAction).toMatch(/^Call Kari Nordmann yourself/);
    expect(['high', 'urgent']).toContain(task.priority);
    expect(Date.parse(task.dueAt)).toBeGreaterThan(Date.parse(task.createdAt));

    // Exactly one: no second task for the customer, and the event log agrees.
    const all = await listFor(admin, `?customerId=${c}`);
    expect(all).toHaveLength(1);
    expect(await listFor(otherAm, `?customerId=${c}`)).toEqual([]); // another AM's scope
    const raised = await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE type = 'FollowUpTaskRaised' AND data->>'customerId' = $1`, [c]);
    expect(raised[0].n).toBe(1);

    const callId = await post(relationalCall(c));
    const closed = await eventually(async () => {
      const items = await listFor(am, `?customerId=${c}`);
      return items[0]?.status === 'done' && items[0];
    });
    expect(closed.id).toBe(task.id);
    expect(closed.closedAt).toBeTruthy();
    const completed = await stack.db.ds.query(`SELECT data FROM events WHERE type = 'FollowUpTaskCompleted' AND stream_id = $1`, [`follow-up-${task.id}`]);
    expect(completed).toHaveLength(1);
    expect(completed[0].data).toMatchObject({ automatic: true, completedBy: null });
    expect(callId).toBeTruthy();
    const slots = await stack.db.ds.query(`SELECT * FROM open_follow_ups WHERE customer_id = $1`, [c]);
    expect(slots).toEqual([]);
  });

  it('a renewal within 30 days raises the task one step and its action names the renewal day (read from the customer registry)', async () => {
    const renewal = new Date(Date.now() + 10 * 86_400_000);
    const renewalDate = renewal.toISOString().slice(0, 10);
    const res = await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name: 'Per Hansen', annualValue: 250_000, renewalDate, accountManagerId: am.id });
    expect(res.status).toBe(201);
    await post(chatbotContact(res.body.id));
    const [task] = await eventually(async () => {
      const items = await listFor(am, `?customerId=${res.body.id}&status=open`);
      return items.length > 0 && items;
    });
    // Base high, one step for the value, one for the renewal: urgent whatever the churn risk.
    expect(task.priority).toBe('urgent');
    expect(task.suggestedAction).toContain(`Their renewal is on ${formatDay(Date.parse(`${renewalDate}T00:00:00Z`))}.`);
  });

  it('a more urgent reason joining an open task leads it: the title (rule, reason) and the suggested action say the same thing', async () => {
    const c = await customer('Ola Berg', 10_000);
    for (const m of [30, 20, 10]) await post(chatbotContact(c, minutesAgo(m), `topic ${m}`));
    // Three chatbot contacts: a streak (and perhaps a band drop), both normal priority.
    const streak = await eventually(async () => {
      const [t] = await listFor(am, `?customerId=${c}&status=open`);
      return t?.reasons.some((r: any) => r.rule === 'transactional_streak') && t;
    });
    expect(streak.priority).toBe('normal');
    await post(touchpoint({ customerId: c, channel: 'survey', handledBy: 'automation', occurredAt: minutesAgo(2), survey: { kind: 'nps', score: 2, comment: 'Nobody ever calls back.' } }));
    const task = await eventually(async () => {
      const [t] = await listFor(am, `?customerId=${c}&status=open`);
      return t?.rule === 'detractor_without_human_reply' && t;
    });
    expect(task.id).toBe(streak.id);
    expect(['high', 'urgent']).toContain(task.priority);
    expect(task.reason).toBe(task.reasons.find((r: any) => r.rule === 'detractor_without_human_reply').reason);
    expect(task.suggestedAction).toMatch(/^Call Ola Berg within 48 hours: they answered NPS 2/);
    expect(task.suggestedAction).toContain('the last three contacts were all transactional');
  });

  it('an unassigned customer\'s follow-up goes to an admin; a second transactional touchpoint joins that task as a reason, not as a second task', async () => {
    const c = await customer('Ola Hansen', 500_000, null);
    await post(chatbotContact(c, minutesAgo(30)));
    const [task] = await eventually(async () => {
      const items = await listFor(admin, `?customerId=${c}&status=open`);
      return items.length > 0 && items;
    });
    const admins = await stack.db.ds.query(`SELECT id FROM users WHERE role = 'admin' ORDER BY created_at, id LIMIT 1`);
    expect(task.assigneeId).toBe(admins[0].id);
    const second = await post(chatbotContact(c, minutesAgo(20)));
    // One open follow-up per customer (#22): the repeat contact is a reason of the open task.
    await eventually(async () => (await stack.db.ds.query(`SELECT 1 FROM follow_ups WHERE id = $1 AND reasons @> '[{"rule":"repeat_contact"}]'::jsonb`, [task.id])).length > 0);
    const open = await listFor(admin, `?customerId=${c}&status=open`);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ id: task.id, rule: 'high_value_transactional' });
    expect(await stack.db.ds.query(`SELECT 1 FROM follow_ups WHERE customer_id = $1 AND id <> $2`, [c, task.id])).toEqual([]);
    expect(second).toBeTruthy();
  });

  describe('lifecycle', () => {
    let c: string;
    let taskId: string;
    beforeAll(async () => {
      c = await customer('Siri Berg', 300_000);
      await post(chatbotContact(c));
      const [t] = await eventually(async () => {
        const items = await listFor(am, `?customerId=${c}&status=open`);
        return items.length > 0 && items;
      });
      taskId = t.id;
    });

    it('is 404 outside the caller\'s scope, for unknown ids and for ops', async () => {
      expect((await api('POST', `/follow-ups/${taskId}/complete`, otherAm, {})).status).toBe(404);
      expect((await api('POST', `/follow-ups/${randomUUID()}/complete`, am, {})).status).toBe(404);
      expect((await api('POST', `/follow-ups/not-a-uuid/complete`, am, {})).status).toBe(404);
      expect((await api('POST', `/follow-ups/${taskId}/complete`, ops, {})).status).toBe(403);
    });

    it('snooze validates until; snoozing then completing works; completing twice is 409', async () => {
      const bad = await api('POST', `/follow-ups/${taskId}/snooze`, am, { until: '2020-01-01T00:00:00Z' });
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].path).toBe('until');
      const unknown = await api('POST', `/follow-ups/${taskId}/snooze`, am, { until: new Date(Date.now() + 3_600_000).toISOString(), extra: 1 });
      expect(unknown.status).toBe(422);
      const snoozed = await api('POST', `/follow-ups/${taskId}/snooze`, am, { until: new Date(Date.now() + 3_600_000).toISOString() });
      expect(snoozed.status).toBe(200);
      expect(snoozed.body).toMatchObject({ id: taskId, status: 'snoozed' });
      const done = await api('POST', `/follow-ups/${taskId}/complete`, lead, { note: 'Called her, refund sorted.' });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ id: taskId, status: 'done', note: 'Called her, refund sorted.' });
      const again = await api('POST', `/follow-ups/${taskId}/complete`, am, {});
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toMatch(/problem\+json/);
      await eventually(async () => (await listFor(am, `?customerId=${c}&status=done`)).length === 1);
    });

    it('dismiss needs a reason', async () => {
      const c2 = await customer('Per Olsen', 400_000);
      await post(chatbotContact(c2));
      const [t] = await eventually(async () => {
        const items = await listFor(am, `?customerId=${c2}&status=open`);
        return items.length > 0 && items;
      });
      expect((await api('POST', `/follow-ups/${t.id}/dismiss`, am, {})).status).toBe(422);
      const res = await api('POST', `/follow-ups/${t.id}/dismiss`, am, { reason: 'Customer asked for e-mail only.' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('dismissed');
      expect((await api('POST', `/follow-ups/${t.id}/snooze`, am, { until: new Date(Date.now() + 60_000).toISOString() })).status).toBe(409);
    });

    it('the sweep escalates overdue tasks once and reopens snoozed ones whose time has come', async () => {
      const c3 = await customer('Liv Dahl', 200_000);
      // A tiny SLA makes the task overdue at once.
      const rules = await api('GET', '/rules', admin);
      const fast = { rules: rules.body.rules.map((r: any) => (r.id === 'high_value_transactional' ? { ...r, slaHours: 0.0001 } : r)), priority: rules.body.priority };
      expect((await api('PUT', '/rules', admin, fast)).status).toBe(200);
      try {
        await post(chatbotContact(c3));
        const [t] = await eventually(async () => {
          const items = await listFor(am, `?customerId=${c3}&status=open`);
          return items.length > 0 && items;
        });
        const service = stack.worker!.get(FollowUpsService);
        await eventually(async () => (await service.sweep()).escalated >= 0 && (await listFor(am, `?customerId=${c3}`))[0]?.escalatedAt);
        await service.sweep();
        const esc = await stack.db.ds.query(`SELECT data FROM events WHERE type = 'FollowUpTaskEscalated' AND stream_id = $1`, [`follow-up-${t.id}`]);
        expect(esc).toHaveLength(1);
        expect(esc[0].data.escalatedTo).toBe(lead.id);

        const until = new Date(Date.now() + 1500).toISOString();
        expect((await api('POST', `/follow-ups/${t.id}/snooze`, am, { until })).status).toBe(200);
        await eventually(async () => (await listFor(am, `?customerId=${c3}`))[0]?.status === 'snoozed');
        await eventually(async () => {
          await service.sweep();
          return (await listFor(am, `?customerId=${c3}`))[0]?.status === 'open';
        });
      } finally {
        expect((await api('PUT', '/rules', admin, { rules: rules.body.rules, priority: rules.body.priority })).status).toBe(200);
      }
    });
  });

  describe('rules', () => {
    it('GET /rules serves every default rule; PUT validates with paths, audits as an event and is admin-only', async () => {
      const res = await api('GET', '/rules', admin);
      expect(res.status).toBe(200);
      expect(res.body.rules.map((r: any) => r.id)).toEqual(expect.arrayContaining([
        'high_value_transactional', 'transactional_streak', 'automation_without_relational', 'unanswered_inbound',
        'detractor_without_human_reply', 'return_automation_only', 'repeat_contact', 'health_band_drop',
      ]));
      const bad = await api('PUT', '/rules', admin, { rules: [{ id: 'transactional_streak', params: { count: 1 } }, { id: 'nope' }], priority: { highChurnProbability: 3 } });
      expect(bad.status).toBe(422);
      expect(bad.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['rules[0].params.count', 'rules[1].id', 'priority.highChurnProbability']));
      expect((await api('PUT', '/rules', am, { rules: [] })).status).toBe(403);
      expect((await api('GET', '/rules', am)).status).toBe(403);

      const before = (await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = 'rules'`))[0].n;
      const changed = res.body.rules.map((r: any) => (r.id === 'repeat_contact' ? { ...r, params: { ...r.params, windowDays: 5 } } : r));
      const put = await api('PUT', '/rules', admin, { rules: changed, priority: res.body.priority });
      expect(put.status).toBe(200);
      expect(put.body.version).toBeGreaterThan(res.body.version);
      const after = await stack.db.ds.query(`SELECT type, data, metadata FROM events WHERE stream_id = 'rules' ORDER BY stream_version`);
      expect(after).toHaveLength(before + 1);
      expect(after[after.length - 1]).toMatchObject({ type: 'FollowUpRulesChanged', metadata: { actorId: admin.id } });
      expect((await api('GET', '/rules', admin)).body.rules.find((r: any) => r.id === 'repeat_contact').params.windowDays).toBe(5);
    });
  });

  it('a job that can never succeed fails without retries into the job dead letters, visible to ops', async () => {
    const { queue, close } = await testQueue(stack.config, QUEUES.followUps);
    const jobId = randomUUID();
    try {
      await queue.add('evaluate-event', { eventId: jobId, customerId: randomUUID(), type: 'TouchpointRecorded', streamVersion: 1 }, { jobId, attempts: 5 });
      const row = await eventually(async () => (await stack.db.ds.query(`SELECT * FROM job_dead_letters WHERE job_id = $1`, [jobId]))[0]);
      expect(row).toMatchObject({ queue: 'follow-ups', job_name: 'evaluate-event', unrecoverable: true, attempts: 1 });
      const res = await api('GET', '/ops/job-dead-letters?queue=follow-ups', ops);
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: any) => i.jobId)).toContain(jobId);
      expect((await api('GET', '/ops/job-dead-letters', am)).status).toBe(403);
    } finally {
      await close();
    }
  });
});
