import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { call, createUser, minutesAgo, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';
import { eventually, startStack, type Stack } from './support/stack.js';

jest.setTimeout(90_000);

/** A contact that scoring calls transactional: the chatbot, a template, no person. */
const chatbotContact = (customerId: string, at = minutesAgo(5)) =>
  touchpoint({
    customerId, channel: 'chatbot', handledBy: 'automation', occurredAt: at, topic: 'invoice',
    transcript: [{ speaker: 'customer', text: 'Where is my refund?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
  });

describe('completing a follow-up names a touchpoint of its own customer (#19.9, real stack)', () => {
  let stack: Stack;
  let admin: TestUser;
  let am: TestUser;
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });

  async function customer(name: string): Promise<string> {
    const res = await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name, annualValue: 400_000, accountManagerId: am.id });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  async function post(tp: Record<string, unknown>): Promise<string> {
    const res = await api('POST', '/touchpoints', admin, tp);
    expect(res.status).toBe(201);
    return res.body.eventId;
  }
  async function openTask(customerId: string): Promise<any> {
    return eventually(async () => {
      const res = await api('GET', `/follow-ups?customerId=${customerId}&status=open`, am);
      expect(res.status).toBe(200);
      return res.body.items.length > 0 && res.body.items[0];
    });
  }

  beforeAll(async () => {
    stack = await startStack();
    admin = await createUser(stack.db.ds, 'admin');
    am = await createUser(stack.db.ds, 'account_manager');
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('given another customer\'s touchpoint, when the task is completed with it, then 422 problem+json and nothing is stored', async () => {
    const mine = await customer('Kari Nordmann');
    const theirs = await customer('Ola Hansen');
    await post(chatbotContact(mine));
    const foreign = await post(chatbotContact(theirs));
    const task = await openTask(mine);
    const before = await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1`, [`follow-up-${task.id}`]);

    const res = await api('POST', `/follow-ups/${task.id}/complete`, am, { touchpointId: foreign });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.errors[0].path).toBe('touchpointId');

    const after = await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1`, [`follow-up-${task.id}`]);
    expect(after[0].n).toBe(before[0].n);
    expect(await stack.db.ds.query(`SELECT 1 FROM events WHERE type = 'FollowUpTaskCompleted' AND stream_id = $1`, [`follow-up-${task.id}`])).toEqual([]);
    expect((await openTask(mine)).id).toBe(task.id);
  });

  it('given its own customer\'s touchpoint, when the task is completed with it, then 200 and the completion names it', async () => {
    const mine = await customer('Siri Berg');
    const own = await post(chatbotContact(mine));
    const task = await openTask(mine);
    const res = await api('POST', `/follow-ups/${task.id}/complete`, am, { touchpointId: own });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: task.id, status: 'done' });
    const [completed] = await stack.db.ds.query(`SELECT data FROM events WHERE type = 'FollowUpTaskCompleted' AND stream_id = $1`, [`follow-up-${task.id}`]);
    expect(completed.data).toMatchObject({ touchpointId: own });
  });
});
