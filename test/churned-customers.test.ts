import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { eventually, startStack, type Stack } from './support/stack.js';

/**
 * A customer who has left is certain to have churned, but is no risk an account manager can still
 * act on: the portfolio's "riskiest first" and "lowest health first" put them after every live
 * customer, the item says when they left (`churnedAt`), and a later renewal makes them live again.
 * Real API, worker and Postgres.
 */
jest.setTimeout(180_000);

const stack: Stack = await startStack();
afterAll(async () => {
  await stack.close();
});

async function call(path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack.baseUrl}/api/v1${path}`, { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('customers who have left, in the portfolio', () => {
  const sfx = randomBytes(3).toString('hex');
  let token: string;
  const id: Record<string, string> = {};
  const now = Date.now();
  const day = (d: number) => new Date(now - d * 86_400_000).toISOString();

  /** Every item of a sort, page by page (limit 2, so the pages cross from live to churned). */
  const all = async (sort: string) => {
    const out: { id: string; name: string; churnedAt: string | null; churnRisk: { probability: number } }[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(`/customers?q=${sfx}&sort=${sort}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      expect(res.status).toBe(200);
      out.push(...res.json.items);
      cursor = res.json.nextCursor;
    } while (cursor);
    return out;
  };

  beforeAll(async () => {
    token = (await call('/auth/login', undefined, { email: stack.config.ADMIN_EMAIL, password: stack.config.ADMIN_PASSWORD })).json.token;
    for (const name of ['live-a', 'live-b', 'live-c', 'left-1', 'left-2', 'back']) {
      const res = await call('/customers', token, { externalId: `churn-${sfx}-${name}`, name: `${name} ${sfx}` });
      expect(res.status).toBe(201);
      id[name] = res.json.id;
    }
    const outcome = async (name: string, type: string, occurredAt: string) => expect((await call(`/customers/${id[name]}/outcomes`, token, { type, occurredAt })).status).toBe(201);
    await outcome('left-1', 'churned', day(10));
    await outcome('left-2', 'churned', day(40));
    await outcome('back', 'churned', day(60));
    await outcome('back', 'renewed', day(5));
    // A transactional contact raises live-a's risk (it need not: the order of the live ones is the probability's).
    const tp = await call('/touchpoints', token, { customerId: id['live-a'], channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', occurredAt: day(1), summary: 'Bot answered with a help-centre link.' });
    expect(tp.status).toBeLessThan(300);
    await eventually(async () => (await all('risk')).filter((c) => c.churnedAt !== null).length === 2, 60_000);
  });

  it('sort=risk: live customers by churn probability, then those who have left; pages neither skip nor repeat', async () => {
    const items = await all('risk');
    expect(items.map((c) => c.id).sort()).toEqual(Object.values(id).sort());
    const firstLeft = items.findIndex((c) => c.churnedAt !== null);
    expect(items.slice(firstLeft).map((c) => c.id).sort()).toEqual([id['left-1'], id['left-2']].sort());
    const live = items.slice(0, firstLeft).map((c) => c.churnRisk.probability);
    expect(live).toEqual([...live].sort((a, b) => b - a));
    // Their certainty is still what the churn model says; only the order sets them apart.
    for (const c of items.slice(firstLeft)) expect(c.churnRisk.probability).toBeGreaterThan(Math.max(...live));
  });

  it('sort=health: those who have left come last too', async () => {
    const items = await all('health');
    expect(items.slice(-2).map((c) => c.id).sort()).toEqual([id['left-1'], id['left-2']].sort());
  });

  it('the item and the customer page say when they left; a renewal since makes a customer live again', async () => {
    expect((await call(`/customers/${id['left-1']}`, token)).json.churnedAt).toBe(day(10));
    expect((await all('name')).find((c) => c.id === id['left-2'])!.churnedAt).toBe(day(40));
    expect((await call(`/customers/${id.back}`, token)).json.churnedAt).toBeNull();
    expect((await call(`/customers/${id['live-b']}`, token)).json.churnedAt).toBeNull();
  });
});
