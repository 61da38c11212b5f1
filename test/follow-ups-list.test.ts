import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { call, createUser, minutesAgo, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';
import { eventually, startStack, type Stack } from './support/stack.js';

jest.setTimeout(120_000);

/** A transactional chatbot contact about a return: a template, no person. */
const chatbotContact = (customerId: string, at: string) =>
  touchpoint({
    customerId, channel: 'chatbot', handledBy: 'automation', occurredAt: at, topic: 'return',
    transcript: [{ speaker: 'customer', text: 'Where is my refund for the return?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
  });

const RANK: Record<string, number> = { open: 0, snoozed: 1 };
const rankOf = (status: string) => RANK[status] ?? 2;
/** The list's documented order: open, snoozed, closed; then due date; then id. */
const byListOrder = (a: any, b: any) => rankOf(a.status) - rankOf(b.status) || Date.parse(a.dueAt) - Date.parse(b.dueAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('GET /follow-ups: pages, filters, scope and totals (#22, real stack)', () => {
  let stack: Stack;
  let admin: TestUser;
  let lead: TestUser;
  let otherLead: TestUser;
  let a1: TestUser;
  let a2: TestUser;
  let b: TestUser;
  // customer id → account manager
  const owner = new Map<string, TestUser>();
  const tasks = new Map<string, any>(); // customer id → its open task
  let snoozedTask: any;
  let doneTask: any;
  let multiReasonCustomer: string;
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });

  /** Every page of a query, following nextCursor; the pages' totals must agree. */
  async function walk(user: TestUser, query: string, limit: number): Promise<{ items: any[]; pages: number; total: number; overdue: number }> {
    const items: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let total = -1;
    let overdue: number;
    do {
      const res = await api('GET', `/follow-ups?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, user);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      if (total >= 0) expect(res.body.total).toBe(total);
      total = res.body.total;
      overdue = res.body.overdue;
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
      expect(pages).toBeLessThan(100);
    } while (cursor);
    return { items, pages, total, overdue };
  }

  beforeAll(async () => {
    stack = await startStack();
    admin = await createUser(stack.db.ds, 'admin');
    lead = await createUser(stack.db.ds, 'team_lead');
    otherLead = await createUser(stack.db.ds, 'team_lead');
    a1 = await createUser(stack.db.ds, 'account_manager', lead.id);
    a2 = await createUser(stack.db.ds, 'account_manager', lead.id);
    b = await createUser(stack.db.ds, 'account_manager', otherLead.id);

    // Nine high-value customers, one transactional chatbot contact each.
    const same = minutesAgo(20);
    const plan: [TestUser, string][] = [
      [a1, same], [a1, same], [a1, same], [a1, minutesAgo(40)],
      [a2, same], [a2, same], [a2, minutesAgo(30)],
      [b, same], [b, minutesAgo(50)],
    ];
    for (const [am, at] of plan) {
      const c = await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name: `Customer ${owner.size + 1}`, annualValue: 400_000, accountManagerId: am.id });
      expect(c.status).toBe(201);
      owner.set(c.body.id, am);
      expect((await api('POST', '/touchpoints', admin, chatbotContact(c.body.id, at))).status).toBe(201);
    }
    // One of a1's customers gets two more: a streak joins the task as another reason.
    multiReasonCustomer = [...owner].find(([, am]) => am === a1)![0];
    for (const m of [15, 10]) expect((await api('POST', '/touchpoints', admin, chatbotContact(multiReasonCustomer, minutesAgo(m)))).status).toBe(201);

    await eventually(async () => {
      const res = await api('GET', '/follow-ups?status=open&limit=1000', admin);
      if (res.status !== 200) return false;
      const mine = res.body.items.filter((t: any) => owner.has(t.customerId));
      const multi = mine.find((t: any) => t.customerId === multiReasonCustomer);
      if (mine.length !== owner.size || !multi || multi.reasons.length < 2) return false;
      for (const t of mine) tasks.set(t.customerId, t);
      return true;
    }, 90_000, 200);

    // One of a1's snoozed, one of a2's completed: three statuses in the list.
    const a1Other = [...owner].filter(([c, am]) => am === a1 && c !== multiReasonCustomer)[0][0];
    const a2First = [...owner].find(([, am]) => am === a2)![0];
    const until = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const snoozed = await api('POST', `/follow-ups/${tasks.get(a1Other).id}/snooze`, a1, { until });
    expect(snoozed.status).toBe(200);
    snoozedTask = snoozed.body;
    const done = await api('POST', `/follow-ups/${tasks.get(a2First).id}/complete`, a2, { note: 'Called her.' });
    expect(done.status).toBe(200);
    doneTask = done.body;
    await eventually(async () => {
      const s = await api('GET', '/follow-ups?status=snoozed', admin);
      const d = await api('GET', '/follow-ups?status=done', admin);
      return s.body.items.some((t: any) => t.id === snoozedTask.id) && d.body.items.some((t: any) => t.id === doneTask.id);
    }, 30_000, 100);
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('given nine tasks, when an admin walks the list two at a time, then every task comes exactly once, in the documented order, and each page tells the real total', async () => {
    const all = await walk(admin, '', 2);
    const ids = all.items.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(all.total);
    expect(all.total).toBe(owner.size);
    expect(all.pages).toBe(Math.ceil(owner.size / 2));
    expect(new Set(all.items.map((t) => t.customerId))).toEqual(new Set(owner.keys()));
    expect([...all.items].sort(byListOrder).map((t) => t.id)).toEqual(ids);
    // The id breaks ties: a cursor at an item's rank and due time but the lowest id starts at
    // the first item with that rank and due time; with the highest id, at the first after them.
    const keys: string[] = [];
    for (let i = 0; i < ids.length - 1; i++) {
      const page = await api('GET', `/follow-ups?limit=${i + 1}`, admin);
      const [rank, due, id] = JSON.parse(Buffer.from(page.body.nextCursor, 'base64url').toString());
      expect(id).toBe(ids[i]);
      keys.push(JSON.stringify([rank, due]));
    }
    for (const [i, key] of keys.entries()) {
      const [rank, due] = JSON.parse(key);
      const from = async (id: string) => (await api('GET', `/follow-ups?limit=1&cursor=${cursorOf([rank, due, id])}`, admin)).body.items[0]?.id;
      expect(await from('00000000-0000-0000-0000-000000000000')).toBe(ids[keys.indexOf(key)]);
      const after = keys.findIndex((k, j) => j > i && k !== key);
      expect(await from('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe(after === -1 ? ids[ids.length - 1] : ids[after]);
    }
    // Open first, then the snoozed one, then the done one.
    expect(all.items.map((t) => t.status)).toEqual([...Array(owner.size - 2).fill('open'), 'snoozed', 'done']);

    // Another page size walks the same list.
    expect((await walk(admin, '', 4)).items.map((t) => t.id)).toEqual(ids);
    const one = await api('GET', '/follow-ups?limit=1000', admin);
    expect(one.body.items.map((t: any) => t.id)).toEqual(ids);
    expect(one.body.nextCursor).toBeNull();
  });

  it('given a task with several reasons, then the list item carries every reason, the leading one first', async () => {
    const res = await api('GET', `/follow-ups?customerId=${multiReasonCustomer}`, a1);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    const [t] = res.body.items;
    expect(t.reasons.length).toBeGreaterThanOrEqual(2);
    expect(t.reasons[0]).toMatchObject({ rule: t.rule, reason: t.reason });
    expect(t.reasons.map((r: any) => r.rule)).toEqual(expect.arrayContaining(['high_value_transactional', 'transactional_streak']));
    for (const r of t.reasons) {
      expect(Object.keys(r).sort()).toEqual(['at', 'reason', 'rule', 'triggeredBy']);
      expect(r.reason.length).toBeGreaterThan(0);
      expect(Date.parse(r.at)).not.toBeNaN();
      expect(r.triggeredBy.length).toBeGreaterThan(0);
      for (const id of r.triggeredBy) expect(t.triggeredBy).toContain(id);
    }
  });

  it('given the snooze and complete responses, then they carry the reasons too', () => {
    for (const t of [snoozedTask, doneTask]) {
      expect(t.reasons.length).toBeGreaterThanOrEqual(1);
      expect(t.reasons[0]).toMatchObject({ rule: t.rule, reason: t.reason });
      expect(Object.keys(t.reasons[0]).sort()).toEqual(['at', 'reason', 'rule', 'triggeredBy']);
    }
    expect(snoozedTask.status).toBe('snoozed');
    expect(doneTask.status).toBe('done');
  });

  it('given status filters, then open is open only (the snoozed task is not), with the totals to match', async () => {
    const open = await walk(admin, 'status=open', 3);
    expect(open.total).toBe(owner.size - 2);
    expect(open.items.every((t) => t.status === 'open')).toBe(true);
    expect(open.items.map((t) => t.id)).not.toContain(snoozedTask.id);
    // One status pages in the same order as the whole list (due date, then id).
    const whole = (await api('GET', '/follow-ups?limit=1000', admin)).body.items;
    expect(open.items.map((t) => t.id)).toEqual(whole.filter((t: any) => t.status === 'open').map((t: any) => t.id));
    const openByOne = await walk(admin, 'status=open', 1);
    expect(openByOne.items.map((t) => t.id)).toEqual(open.items.map((t) => t.id));
    // Nothing is due yet (the rules give at least a day).
    expect(open.overdue).toBe(0);
    const snoozed = await walk(admin, 'status=snoozed', 3);
    expect(snoozed.items.map((t) => t.id)).toEqual([snoozedTask.id]);
    expect(snoozed.items[0].snoozedUntil).toBe(snoozedTask.snoozedUntil);
    const done = await walk(admin, 'status=done', 3);
    expect(done.items.map((t) => t.id)).toEqual([doneTask.id]);
    expect((await walk(admin, 'status=dismissed', 3)).total).toBe(0);
  });

  it('given roles, then each sees only their reach, filters only narrow it, and a filter outside it answers an empty list', async () => {
    const countOf = (am: TestUser) => [...owner.values()].filter((x) => x === am).length;
    const customersOf = (...ams: TestUser[]) => new Set([...owner].filter(([, am]) => ams.includes(am)).map(([c]) => c));

    const mine = await walk(a1, '', 2);
    expect(mine.total).toBe(countOf(a1));
    expect(new Set(mine.items.map((t) => t.customerId))).toEqual(customersOf(a1));
    const team = await walk(lead, '', 2);
    expect(team.total).toBe(countOf(a1) + countOf(a2));
    expect(new Set(team.items.map((t) => t.customerId))).toEqual(customersOf(a1, a2));
    expect((await walk(otherLead, '', 2)).total).toBe(countOf(b));

    // A team lead filters by one of their account managers.
    const byA2 = await walk(lead, `assigneeId=${a2.id}`, 2);
    expect(byA2.total).toBe(countOf(a2));
    expect(byA2.items.every((t) => t.assigneeId === a2.id)).toBe(true);
    const byA1Open = await walk(lead, `assigneeId=${a1.id}&status=open`, 2);
    expect(byA1Open.total).toBe(countOf(a1) - 1);

    // Outside the reach: empty, total 0 — never someone else's tasks, never a hint they exist.
    const outside = [
      [a1, `assigneeId=${a2.id}`],
      [a1, `customerId=${[...customersOf(a2)][0]}`],
      [lead, `assigneeId=${b.id}`],
      [lead, `customerId=${[...customersOf(b)][0]}`],
      [b, `assigneeId=${a1.id}&status=open`],
      [a1, `assigneeId=${randomUUID()}`],
    ] as const;
    for (const [user, query] of outside) {
      const res = await api('GET', `/follow-ups?${query}`, user);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [], nextCursor: null, total: 0, overdue: 0 });
    }
    // An admin's filter reaches anyone.
    expect((await walk(admin, `assigneeId=${b.id}`, 5)).total).toBe(countOf(b));
    // ops holds no customer data.
    const ops = await createUser(stack.db.ds, 'ops');
    expect((await api('GET', '/follow-ups', ops)).status).toBe(403);
  });

  it('given a cursor from one filter, when used with the same filter, then it continues exactly after the last item', async () => {
    const first = await api('GET', '/follow-ups?status=open&limit=3', admin);
    const rest = await api('GET', `/follow-ups?status=open&limit=100&cursor=${encodeURIComponent(first.body.nextCursor)}`, admin);
    const whole = await api('GET', '/follow-ups?status=open&limit=100', admin);
    expect([...first.body.items, ...rest.body.items].map((t: any) => t.id)).toEqual(whole.body.items.map((t: any) => t.id));
    expect(rest.body.nextCursor).toBeNull();

    // A cursor from the whole list, at the snoozed task, used with one status: the open ones all
    // come before it (nothing left), the done one after it (all of it).
    const all = await api('GET', '/follow-ups?limit=1000', admin);
    const at = all.body.items.findIndex((t: any) => t.id === snoozedTask.id);
    const cursor = (await api('GET', `/follow-ups?limit=${at + 1}`, admin)).body.nextCursor;
    expect((await api('GET', `/follow-ups?status=open&cursor=${encodeURIComponent(cursor)}`, admin)).body).toMatchObject({ items: [], nextCursor: null, total: owner.size - 2 });
    expect((await api('GET', `/follow-ups?status=done&cursor=${encodeURIComponent(cursor)}`, admin)).body.items.map((t: any) => t.id)).toEqual([doneTask.id]);
    expect((await api('GET', `/follow-ups?cursor=${encodeURIComponent(cursor)}`, admin)).body.items.map((t: any) => t.id)).toEqual([doneTask.id]);
  });

  it('given a bad cursor or limit, then 422 problem+json naming the field, never a 500', async () => {
    const good = JSON.parse(Buffer.from((await api('GET', '/follow-ups?limit=1', admin)).body.nextCursor, 'base64url').toString());
    const bad = [
      'not-a-cursor',
      '%%%',
      cursorOf({ rank: 0 }),
      cursorOf([]),
      cursorOf([7, good[1], good[2]]),
      cursorOf(['0', good[1], good[2]]),
      cursorOf([0, 'yesterday', good[2]]),
      cursorOf([0, Number(good[1]), good[2]]),
      cursorOf([0, '999999999999999999', good[2]]),
      cursorOf([0, '-999999999999999999', good[2]]),
      cursorOf([0, good[1], 'not-a-uuid']),
      cursorOf([0, good[1], "'; DROP TABLE follow_ups; --"]),
      'x'.repeat(501),
    ];
    for (const cursor of bad) {
      const res = await api('GET', `/follow-ups?cursor=${encodeURIComponent(cursor)}`, admin);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: any) => e.path)).toContain('cursor');
    }
    for (const limit of ['0', '1001', '-1', 'ten', '2.5']) {
      const res = await api('GET', `/follow-ups?limit=${limit}`, admin);
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: any) => e.path)).toContain('limit');
    }
    for (const [field, value] of [['assigneeId', 'nobody'], ['customerId', '42'], ['status', 'closed']]) {
      const res = await api('GET', `/follow-ups?${field}=${value}`, admin);
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: any) => e.path)).toContain(field);
    }
    // The good cursor still works.
    expect((await api('GET', `/follow-ups?cursor=${encodeURIComponent(cursorOf(good))}`, admin)).status).toBe(200);
  });

  it('given the snoozed task, then the portfolio and the team report do not count it as open', async () => {
    const snoozedCustomer = snoozedTask.customerId;
    const customers = await eventually(async () => {
      const res = await api('GET', '/customers?limit=200', admin);
      const row = res.body.items.find((c: any) => c.id === snoozedCustomer);
      return row && row.openFollowUps === 0 && res.body.items;
    }, 30_000, 100);
    for (const c of customers.filter((x: any) => owner.has(x.id))) {
      const open = c.id === snoozedTask.customerId || c.id === doneTask.customerId ? 0 : 1;
      expect({ id: c.id, open: c.openFollowUps }).toEqual({ id: c.id, open });
    }
    const report = await eventually(async () => {
      const res = await api('GET', '/reports/team', lead);
      const row = res.body.accountManagers?.find((m: any) => m.id === a1.id);
      return row && row.openFollowUps === 3 && res.body;
    }, 30_000, 100);
    const byId = new Map(report.accountManagers.map((m: any) => [m.id, m]));
    expect(byId.get(a1.id)).toMatchObject({ openFollowUps: 3, overdueFollowUps: 0 });
    expect(byId.get(a2.id)).toMatchObject({ openFollowUps: 2, overdueFollowUps: 0 });
    // The lead holds no customer and no task: not a row of zeros among the people they lead.
    expect([...byId.keys()].sort()).toEqual([a1.id, a2.id].sort());
    // And the list agrees with the report.
    expect((await walk(lead, `assigneeId=${a1.id}&status=open`, 2)).total).toBe(3);
  });
});
