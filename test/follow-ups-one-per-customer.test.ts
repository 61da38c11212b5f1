import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createWorker } from '../apps/worker/src/bootstrap.js';
import { FollowUpsService } from '../apps/worker/src/jobs/follow-ups/follow-ups.service.js';
import { FollowUpsProjection } from '../apps/worker/src/projections/follow-ups.projection.js';
import { EventStore, ProjectionRunner } from '../libs/event-store/src/index.js';
import { appendRaw } from '../libs/event-store/src/testing.js';
import { FollowUpSummaryProjection } from '../libs/read-models/src/index.js';
import { FollowUpReasons1766000000000 } from '../libs/shared/src/database/migrations/1766000000000-follow-up-reasons.js';
import { SilenceService } from '../apps/worker/src/jobs/silence/silence.service.js';
import { QUEUES } from '../libs/queues/src/index.js';
import { call, createUser, minutesAgo, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';
import { testQueue } from './support/env.js';
import { eventually, startStack, type Stack } from './support/stack.js';

jest.setTimeout(90_000);

/** A transactional chatbot contact about a return: a template, no person. */
const returnContact = (customerId: string, at: string) =>
  touchpoint({
    customerId, channel: 'chatbot', handledBy: 'automation', occurredAt: at, topic: 'return',
    transcript: [{ speaker: 'customer', text: 'Where is my refund for the return?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
  });

const DAY = 86_400_000;
/** A touchpoint body with its own id (the idempotency key, and what a reply or a completion names). */
const withId = (overrides: Record<string, unknown>) => ({ ...touchpoint(overrides), id: randomUUID() });
const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();

/** The account manager calls the customer about the return: open questions, acknowledgement, the customer talks most. */
const relationalCall = (customerId: string, agentId: string, at = new Date().toISOString()) =>
  withId({
    customerId, channel: 'phone', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', occurredAt: at, topic: 'return',
    agent: { id: agentId, name: 'Anne' }, resolved: true, durationSeconds: 600, waitSeconds: 0, handoffs: 0,
    transcript: [
      { speaker: 'agent', text: 'Hi Kari, I understand the last return was a hassle. How are things going with the new order?' },
      { speaker: 'customer', text: 'Honestly it has been frustrating, the chatbot kept sending me in circles about the refund and I had to explain everything three times.' },
      { speaker: 'agent', text: 'I am sorry to hear that. What would make this right for you?' },
      { speaker: 'customer', text: 'Just getting the refund sorted and knowing someone actually looks at my case would be great, thank you for calling me.' },
    ],
  });

/** A newsletter: company broadcast by a machine. */
const newsletter = (customerId: string, at: string) =>
  touchpoint({ customerId, channel: 'newsletter', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', occurredAt: at, subject: 'News from us' });

describe('one open follow-up per customer (#22, real stack)', () => {
  let stack: Stack;
  let admin: TestUser;
  let am: TestUser;
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });

  async function customer(name: string, annualValue: number): Promise<string> {
    const res = await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name, annualValue, accountManagerId: am.id });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function post(tp: Record<string, unknown>): Promise<string> {
    const res = await api('POST', '/touchpoints', admin, tp);
    expect(res.status).toBe(201);
    return res.body.eventId;
  }

  /**
   * Waits until the worker has evaluated each event: its job (id = the event id) completed, so
   * the evaluation's transaction committed. Only after this does "nothing was raised" mean anything.
   */
  async function evaluated(eventIds: string[]): Promise<void> {
    const { queue, close } = await testQueue(stack.config, QUEUES.followUps);
    try {
      for (const id of eventIds) await eventually(async () => (await (await queue.getJob(id))?.getState()) === 'completed', 60_000);
    } finally {
      await close();
    }
  }

  /** The customer's follow-up events, from the log (the write side: the truth the read model follows). */
  const taskEvents = async (c: string) =>
    (await stack.db.ds.query(`SELECT event_id::text AS id, stream_id, type, data FROM events WHERE type LIKE 'FollowUp%' AND data->>'customerId' = $1 ORDER BY global_position`, [c])) as {
      id: string; stream_id: string; type: string; data: any;
    }[];

  type Row = { id: string; rule: string; status: string; reasons: { rule: string; triggeredBy: string[] }[]; triggered_by: string[]; completed_automatically: boolean; note: string | null };
  /** The customer's `follow_ups` rows once the projection has applied every event of their tasks. */
  async function tasksOf(c: string): Promise<Row[]> {
    const events = await taskEvents(c);
    const of = (...types: string[]) => events.filter((e) => types.includes(e.type));
    const raised = of('FollowUpTaskRaised');
    // A raise carries one or more reasons; each FollowUpReasonAdded adds one.
    const reasons = raised.reduce((n, e) => n + (e.data.reasons?.length || 1), 0) + of('FollowUpReasonAdded').length;
    const closed = of('FollowUpTaskCompleted', 'FollowUpTaskDismissed').length;
    return eventually(async () => {
      const rows = (await stack.db.ds.query(
        `SELECT id::text, rule, status, reasons, triggered_by::text[] AS triggered_by, completed_automatically, note FROM follow_ups WHERE customer_id = $1 ORDER BY created_at, id`,
        [c],
      )) as Row[];
      const caughtUp = rows.length === raised.length
        && rows.reduce((n, r) => n + r.reasons.length, 0) === reasons
        && rows.filter((r) => r.status === 'done' || r.status === 'dismissed').length === closed;
      return caughtUp && rows;
    });
  }

  /** Three transactional chatbot contacts about a return for a high-value customer, evaluated: one open follow-up. */
  async function returnSituation(name: string): Promise<{ c: string; contacts: string[]; task: Row }> {
    const c = await customer(name, 500_000);
    const contacts: string[] = [];
    for (const m of [90, 60, 30]) contacts.push(await post(returnContact(c, minutesAgo(m))));
    await evaluated(contacts);
    const rows = await tasksOf(c);
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('open');
    return { c, contacts, task: rows[0] };
  }

  beforeAll(async () => {
    stack = await startStack();
    admin = await createUser(stack.db.ds, 'admin');
    am = await createUser(stack.db.ds, 'account_manager');
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('given three transactional contacts about a return for a high-value customer, then exactly one open follow-up holds the reasons; ten duplicates of the last change nothing', async () => {
    const c = await customer('Kari Nordmann', 500_000);
    // Each with its id (the idempotency key): sending one again is a duplicate, not a new contact.
    const contacts = [90, 60, 30].map((m) => ({ ...returnContact(c, minutesAgo(m)), id: randomUUID() }));
    const eventIds: string[] = [];
    for (const tp of contacts) eventIds.push(await post(tp));
    await evaluated(eventIds);

    const rows = await tasksOf(c);
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('open');
    // The five tasks of before (#22) are now the reasons of one, each once, the high-value one leading.
    expect(rows[0].rule).toBe('high_value_transactional');
    expect(rows[0].reasons.map((x) => x.rule).sort()).toEqual(['health_band_drop', 'high_value_transactional', 'repeat_contact', 'return_automation_only', 'transactional_streak']);
    const open = await api('GET', `/follow-ups?customerId=${c}&status=open`, am);
    expect(open.body.items.map((i: any) => i.id)).toEqual([rows[0].id]);

    const streamBefore = await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1`, [`customer-${c}`]);
    const tasksBefore = await taskEvents(c);
    for (let i = 0; i < 10; i++) {
      const again = await api('POST', '/touchpoints', admin, contacts[2]);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ eventId: eventIds[2], duplicate: true });
    }
    // No new event, so no new evaluation: the customer's stream and their follow-ups are as they were.
    expect((await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1`, [`customer-${c}`]))[0].n).toBe(streamBefore[0].n);
    expect(await taskEvents(c)).toEqual(tasksBefore);
    expect(await tasksOf(c)).toEqual(rows);
  });

  it('given an open follow-up about a return, when the account manager calls and the call scores relational, then the follow-up is completed automatically with that call and none is open', async () => {
    const { c, task } = await returnSituation('Kari Lund');
    const call = relationalCall(c, am.id);
    const callEvent = await post(call);
    await evaluated([callEvent]);

    // The call is what the rules call a relational human contact.
    const timeline = await api('GET', `/customers/${c}/timeline?limit=10`, am);
    expect(timeline.body.items.find((i: any) => i.eventId === callEvent).relational.class).toBe('relational');

    const rows = await tasksOf(c);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: task.id, status: 'done', completed_automatically: true, note: 'Closed automatically: a relational contact by a person followed.' });
    const completed = (await taskEvents(c)).filter((e) => e.type === 'FollowUpTaskCompleted');
    expect(completed).toHaveLength(1);
    expect(completed[0].data).toMatchObject({ taskId: task.id, automatic: true, completedBy: null, touchpointId: call.id });
    expect((await api('GET', `/follow-ups?customerId=${c}&status=open`, am)).body.items).toEqual([]);
    const [slot] = await stack.db.ds.query(`SELECT open_task_id, last_closed_at FROM follow_up_customers WHERE customer_id = $1`, [c]);
    expect(slot.open_task_id).toBeNull();
    expect(slot.last_closed_at).not.toBeNull();
  });

  it('given an open follow-up whose reasons include a band drop, when health comes back to the band it dropped from, then that reason leaves the task; the others stay', async () => {
    const { c, task } = await returnSituation('Sigrid Holm');
    const drop = task.reasons.find((r: any) => r.rule === 'health_band_drop') as any;
    expect(drop).toBeDefined();
    // The customer's own praise of the people, through the survey tool (no person answers, so nothing closes the task by itself).
    const praise = (m: number) => touchpoint({
      customerId: c, channel: 'survey', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', occurredAt: minutesAgo(m),
      survey: { kind: 'nps', score: 10, comment: 'Anne in your team always listens, remembers what we talked about and sorts things out for us. Thank you.' },
    });
    const sent: string[] = [];
    for (const m of [25, 20, 15, 10, 5]) sent.push(await post(praise(m)));
    await evaluated(sent);
    const item = await eventually(async () => {
      const res = await api('GET', `/follow-ups?customerId=${c}&status=open`, am);
      const it = res.body.items[0];
      return it && !it.reasons.some((r: any) => r.rule === 'health_band_drop') && it;
    }, 30_000);
    expect(item.id).toBe(task.id);
    expect(item.reasons.map((r: any) => r.rule)).toEqual(expect.arrayContaining(['high_value_transactional', 'transactional_streak']));
    expect((await taskEvents(c)).filter((e) => e.type === 'FollowUpReasonWithdrawn').map((e) => e.data.rule)).toEqual(['health_band_drop']);
  });

  it('given an open follow-up about today\'s return contacts, when a relational call from months ago is imported, then the follow-up stays open: old history answers nothing that came after it', async () => {
    const { c, task } = await returnSituation('Hege Moe');
    const old = await api('POST', '/touchpoints/batch', admin, { touchpoints: [relationalCall(c, am.id, daysAgo(200))] });
    expect(old.status).toBe(201);
    const oldCall = old.body.results[0].eventId;
    await evaluated([oldCall]);
    const timeline = await api('GET', `/customers/${c}/timeline?limit=10`, am);
    expect(timeline.body.items.find((i: any) => i.eventId === oldCall).relational.class).toBe('relational');

    expect((await taskEvents(c)).filter((e) => e.type === 'FollowUpTaskCompleted')).toEqual([]);
    expect((await tasksOf(c)).map((r) => [r.id, r.status])).toEqual([[task.id, 'open']]);
  });

  it('given an open follow-up about two months without a relational contact, when a relational call from inside those two months is recorded late, then the follow-up is closed automatically as no longer true; one from before them changes nothing, one that leaves a shorter silence rewords it', async () => {
    const c = await customer('Siri Lunde', 50_000);
    const first = await api('POST', '/touchpoints/batch', admin, { touchpoints: [relationalCall(c, am.id, daysAgo(60))] });
    expect(first.status).toBe(201);
    const sent = [await post(newsletter(c, minutesAgo(20))), await post(newsletter(c, minutesAgo(10)))];
    await evaluated([first.body.results[0].eventId, ...sent]);
    const [task] = await tasksOf(c);
    expect(task).toEqual(expect.objectContaining({ rule: 'automation_without_relational', status: 'open' }));

    // Before the quiet period: the silence the task is about still holds.
    const before = await api('POST', '/touchpoints/batch', admin, { touchpoints: [relationalCall(c, am.id, daysAgo(100))] });
    await evaluated([before.body.results[0].eventId]);
    expect((await tasksOf(c)).map((r) => [r.id, r.status])).toEqual([[task.id, 'open']]);

    // Inside it, but leaving more than 30 quiet days: the silence is real and began later; the reason says so.
    const midway = await api('POST', '/touchpoints/batch', admin, { touchpoints: [relationalCall(c, am.id, daysAgo(45))] });
    await evaluated([midway.body.results[0].eventId]);
    const revised = await eventually(async () => {
      const res = await api('GET', `/follow-ups?customerId=${c}&status=open`, am);
      const item = res.body.items[0];
      // 45 days before the last newsletter (10 minutes ago) less those minutes: 44 whole days.
      return item?.reasons[0].reason.startsWith('No relational contact for 44 days') && item;
    });
    expect(revised).toEqual(expect.objectContaining({ id: task.id, rule: 'automation_without_relational', reason: revised.reasons[0].reason }));
    expect(revised.reasons).toHaveLength(1);
    expect(revised.suggestedAction).toContain('nobody has had a real conversation with them since');
    expect((await taskEvents(c)).map((e) => e.type)).toEqual(['FollowUpTaskRaised', 'FollowUpReasonRevised']);

    // Inside it (a call logged in the CRM only now): there was no silence of two months.
    const inside = await api('POST', '/touchpoints/batch', admin, { touchpoints: [relationalCall(c, am.id, daysAgo(12))] });
    await evaluated([inside.body.results[0].eventId]);
    expect(await tasksOf(c)).toEqual([
      expect.objectContaining({ id: task.id, status: 'done', completed_automatically: true, note: 'Closed automatically: a relational contact recorded later falls in the quiet period the task was about.' }),
    ]);
    const list = await api('GET', `/follow-ups?customerId=${c}&status=open`, am);
    expect(list.body.items).toEqual([]);
  });

  it('given one follow-up with a silence reason and a streak reason, when a relational call inside the silence is recorded late, then only the silence reason is withdrawn: the task stays open on the others, the next one leading', async () => {
    const c = await customer('Tor Aasen', 50_000);
    const first = await api('POST', '/touchpoints/batch', admin, { touchpoints: [{ ...relationalCall(c, am.id, daysAgo(60)), topic: 'onboarding' }] });
    expect(first.status).toBe(201);
    const sent = [await post(newsletter(c, minutesAgo(50))), await post(newsletter(c, minutesAgo(40)))];
    // The silence raises the task before the chats come (the worker may evaluate one customer's
    // jobs of two concurrent batches in either order; then another reason would lead).
    await evaluated([first.body.results[0].eventId, ...sent]);
    const chats = [];
    for (const m of [30, 20, 10]) chats.push(await post(returnContact(c, minutesAgo(m))));
    await evaluated(chats);
    const [task] = await tasksOf(c);
    expect(task).toEqual(expect.objectContaining({ rule: 'automation_without_relational', status: 'open' }));
    expect(task.reasons.map((r) => r.rule)).toEqual(expect.arrayContaining(['automation_without_relational', 'transactional_streak']));

    // A call twelve days ago, logged only now: there was no silence of two months, but the last three contacts are still the chatbot's.
    const inside = await api('POST', '/touchpoints/batch', admin, { touchpoints: [{ ...relationalCall(c, am.id, daysAgo(12)), topic: 'onboarding' }] });
    await evaluated([inside.body.results[0].eventId]);
    const item = await eventually(async () => {
      const res = await api('GET', `/follow-ups?customerId=${c}&status=open`, am);
      const it = res.body.items[0];
      return it && !it.reasons.some((r: any) => r.rule === 'automation_without_relational') && it;
    });
    expect(item).toEqual(expect.objectContaining({ id: task.id, status: 'open' }));
    expect(item.reasons.map((r: any) => r.rule)).toContain('transactional_streak');
    // The next reason leads: the task's own rule and reason are one of those left.
    expect(item.reason).toBe(item.reasons.find((r: any) => r.rule === item.rule).reason);
    expect(item.suggestedAction).not.toMatch(/relational contact for|real conversation/);
    expect((await taskEvents(c)).map((e) => e.type)).toContain('FollowUpReasonWithdrawn');
    // The same job again changes nothing.
    const { queue, close } = await testQueue(stack.config, QUEUES.followUps);
    try {
      const before = (await taskEvents(c)).length;
      const job = await queue.getJob(inside.body.results[0].eventId);
      await job!.retry('completed').catch(() => undefined);
      await evaluated([inside.body.results[0].eventId]);
      expect((await taskEvents(c)).length).toBe(before);
    } finally {
      await close();
    }
  });

  it('given an open silence task, when the silence check finds the same silence past the next threshold, then the task says how long it has lasted now and is a level more urgent, still one task', async () => {
    const c = await customer('Siri Vik', 50_000);
    const first = await api('POST', '/touchpoints/batch', admin, { touchpoints: [relationalCall(c, am.id, daysAgo(35))] });
    const sent = [await post(newsletter(c, daysAgo(3))), await post(newsletter(c, daysAgo(2)))];
    await evaluated([first.body.results[0].eventId, ...sent]);
    const [task] = await tasksOf(c);
    expect(task).toMatchObject({ rule: 'automation_without_relational', status: 'open' });
    const before = (await api('GET', `/follow-ups?customerId=${c}&status=open`, am)).body.items[0];
    expect(before.reason).toMatch(/^No relational contact for 33 days /);
    expect(before.priority).toBe('normal');

    // A month on, nobody has called: the check records the 60-day step, and the same task reads so.
    const later = new Date(Date.now() + 30 * DAY);
    await stack.worker!.get(SilenceService).runCheck(later);
    const [fact] = await stack.db.ds.query(`SELECT event_id::text AS id, data FROM events WHERE stream_id = $1 AND type = 'RelationshipWentQuiet'`, [`customer-${c}`]);
    expect(fact.data.daysSinceRelational).toBe(65);
    await evaluated([fact.id]);
    const after = await eventually(async () => {
      const items = (await api('GET', `/follow-ups?customerId=${c}&status=open`, am)).body.items;
      return items.length === 1 && items[0].priority === 'high' && items;
    });
    expect(after[0]).toMatchObject({ id: before.id, rule: 'automation_without_relational', priority: 'high', dueAt: before.dueAt });
    expect(after[0].reason).toMatch(/^No relational contact for 65 days \(since /);
    expect(after[0].reasons).toHaveLength(1);
    expect(after[0].reasons[0].triggeredBy).toContain(fact.id);
    expect((await taskEvents(c)).map((e) => e.type)).toEqual(['FollowUpTaskRaised', 'FollowUpReasonRevised']);

    // The same check again finds nothing new: no second revision.
    await stack.worker!.get(SilenceService).runCheck(later);
    expect((await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND type = 'RelationshipWentQuiet'`, [`customer-${c}`]))[0].n).toBe(1);
  });

  it('given one follow-up the system closed (its silence turned out shorter) and one the account manager completed, then the team report\'s median time to complete counts only the second', async () => {
    const am2 = await createUser(stack.db.ds, 'account_manager');
    const mine = async (name: string, annualValue: number) => (await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name, annualValue, accountManagerId: am2.id })).body.id as string;
    const median = async () => ((await api('GET', '/reports/team', admin)).body.accountManagers.find((m: any) => m.id === am2.id)).medianHoursToComplete;

    const quiet = await mine('Tove Dahl', 50_000);
    const first = await api('POST', '/touchpoints/batch', admin, { touchpoints: [relationalCall(quiet, am2.id, daysAgo(60))] });
    const sent = [await post(newsletter(quiet, minutesAgo(20))), await post(newsletter(quiet, minutesAgo(10)))];
    await evaluated([first.body.results[0].eventId, ...sent]);
    const late = await api('POST', '/touchpoints/batch', admin, { touchpoints: [relationalCall(quiet, am2.id, daysAgo(12))] });
    await evaluated([late.body.results[0].eventId]);
    expect(await tasksOf(quiet)).toEqual([expect.objectContaining({ status: 'done', completed_automatically: true })]);
    expect(await median()).toBeNull();

    const returns = await mine('Ulf Dahl', 500_000);
    const contacts: string[] = [];
    for (const m of [90, 60, 30]) contacts.push(await post(returnContact(returns, minutesAgo(m))));
    await evaluated(contacts);
    const [task] = await tasksOf(returns);
    expect((await api('POST', `/follow-ups/${task.id}/complete`, am2, { note: 'Called Ulf about the refund.' })).status).toBe(200);
    expect(await eventually(async () => typeof (await median()) === 'number')).toBe(true);
  });

  it('given a follow-up the account manager completed, when the old evidence is evaluated again or arrives late, then nothing is raised; when the customer gets in touch again, then a new follow-up opens on that new evidence', async () => {
    const { c, contacts, task } = await returnSituation('Siri Dahl');
    const done = await api('POST', `/follow-ups/${task.id}/complete`, am, { note: 'Called her, refund on its way.' });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('done');

    // The same old evidence: the last contact's job run again (a retry after a crash), and a contact from before the completion arriving late.
    const service = stack.worker!.get(FollowUpsService);
    const [last] = await stack.db.ds.query(`SELECT type, stream_version FROM events WHERE event_id = $1`, [contacts[2]]);
    const rerun = await service.evaluateEvent({ eventId: contacts[2], customerId: c, type: last.type, streamVersion: Number(last.stream_version) });
    expect(rerun.raised).toEqual([]);
    expect(rerun.joined).toEqual([]);
    expect(rerun.skipped).toEqual(expect.arrayContaining(['high_value_transactional', 'transactional_streak']));
    const late = await post(returnContact(c, minutesAgo(45)));
    await evaluated([late]);
    expect((await taskEvents(c)).filter((e) => e.type === 'FollowUpTaskRaised')).toHaveLength(1);
    expect(await tasksOf(c)).toEqual([expect.objectContaining({ id: task.id, status: 'done' })]);

    // New evidence: the customer is back in the chatbot about the return after the completion.
    const fresh = await post(returnContact(c, new Date().toISOString()));
    await evaluated([fresh]);
    const rows = await tasksOf(c);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.status)).toEqual(['done', 'open']);
    const next = rows[1];
    expect(next.id).not.toBe(task.id);
    expect(next.rule).toBe('high_value_transactional');
    // Every reason rests on the new contact; none is the old evidence alone.
    for (const r of next.reasons) expect(r.triggeredBy).toContain(fresh);
    expect((await api('GET', `/follow-ups?customerId=${c}&status=open`, am)).body.items.map((i: any) => i.id)).toEqual([next.id]);
  });

  it('given a year of history imported through the batch route, when it is evaluated and the silence check runs, then no follow-up is raised about the past', async () => {
    const c = await customer('Ingrid Berg', 800_000);
    const inboundCall = (d: number, topic: string) => ({ ...relationalCall(c, am.id, daysAgo(d)), direction: 'inbound', initiatedBy: 'customer', topic });
    const history: Record<string, unknown>[] = [
      inboundCall(360, 'return'),
      ...[350, 320, 290, 260, 230, 200, 170, 140, 110, 80, 50, 20].map((d) => newsletter(c, daysAgo(d))),
      // A return handled only by the chatbot, three times: a streak, a repeat contact, a high-value transactional contact.
      ...[200.2, 200.1, 200].map((d) => returnContact(c, daysAgo(d))),
      touchpoint({ customerId: c, channel: 'survey', handledBy: 'automation', occurredAt: daysAgo(120), survey: { kind: 'nps', score: 2, comment: 'Nobody listens.' } }),
      // The customer's e-mail that nobody answered, two months ago.
      touchpoint({ customerId: c, channel: 'email', occurredAt: daysAgo(60), subject: 'Invoice is wrong', topic: 'invoice' }),
      ...[45, 44].map((d) => touchpoint({ customerId: c, channel: 'chatbot', handledBy: 'automation', occurredAt: daysAgo(d), topic: 'invoice' })),
      ...[16.2, 16.1, 16].map((d) => returnContact(c, daysAgo(d))),
      // The last relational contact two weeks ago: today's silence check finds no long silence to
      // report (that would be a fact about today, not about the imported past).
      inboundCall(15, 'new order'),
    ].map((tp) => ({ ...tp, customerId: c }));
    const res = await api('POST', '/touchpoints/batch', admin, { touchpoints: history });
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(history.length);
    await evaluated(res.body.results.map((r: any) => r.eventId));
    const timeline = await api('GET', `/customers/${c}/timeline?limit=100`, am);
    expect(timeline.body.items.find((i: any) => i.eventId === res.body.results[history.length - 1].eventId).relational.class).toBe('relational');

    const silence = await stack.worker!.get(SilenceService).runCheck(new Date());
    expect(silence.unanswered).toBeGreaterThanOrEqual(1);
    const facts = await stack.db.ds.query(`SELECT event_id::text AS id, type FROM events WHERE stream_id = $1 AND type IN ('InboundMessageWentUnanswered', 'RelationshipWentQuiet')`, [`customer-${c}`]);
    // The two-month-old e-mail is a health fact now, recorded and evaluated.
    expect(facts.map((f: any) => f.type)).toContain('InboundMessageWentUnanswered');
    await evaluated(facts.map((f: any) => f.id));

    expect(await taskEvents(c)).toEqual([]);
    expect(await stack.db.ds.query(`SELECT id FROM follow_ups WHERE customer_id = $1`, [c])).toEqual([]);
  });

  it('given an imported e-mail nobody answered two months ago, when today\'s silence check records it and that moves health across a band, then the band change is recorded and no follow-up is raised about the old e-mail', async () => {
    const c = await customer('Marit Holm', 50_000);
    const mail = { ...touchpoint({ customerId: c, channel: 'email', occurredAt: daysAgo(60), subject: 'Invoice is wrong', topic: 'invoice' }), id: randomUUID() };
    const res = await api('POST', '/touchpoints/batch', admin, { touchpoints: [mail, { ...relationalCall(c, am.id, daysAgo(15)), direction: 'inbound', initiatedBy: 'customer', topic: 'new order' }] });
    expect(res.status).toBe(201);
    await evaluated(res.body.results.map((r: any) => r.eventId));

    // The green threshold at the customer's score: the unanswered e-mail's few points take them to yellow.
    const health = await api('GET', `/customers/${c}/health`, am);
    expect(health.status).toBe(200);
    const score: number = health.body.score;
    const config = await api('GET', '/ops/health-config', admin);
    expect((await api('PUT', '/ops/health-config', admin, { overrides: { bands: { green: score, yellow: Math.min(40, score - 10) } } })).status).toBe(200);
    try {
      await stack.worker!.get(SilenceService).runCheck(new Date());
      const [fact] = await stack.db.ds.query(`SELECT event_id::text AS id, data FROM events WHERE stream_id = $1 AND type = 'InboundMessageWentUnanswered'`, [`customer-${c}`]);
      expect(fact.data.touchpointId).toBe(mail.id);
      await evaluated([fact.id]);
      const [band] = await stack.db.ds.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'HealthBandChanged' AND data->>'causedBy' = $2`, [`customer-${c}`, fact.id]);
      expect(band.data).toMatchObject({ from: 'green', to: 'yellow' });
      expect(await taskEvents(c)).toEqual([]);
    } finally {
      expect((await api('PUT', '/ops/health-config', admin, { overrides: config.body.overrides })).status).toBe(200);
    }
  });

  it('given a customer who churned, when newsletters go out after the churn, then no retention follow-up is raised and their open one was closed; the same newsletters raise one for a customer who stayed', async () => {
    const stayed = await customer('Arne Vik', 300_000);
    const left = await customer('Berit Vik', 300_000);
    for (const c of [stayed, left]) {
      // Nobody has spoken with either in two months (imported), then a chatbot contact opened a follow-up.
      const r = await api('POST', '/touchpoints/batch', admin, { touchpoints: [{ ...relationalCall(c, am.id, daysAgo(60)), direction: 'inbound', initiatedBy: 'customer' }] });
      expect(r.status).toBe(201);
      const chat = await post(returnContact(c, minutesAgo(120)));
      await evaluated([r.body.results[0].eventId, chat]);
      expect((await tasksOf(c)).map((t) => t.status)).toEqual(['open']);
    }
    const churn = await api('POST', `/customers/${left}/outcomes`, admin, { type: 'churned', occurredAt: minutesAgo(60) });
    expect(churn.status).toBe(201);
    const [outcome] = await stack.db.ds.query(`SELECT event_id::text AS id FROM events WHERE stream_id = $1 AND type = 'OutcomeRecorded'`, [`customer-${left}`]);
    await evaluated([outcome.id]);
    const closed = await tasksOf(left);
    expect(closed).toEqual([expect.objectContaining({ status: 'done', completed_automatically: true, note: 'Closed automatically: the customer has left.' })]);
    const atChurn = await taskEvents(left);
    expect(atChurn.map((e) => e.type)).toEqual(['FollowUpTaskRaised', 'FollowUpTaskCompleted']);

    // Sent after the churn was known (and its follow-up closed): evidence newer than the closing.
    const sent: string[] = [];
    for (const c of [stayed, left]) for (let i = 0; i < 2; i++) sent.push(await post(newsletter(c, new Date().toISOString())));
    await evaluated(sent);

    const kept = await tasksOf(stayed);
    expect(kept).toHaveLength(1);
    expect(kept[0].reasons.map((r) => r.rule)).toContain('automation_without_relational');
    const gone = await tasksOf(left);
    expect(gone).toEqual([expect.objectContaining({ id: closed[0].id, status: 'done' })]);
    expect(gone[0].reasons).toEqual(closed[0].reasons);
    // Not a reason joined, not a task raised: the log of the customer's follow-ups is as it was at the churn.
    expect(await taskEvents(left)).toEqual(atChurn);
  });

  it('given a customer who churned and then renewed, when a transactional contact follows, then retention follow-ups apply again; while churned the same contact raised none', async () => {
    const c = await customer('Eva Lund', 300_000);
    const outcome = async (type: string, at: string) => {
      expect((await api('POST', `/customers/${c}/outcomes`, admin, { type, occurredAt: at })).status).toBe(201);
      const rows = await stack.db.ds.query(`SELECT event_id::text AS id FROM events WHERE stream_id = $1 AND type = 'OutcomeRecorded' ORDER BY global_position DESC LIMIT 1`, [`customer-${c}`]);
      await evaluated([rows[0].id]);
    };
    await outcome('churned', minutesAgo(120));
    const whileGone = await post(returnContact(c, minutesAgo(60)));
    await evaluated([whileGone]);
    expect(await taskEvents(c)).toEqual([]);

    await outcome('renewed', minutesAgo(30));
    const back = await post(returnContact(c, new Date().toISOString()));
    await evaluated([back]);
    const rows = await tasksOf(c);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'open', rule: 'high_value_transactional' });
    for (const r of rows[0].reasons) expect(r.triggeredBy).toContain(back);
  });

  it('given an inbound e-mail and the account manager\'s reply (and the customer\'s thanks in that thread), then there is no repeat contact; when the customer writes again about it, then repeat_contact counts their two messages only', async () => {
    const c = await customer('Ola Strand', 20_000);
    const question = withId({ customerId: c, channel: 'email', occurredAt: minutesAgo(180), subject: 'Invoice', topic: 'invoice', summary: 'The invoice has the wrong address.' });
    const reply = withId({
      customerId: c, channel: 'email', direction: 'outbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: minutesAgo(120), subject: 'Re: Invoice', topic: 'invoice',
      replyToId: question.id, agent: { id: am.id }, summary: 'Sorry about that, Ola: I have corrected the address and sent a new invoice.',
    });
    const thanks = withId({ customerId: c, channel: 'email', occurredAt: minutesAgo(90), subject: 'Re: Invoice', topic: 'invoice', replyToId: reply.id, summary: 'Thank you!' });
    const thread = [await post(question), await post(reply), await post(thanks)];
    await evaluated(thread);
    expect(await taskEvents(c)).toEqual([]);

    const again = withId({ customerId: c, channel: 'email', occurredAt: minutesAgo(5), subject: 'Invoice again', topic: 'invoice', summary: 'The new invoice is wrong too.' });
    const againEvent = await post(again);
    await evaluated([againEvent]);
    const rows = await tasksOf(c);
    expect(rows).toHaveLength(1);
    // The second message also moved health across a band (a rule of its own, joined as a reason).
    expect(rows[0].reasons.map((r) => r.rule)).toEqual(['repeat_contact', 'health_band_drop']);
    expect([...rows[0].reasons[0].triggeredBy].sort()).toEqual([thread[0], againEvent].sort());
    expect(rows[0].reasons[1].triggeredBy).toEqual([againEvent]);
    const [item] = (await api('GET', `/follow-ups?customerId=${c}`, am)).body.items;
    expect(item.reason).toBe('The customer contacted you twice about "invoice" within 1 day.');
  });
});

describe('upgrade in place: several open follow-ups per customer, as the version before #22 left them (real stack)', () => {
  let stack: Stack;
  let worker: INestApplicationContext | undefined;
  let admin: TestUser;
  let am: TestUser;
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });

  beforeAll(async () => {
    // No worker yet: the database is first brought to what the old version left behind.
    stack = await startStack({ worker: false });
    admin = await createUser(stack.db.ds, 'admin');
    am = await createUser(stack.db.ds, 'account_manager');
  }, 90_000);
  afterAll(async () => {
    await worker?.close().catch(() => undefined);
    await stack?.close();
  });

  /** Both follow-up read models, every row but its write time. */
  const readModels = async () => ({
    followUps: (await stack.db.ds.query(`SELECT * FROM follow_ups ORDER BY id`)).map(({ updated_at: _, ...r }: any) => r),
    summary: await stack.db.ds.query(`SELECT * FROM customer_follow_up_summary ORDER BY task_id`),
  });
  const followUpProjections = () => new ProjectionRunner(stack.db.ds, new EventStore(stack.db.ds), [new FollowUpsProjection(), new FollowUpSummaryProjection()]);
  const newCustomer = async (name: string) => (await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name, annualValue: 500_000, accountManagerId: am.id })).body.id as string;

  /** An old raise: one task per (customer, rule), no `reasons` in the event; `at` days ago, due two days later. */
  async function raise(customerId: string, rule: string, priority: string, at: number, triggeredBy: string[]): Promise<string> {
    const taskId = randomUUID();
    await appendRaw(new EventStore(stack.db.ds), `follow-up-${taskId}`, [{
      id: randomUUID(), type: 'FollowUpTaskRaised',
      data: { taskId, customerId, rule, reason: `Old reason for ${rule}.`, suggestedAction: `Call them about ${rule}.`, priority, dueAt: daysAgo(at - 2), triggeredBy, assigneeId: am.id, raisedAt: daysAgo(at) },
      metadata: { correlationId: triggeredBy[0] ?? taskId, causationId: triggeredBy[0] ?? taskId, actorId: 'worker:follow-ups' },
    }]);
    return taskId;
  }

  it('given a customer with three open follow-ups (one per rule, one escalated) and their per-rule slots, when the worker starts, then they are merged into the oldest through events, with every reason and the escalated priority; a second start changes nothing; a rebuild of the read models from the log gives the same rows', async () => {
    const store = new EventStore(stack.db.ds);
    const c = await newCustomer('Kari Nordmann');
    const untouched = await newCustomer('Ola Nordmann');
    const contacts: string[] = [];
    for (const d of [21.2, 21.1, 21]) {
      const res = await api('POST', '/touchpoints', admin, returnContact(c, daysAgo(d)));
      expect(res.status).toBe(201);
      contacts.push(res.body.eventId);
    }

    const done = await raise(c, 'repeat_contact', 'normal', 40, []);
    await appendRaw(store, `follow-up-${done}`, [{ id: randomUUID(), type: 'FollowUpTaskCompleted', data: { taskId: done, customerId: c, completedBy: am.id, completedAt: daysAgo(35), automatic: false, note: 'Sorted.' }, metadata: { correlationId: done, actorId: am.id } }]);
    const oldest = await raise(c, 'high_value_transactional', 'high', 21, [contacts[0]]);
    const second = await raise(c, 'return_automation_only', 'normal', 20.9, contacts.slice(0, 2));
    const third = await raise(c, 'transactional_streak', 'normal', 20.8, contacts);
    // Raised a day ago, due tomorrow: nothing for the sweep to escalate.
    const alone = await raise(untouched, 'detractor_without_human_reply', 'high', 1, []);
    // The old sweep escalated the oldest: overdue for weeks.
    await appendRaw(store, `follow-up-${oldest}`, [{ id: randomUUID(), type: 'FollowUpTaskEscalated', data: { taskId: oldest, customerId: c, priority: 'urgent', escalatedTo: admin.id, escalatedAt: daysAgo(18) }, metadata: { correlationId: oldest, actorId: 'worker:sweep' } }]);
    const open = [
      { customerId: c, rule: 'high_value_transactional', taskId: oldest, at: 21 },
      { customerId: c, rule: 'return_automation_only', taskId: second, at: 20.9 },
      { customerId: c, rule: 'transactional_streak', taskId: third, at: 20.8 },
      { customerId: untouched, rule: 'detractor_without_human_reply', taskId: alone, at: 1 },
    ];

    // The old version's projection ran; then its schema: no reasons, the per-rule slots; then the real migration.
    await followUpProjections().drain(60_000);
    const migration = new FollowUpReasons1766000000000();
    const qr = stack.db.ds.createQueryRunner();
    try {
      await migration.down(qr);
      for (const o of open) await qr.query(`INSERT INTO open_follow_ups (customer_id, rule, task_id, raised_at) VALUES ($1, $2, $3, $4)`, [o.customerId, o.rule, o.taskId, daysAgo(o.at)]);
      await migration.up(qr);
    } finally {
      await qr.release();
    }
    expect((await stack.db.ds.query(`SELECT count(*)::int AS n FROM follow_ups WHERE customer_id = $1 AND status = 'open'`, [c]))[0].n).toBe(3);
    const rowsBefore = (await stack.db.ds.query(`SELECT id::text, updated_at FROM follow_ups ORDER BY id`)) as { id: string; updated_at: Date }[];

    worker = await createWorker(stack.config);
    const service = worker.get(FollowUpsService);
    const eventsOf = async (taskId: string) => (await stack.db.ds.query(`SELECT type, data FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`follow-up-${taskId}`])) as { type: string; data: any }[];
    await eventually(async () => (await stack.db.ds.query(`SELECT 1 FROM open_follow_ups`)).length === 0 && (await eventsOf(third)).some((e) => e.type === 'FollowUpTaskCompleted'), 60_000);

    // Through events: the others' reasons joined the oldest, each of them completed as merged into it.
    const survivorEvents = await eventsOf(oldest);
    expect(survivorEvents.map((e) => e.type)).toEqual(['FollowUpTaskRaised', 'FollowUpTaskEscalated', 'FollowUpReasonAdded', 'FollowUpReasonAdded']);
    expect(survivorEvents.slice(2).map((e) => [e.data.reason.rule, e.data.mergedFrom])).toEqual([['return_automation_only', second], ['transactional_streak', third]]);
    for (const t of [second, third]) {
      const ev = await eventsOf(t);
      expect(ev.map((e) => e.type)).toEqual(['FollowUpTaskRaised', 'FollowUpTaskCompleted']);
      expect(ev[1].data).toMatchObject({ automatic: true, completedBy: null, mergedInto: oldest });
    }
    expect((await eventsOf(done)).map((e) => e.type)).toEqual(['FollowUpTaskRaised', 'FollowUpTaskCompleted']);
    expect((await eventsOf(alone)).map((e) => e.type)).toEqual(['FollowUpTaskRaised']);

    // The read model follows the events: one open task with every reason, still escalated.
    const merged = await eventually(async () => {
      const rows = await stack.db.ds.query(`SELECT id::text, status, priority, reasons, rule FROM follow_ups WHERE customer_id = $1 ORDER BY created_at`, [c]);
      return rows.filter((r: any) => r.status === 'done').length === 3 && rows.find((r: any) => r.id === oldest).reasons.length === 3 && rows;
    }, 60_000);
    expect(merged.map((r: any) => [r.id, r.status])).toEqual([[done, 'done'], [oldest, 'open'], [second, 'done'], [third, 'done']]);
    const survivor = merged.find((r: any) => r.id === oldest);
    expect(survivor.reasons.map((r: any) => r.rule)).toEqual(['high_value_transactional', 'return_automation_only', 'transactional_streak']);
    expect(survivor).toMatchObject({ rule: 'high_value_transactional', priority: 'urgent' });
    const listed = await api('GET', `/follow-ups?customerId=${c}&status=open`, admin);
    expect(listed.body.items.map((i: any) => [i.id, i.priority, i.reasons.map((r: any) => r.rule)])).toEqual([[oldest, 'urgent', ['high_value_transactional', 'return_automation_only', 'transactional_streak']]]);
    const slots = await stack.db.ds.query(`SELECT customer_id::text AS c, open_task_id::text AS t, last_closed_at FROM follow_up_customers ORDER BY customer_id`);
    expect(slots).toEqual(expect.arrayContaining([{ c, t: oldest, last_closed_at: null }, { c: untouched, t: alone, last_closed_at: null }]));
    // Not by editing rows: the other customer's task was never written again.
    const aloneRow = await stack.db.ds.query(`SELECT updated_at FROM follow_ups WHERE id = $1`, [alone]);
    expect(aloneRow[0].updated_at).toEqual(rowsBefore.find((r) => r.id === alone)!.updated_at);

    // The worker's own evaluations of the old contacts are done too (weeks old: no new reason).
    await evaluatedOn(stack, contacts);

    // Every start runs the merge: the second finds nothing to do and writes nothing.
    const eventCount = async () => (await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'follow-up-%'`))[0].n;
    const before = await eventCount();
    expect(await service.mergeOpenTasks()).toEqual({ customers: 0, merged: 0, failed: 0 });
    await worker.close();
    worker = await createWorker(stack.config);
    expect(await worker.get(FollowUpsService).mergeOpenTasks()).toEqual({ customers: 0, merged: 0, failed: 0 });
    expect(await eventCount()).toBe(before);
    await worker.close();
    worker = undefined;

    // The rows as they came about (the old rows, the migration, then each event applied on top),
    // caught up from the worker's checkpoints; a rebuild from the log gives the same.
    const runner = followUpProjections();
    await runner.drain(60_000);
    const incremental = await readModels();
    expect(incremental.followUps.filter((r: any) => r.status === 'open').map((r: any) => r.id).sort()).toEqual([oldest, alone].sort());
    await runner.rebuild('follow-ups');
    await runner.rebuild('customer-follow-ups');
    expect(await readModels()).toEqual(incremental);
  });

  it('given two customers with old open follow-ups, when merging one of them fails at start-up, then the other is merged all the same and the failed one is merged at the next start', async () => {
    const ids = [await newCustomer('Per Lie'), await newCustomer('Pia Lie')].sort();
    const tasks = new Map<string, string[]>();
    for (const c of ids) tasks.set(c, [await raise(c, 'high_value_transactional', 'high', 2, []), await raise(c, 'transactional_streak', 'normal', 1.5, [])]);
    await followUpProjections().drain(60_000);
    // As the migration leaves it: the per-rule slots, and the oldest open task in the customer's slot.
    for (const [c, [oldest, other]] of tasks) {
      await stack.db.ds.query(`INSERT INTO open_follow_ups (customer_id, rule, task_id, raised_at) VALUES ($1, 'high_value_transactional', $2, $4), ($1, 'transactional_streak', $3, $5)`, [c, oldest, other, daysAgo(2), daysAgo(1.5)]);
      await stack.db.ds.query(`INSERT INTO follow_up_customers (customer_id, open_task_id) VALUES ($1, $2)`, [c, oldest]);
    }
    // The first customer in the merge's order cannot be written (a fault in the database for its survivor's stream).
    const [failing, other] = ids;
    await stack.db.ds.query(`CREATE FUNCTION refuse_merge() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
    await stack.db.ds.query(`CREATE TRIGGER refuse_merge BEFORE INSERT ON events FOR EACH ROW WHEN (NEW.stream_id = 'follow-up-${tasks.get(failing)![0]}') EXECUTE FUNCTION refuse_merge()`);
    const open = async (c: string) => (await stack.db.ds.query(`SELECT task_id::text AS t FROM open_follow_ups WHERE customer_id = $1 ORDER BY raised_at`, [c])).map((r: any) => r.t);
    const completed = async (taskId: string) => (await stack.db.ds.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'FollowUpTaskCompleted'`, [`follow-up-${taskId}`])).map((r: any) => r.data.mergedInto);
    try {
      worker = await createWorker(stack.config);
      // Start-up has merged (it runs before the worker is up): the other customer is done, the failing one untouched.
      expect(await open(other)).toEqual([]);
      expect(await completed(tasks.get(other)![1])).toEqual([tasks.get(other)![0]]);
      expect(await open(failing)).toEqual(tasks.get(failing));
      expect(await completed(tasks.get(failing)![1])).toEqual([]);
    } finally {
      await stack.db.ds.query(`DROP TRIGGER refuse_merge ON events`);
      await stack.db.ds.query(`DROP FUNCTION refuse_merge()`);
    }
    await worker.close();
    worker = await createWorker(stack.config);
    expect(await open(failing)).toEqual([]);
    expect(await completed(tasks.get(failing)![1])).toEqual([tasks.get(failing)![0]]);
    await worker.close();
    worker = undefined;
  });
});

/** The stack's follow-up evaluations of these events have completed (job id = event id). */
async function evaluatedOn(stack: Stack, eventIds: string[]): Promise<void> {
  const { queue, close } = await testQueue(stack.config, QUEUES.followUps);
  try {
    for (const id of eventIds) await eventually(async () => (await (await queue.getJob(id))?.getState()) === 'completed', 60_000);
  } finally {
    await close();
  }
}
