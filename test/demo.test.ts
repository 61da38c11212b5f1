import { runDemo } from '../scripts/demo.js';
import { startStack, type Stack } from './support/stack.js';

// A reduced demo run twice against the real API (Postgres + Redis): the second run adds nothing.
describe('npm run demo (reduced)', () => {
  let stack: Stack;
  const options = () => ({
    baseUrl: stack.baseUrl,
    adminEmail: 'admin@closeness.test',
    adminPassword: 'admin-password-1',
    customers: 6,
    touchpointsPerCustomer: 20,
    progress: false,
  });

  // Everything the demo itself writes (the worker's own facts and tasks are not the demo's).
  const counts = async () => {
    const q = async (sql: string) => Number((await stack.db.ds.query(sql))[0].n);
    return {
      users: await q(`SELECT count(*) AS n FROM users`),
      customers: await q(`SELECT count(*) AS n FROM customers`),
      touchpoints: await q(`SELECT count(*) AS n FROM events WHERE type = 'TouchpointRecorded'`),
      customerEvents: await q(`SELECT count(*) AS n FROM events WHERE type IN ('CustomerRegistered', 'AccountManagerAssigned', 'CustomerDetailsChanged')`),
      outcomes: await q(`SELECT count(*) AS n FROM events WHERE type = 'OutcomeRecorded'`),
      userEvents: await q(`SELECT count(*) AS n FROM events WHERE type IN ('UserCreated', 'UserChanged')`),
    };
  };

  beforeAll(async () => {
    stack = await startStack({ worker: false });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  it('given an empty Closeness, when the demo runs twice, then the second run finds everything and duplicates nothing', async () => {
    const first = await runDemo(options());
    const afterFirst = await counts();
    expect(first.customers.created).toBe(6);
    expect(first.users.map((u) => u.role).sort()).toEqual(['account_manager', 'account_manager', 'account_manager', 'account_manager', 'ops', 'team_lead']);
    expect(afterFirst.customers).toBe(6);
    expect(afterFirst.touchpoints).toBe(first.touchpoints.sent + first.webhooks.sent);
    expect(afterFirst.touchpoints).toBeGreaterThan(6 * 10);
    expect(afterFirst.outcomes).toBe(first.outcomes);

    const second = await runDemo(options());
    const afterSecond = await counts();
    expect(second.customers.created).toBe(0);
    expect(second.customers.existing).toBe(6);
    expect(second.touchpoints.accepted).toBe(0);
    expect(second.touchpoints.duplicates).toBe(second.touchpoints.sent);
    expect(second.webhooks.stored).toBe(0);
    expect(second.outcomes).toBe(0);
    expect(afterSecond).toEqual(afterFirst);
  }, 180_000);
});
