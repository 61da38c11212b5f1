import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo, storyOf } from '../scripts/demo.js';
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

// With the worker: the run settles (projections caught up, the scheduled checks run through the ops
// API), reads the bands back and writes the ground truth.
describe('npm run demo (reduced, settled)', () => {
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    stack = await startStack();
    dir = mkdtempSync(join(tmpdir(), 'closeness-demo-'));
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('given a running worker, when the demo settles, then the checks have run, every customer has a band and the ground truth names each story and outcome', async () => {
    const path = join(dir, 'truth.json');
    const result = await runDemo({ baseUrl: stack.baseUrl, adminEmail: 'admin@closeness.test', adminPassword: 'admin-password-1', customers: 8, touchpointsPerCustomer: 20, progress: false, settle: true, groundTruthPath: path });
    expect(result.settled!.checks.map((c) => [c.check, c.state]).sort()).toEqual([['follow-up-sweep', 'completed'], ['silence-check', 'completed']]);
    const confusion = result.settled!.confusion;
    const total = Object.values(confusion).reduce((s, r) => s + r.green + r.yellow + r.red, 0);
    expect(total).toBe(8);
    expect(result.settled!.zeroWithoutChurn).toEqual([]);

    const truth = JSON.parse(readFileSync(path, 'utf8'));
    expect(result.groundTruthPath).toBe(path);
    expect(truth.customers.map((c: any) => c.story)).toEqual(Array.from({ length: 8 }, (_, i) => storyOf(i)));
    // The outcomes in the file are the ones in the log, with the same dates.
    const logged = (await stack.db.ds.query(`SELECT data->>'outcome' AS type, data->>'occurredAt' AS at FROM events WHERE type = 'OutcomeRecorded'`)) as { type: string; at: string }[];
    const filed = truth.customers.flatMap((c: any) => c.outcomes.map((o: any) => ({ type: o.type, at: o.occurredAt })));
    const norm = (xs: { type: string; at: string }[]) => xs.map((x) => `${x.type}@${new Date(x.at).toISOString()}`).sort();
    expect(norm(logged)).toEqual(norm(filed));
    // What time made true was recorded by the checks, not by the demo.
    const facts = Number((await stack.db.ds.query(`SELECT count(*) AS n FROM events WHERE type IN ('InboundMessageWentUnanswered', 'RelationshipWentQuiet')`))[0].n);
    expect(facts).toBeGreaterThan(0);
    for (const c of truth.customers) expect(['green', 'yellow', 'red']).toContain(c.health.band);
  }, 240_000);
});
