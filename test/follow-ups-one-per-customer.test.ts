import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { call, createUser, minutesAgo, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';
import { eventually, startStack, type Stack } from './support/stack.js';

jest.setTimeout(90_000);

/** A transactional chatbot contact about a return: a template, no person. */
const returnContact = (customerId: string, at: string) =>
  touchpoint({
    customerId, channel: 'chatbot', handledBy: 'automation', occurredAt: at, topic: 'return',
    transcript: [{ speaker: 'customer', text: 'Where is my refund for the return?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
  });

describe('one open follow-up per customer (#22, real stack)', () => {
  let stack: Stack;
  let admin: TestUser;
  let am: TestUser;
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });

  beforeAll(async () => {
    stack = await startStack();
    admin = await createUser(stack.db.ds, 'admin');
    am = await createUser(stack.db.ds, 'account_manager');
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('given three transactional contacts about a return for a high-value customer, then exactly one open follow-up holds the reasons; ten duplicates of the last change nothing', async () => {
    const created = await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name: 'Kari Nordmann', annualValue: 500_000, accountManagerId: am.id });
    expect(created.status).toBe(201);
    const c = created.body.id;
    const contacts = [returnContact(c, minutesAgo(90)), returnContact(c, minutesAgo(60)), returnContact(c, minutesAgo(30))];
    for (const tp of contacts) expect((await api('POST', '/touchpoints', admin, tp)).status).toBe(201);

    const reasonsOf = async () => (await stack.db.ds.query(`SELECT id::text, reasons FROM follow_ups WHERE customer_id = $1`, [c])) as { id: string; reasons: { rule: string }[] }[];
    const rows = await eventually(async () => {
      const r = await reasonsOf();
      return r.length === 1 && r[0].reasons.some((x) => x.rule === 'transactional_streak') && r;
    });
    expect(rows).toHaveLength(1);
    // The first contact raised it; the third made the three a streak, which joined as a reason.
    expect(rows[0].reasons.map((x) => x.rule)).toEqual(expect.arrayContaining(['high_value_transactional', 'transactional_streak']));
    const open = await api('GET', `/follow-ups?customerId=${c}&status=open`, am);
    expect(open.body.items).toHaveLength(1);
    expect(open.body.items[0].id).toBe(rows[0].id);

    // Every job of the three contacts done: the task stops changing.
    let settled = await reasonsOf();
    await eventually(async () => {
      await new Promise((r) => setTimeout(r, 1000));
      const now = await reasonsOf();
      const same = JSON.stringify(now) === JSON.stringify(settled);
      settled = now;
      return same;
    });
    const eventsBefore = await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1`, [`follow-up-${rows[0].id}`]);
    for (let i = 0; i < 10; i++) expect((await api('POST', '/touchpoints', admin, contacts[2])).status).toBeLessThan(300);
    // Give the worker the duplicates' jobs, if any, then compare: nothing new on the task.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await reasonsOf()).toEqual(settled);
    expect(settled).toHaveLength(1);
    const eventsAfter = await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1`, [`follow-up-${rows[0].id}`]);
    expect(eventsAfter[0].n).toBe(eventsBefore[0].n);
  });
});
