import { jest } from '@jest/globals';
import { UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { runTaskCommand } from '../apps/worker/src/jobs/follow-ups/follow-up.store.js';
import { FollowUpsService } from '../apps/worker/src/jobs/follow-ups/follow-ups.service.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { customerStream } from '../libs/relationship/src/index.js';
import { SystemClock } from '../libs/shared/src/clock.js';
import { freshDatabase } from './support/env.js';
import { appendRaw } from '../libs/event-store/src/testing.js';

/**
 * Batched evaluation (the worker evaluates the jobs it holds at once in one transaction): every
 * item gets the outcome it would get alone, a bad item fails alone, a re-run raises nothing.
 */
jest.setTimeout(60_000);

describe('follow-up evaluation in batches (Postgres)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: EventStore;
  let service: FollowUpsService;
  let amId: string;

  beforeAll(async () => {
    db = await freshDatabase();
    store = new EventStore(db.ds);
    service = new FollowUpsService(db.ds, store, new SystemClock());
    amId = randomUUID();
    await db.ds.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, $2, 'AM', 'account_manager', 'x')`, [amId, `am-${amId}@x.test`]);
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** A customer worth 500k with `n` transactional chatbot contacts; returns the job payloads. */
  async function customerWithChatbotContacts(n: number) {
    const customerId = randomUUID();
    await db.ds.query(`INSERT INTO customers (id, external_id, name, account_manager_id, annual_value, version) VALUES ($1, $2, 'Kari Nordmann', $3, 500000, 1)`, [customerId, `ext-${customerId}`, amId]);
    await appendRaw(store, customerStream(customerId), [{ id: randomUUID(), type: 'CustomerRegistered', data: { customerId, externalId: `ext-${customerId}`, name: 'Kari Nordmann', accountManagerId: amId, annualValue: 500000, createdVia: 'api' } }]);
    const jobs = [];
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      const r = await appendRaw(store, customerStream(customerId), [{
        id, type: 'TouchpointRecorded',
        data: {
          id, customerId, channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', occurredAt: new Date(Date.now() - (n - i) * 60_000).toISOString(), topic: `topic-${i}`,
          transcript: [{ speaker: 'customer', text: 'Where is my invoice?' }, { speaker: 'bot', text: 'Dear customer, this is an automated message.' }],
        },
      }]);
      jobs.push({ eventId: id, customerId, type: 'TouchpointRecorded', streamVersion: r.nextVersion });
    }
    return { customerId, jobs };
  }

  it('given items of several customers and one bad item, when evaluated as one batch, then each gets its own outcome and re-running changes nothing', async () => {
    const a = await customerWithChatbotContacts(3);
    const b = await customerWithChatbotContacts(1);
    const bad = { eventId: randomUUID(), customerId: randomUUID(), type: 'TouchpointRecorded', streamVersion: 1 };
    // Out of stream order on purpose: the batch evaluates each customer's items in stream order.
    const batch = [a.jobs[2], bad, b.jobs[0], a.jobs[0], a.jobs[1]];
    const outcomes = await service.evaluateBatch(batch);

    expect(outcomes[1].ok).toBe(false);
    expect(!outcomes[1].ok && outcomes[1].error).toBeInstanceOf(UnrecoverableError);
    const ok = outcomes.filter((o) => o.ok).map((o) => (o.ok ? o.result : null)!);
    expect(ok).toHaveLength(4);
    // One open task per customer and rule: a's first contact raises it, its later ones find the slot taken.
    const raised = await db.ds.query(
      `SELECT data->>'customerId' AS c, data->>'rule' AS rule, data->'triggeredBy' AS t FROM events WHERE type = 'FollowUpTaskRaised' AND data->>'customerId' = ANY($1::text[])`,
      [[a.customerId, b.customerId]],
    );
    const highValue = raised.filter((r: any) => r.rule === 'high_value_transactional');
    expect(highValue.map((r: any) => r.c).sort()).toEqual([a.customerId, b.customerId].sort());
    expect(highValue.find((r: any) => r.c === a.customerId).t).toEqual([a.jobs[0].eventId]);

    // The same items alone, one by one (a retry after a crash): nothing new.
    const before = (await db.ds.query(`SELECT count(*)::int AS n FROM events`))[0].n;
    for (const job of [a.jobs[0], a.jobs[1], a.jobs[2], b.jobs[0]]) {
      const r = await service.evaluateEvent(job);
      expect(r.raised).toEqual([]);
    }
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM events`))[0].n).toBe(before);
    await expect(service.evaluateEvent(bad)).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('given two batches sharing customers, when they run at the same time, then neither deadlocks and each task is raised once', async () => {
    const cs = await Promise.all(Array.from({ length: 6 }, () => customerWithChatbotContacts(1)));
    const jobs = cs.map((c) => c.jobs[0]);
    const [x, y] = await Promise.all([service.evaluateBatch(jobs), service.evaluateBatch([...jobs].reverse())]);
    expect([...x, ...y].every((o) => o.ok)).toBe(true);
    const raised = await db.ds.query(
      `SELECT data->>'customerId' AS c, count(*)::int AS n FROM events WHERE type = 'FollowUpTaskRaised' AND data->>'rule' = 'high_value_transactional' AND data->>'customerId' = ANY($1::text[]) GROUP BY 1`,
      [cs.map((c) => c.customerId)],
    );
    expect(raised).toHaveLength(6);
    expect(raised.every((r: any) => r.n === 1)).toBe(true);
  });

  it('given a task dismissed since, when its job re-runs in one batch with a later contact, then the later contact still raises its own task', async () => {
    const a = await customerWithChatbotContacts(1);
    const [first] = (await service.evaluateEvent(a.jobs[0])).raised;
    expect(first).toBeDefined();
    const highValue = async () =>
      (await db.ds.query(`SELECT data->>'taskId' AS id FROM events WHERE type = 'FollowUpTaskRaised' AND data->>'customerId' = $1 AND data->>'rule' = 'high_value_transactional'`, [a.customerId])).map((r: any) => r.id);
    const [taskId] = await highValue();
    await store.transaction((tx) => runTaskCommand(store, tx, taskId, { type: 'Dismiss', reason: 'handled by phone', by: amId }, { now: new Date(), eventId: randomUUID(), by: { correlationId: randomUUID(), actorId: amId } }));
    // A later transactional contact, evaluated in the same batch as a re-run of the first one.
    const id = randomUUID();
    const r = await appendRaw(store, customerStream(a.customerId), [{
      id, type: 'TouchpointRecorded',
      data: {
        id, customerId: a.customerId, channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', occurredAt: new Date().toISOString(), topic: 'delivery',
        transcript: [{ speaker: 'customer', text: 'Where is my parcel?' }, { speaker: 'bot', text: 'Dear customer, this is an automated message.' }],
      },
    }]);
    const outcomes = await service.evaluateBatch([a.jobs[0], { eventId: id, customerId: a.customerId, type: 'TouchpointRecorded', streamVersion: r.nextVersion }]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect((await highValue()).sort()).toHaveLength(2);
    // One open follow-up per customer (#22): the customer's slot names the new task.
    const open = await db.ds.query(`SELECT open_task_id::text AS task_id FROM follow_up_customers WHERE customer_id = $1 AND open_task_id IS NOT NULL`, [a.customerId]);
    expect(open).toHaveLength(1);
    expect(open[0].task_id).not.toBe(taskId);
  });

  it('given a transactional contact already answered by a person later in the stream, when its job runs, then no task is raised for it', async () => {
    const a = await customerWithChatbotContacts(1);
    // A personal, two-way call by the account manager, stored before the first job runs.
    const id = randomUUID();
    await appendRaw(store, customerStream(a.customerId), [{
      id, type: 'TouchpointRecorded',
      data: {
        id, customerId: a.customerId, channel: 'phone', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', occurredAt: new Date().toISOString(), topic: 'topic-0', resolved: true,
        transcript: [
          { speaker: 'agent', text: 'Hi Kari, I saw you asked about your invoice. How are things going otherwise?' },
          { speaker: 'customer', text: 'Thanks for calling, that is kind. The invoice is sorted now and the rest is going well.' },
        ],
      },
    }]);
    const r = await service.evaluateEvent(a.jobs[0]);
    expect(r.raised).toEqual([]);
    expect(r.skipped).toContain('high_value_transactional');
    const raised = await db.ds.query(`SELECT 1 FROM events WHERE type = 'FollowUpTaskRaised' AND data->>'customerId' = $1`, [a.customerId]);
    expect(raised).toHaveLength(0);
  });
});
