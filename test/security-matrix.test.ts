import { jest } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { eventually, startStack, type Stack } from './support/stack.js';

/**
 * Object-level authorization (OWASP API1), end to end against the real server, Postgres, Redis and
 * worker: every customer-scoped route × every kind of caller × a customer of team A, a customer of
 * team B and a nonexistent id. Each cell has one expected status, and no response body may carry
 * anything of a customer outside the caller's reach. Denied writes must store nothing.
 *
 * Routes not in the tree yet stay in the table and show up as `it.todo`, never as a pass.
 */
jest.setTimeout(180_000);

type Caller = 'admin' | 'teamLeadA' | 'amOwnA' | 'amSameTeamA' | 'amOtherTeamB' | 'ops';
type Target = 'customerOfA' | 'customerOfB' | 'nonexistent';
const CALLERS: Caller[] = ['admin', 'teamLeadA', 'amOwnA', 'amSameTeamA', 'amOtherTeamB', 'ops'];
const TARGETS: Target[] = ['customerOfA', 'customerOfB', 'nonexistent'];

interface FixtureCustomer {
  id: string;
  name: string;
  externalId: string;
  accountManagerId: string;
}

interface Cell {
  /** The customer (or follow-up task) id put into the path/body. */
  customerId: string;
  taskId?: string;
}

interface RouteCase {
  /** `METHOD /path-template` exactly as Nest registers it (without /api/v1). */
  key: string;
  owner: string;
  /** Needs a follow-up task of the target customer (the id goes into :id). */
  task?: 'complete' | 'dismiss' | 'snooze';
  url: (c: Cell) => string;
  body?: (c: Cell) => unknown;
  ok: number;
  /** The answer for a customer outside the caller's reach (and for a nonexistent one): never data. */
  denied?: number;
  /** A denied cell answers an empty `items` list. */
  deniedEmpty?: boolean;
}

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const touchpoint = (customerId: string) => ({
  id: randomUUID(),
  customerId,
  channel: 'email',
  direction: 'inbound',
  initiatedBy: 'customer',
  handledBy: 'human',
  occurredAt: hourAgo(),
  subject: 'matrix probe',
});

const ROUTES: RouteCase[] = [
  { key: 'GET /customers/:id', owner: 'H6', url: (c) => `/customers/${c.customerId}`, ok: 200 },
  { key: 'GET /customers/:id/timeline', owner: 'H6', url: (c) => `/customers/${c.customerId}/timeline`, ok: 200 },
  { key: 'GET /customers/:id/health', owner: 'H6', url: (c) => `/customers/${c.customerId}/health`, ok: 200 },
  { key: 'GET /customers/:id/health/history', owner: 'H6', url: (c) => `/customers/${c.customerId}/health/history?step=week`, ok: 200 },
  { key: 'PATCH /customers/:id', owner: 'H5', url: (c) => `/customers/${c.customerId}`, body: () => ({ segment: `seg-${randomBytes(3).toString('hex')}` }), ok: 200 },
  { key: 'POST /customers/:id/outcomes', owner: 'H5', url: (c) => `/customers/${c.customerId}/outcomes`, body: () => ({ type: 'renewed', occurredAt: hourAgo() }), ok: 201 },
  { key: 'POST /touchpoints', owner: 'H5', url: () => `/touchpoints`, body: (c) => touchpoint(c.customerId), ok: 201 },
  // All or nothing: an unknown or out-of-reach customerId is a 422 naming the index (the same answer for both).
  { key: 'POST /touchpoints/batch', owner: 'H5', url: () => `/touchpoints/batch`, body: (c) => ({ touchpoints: [touchpoint(c.customerId)] }), ok: 201, denied: 422 },
  // A filter on a collection: a foreign and a nonexistent customerId both give an empty list (no existence oracle, no data).
  { key: 'GET /follow-ups', owner: 'H7', url: (c) => `/follow-ups?customerId=${c.customerId}`, ok: 200, denied: 200, deniedEmpty: true },
  { key: 'POST /follow-ups/:id/complete', owner: 'H7', task: 'complete', url: (c) => `/follow-ups/${c.taskId}/complete`, body: () => ({ note: 'called them' }), ok: 200 },
  { key: 'POST /follow-ups/:id/dismiss', owner: 'H7', task: 'dismiss', url: (c) => `/follow-ups/${c.taskId}/dismiss`, body: () => ({ reason: 'not needed' }), ok: 200 },
  {
    key: 'POST /follow-ups/:id/snooze',
    owner: 'H7',
    task: 'snooze',
    url: (c) => `/follow-ups/${c.taskId}/snooze`,
    body: () => ({ until: new Date(Date.now() + 2 * 86_400_000).toISOString() }),
    ok: 200,
  },
];

function registeredRoutes(stack: Stack): Set<string> {
  const discovery = stack.api.get(DiscoveryService);
  const scanner = stack.api.get(MetadataScanner);
  const out = new Set<string>();
  for (const wrapper of discovery.getControllers()) {
    const type = wrapper.metatype as any;
    if (!type?.prototype) continue;
    for (const name of scanner.getAllMethodNames(type.prototype)) {
      const handler = type.prototype[name];
      const paths = Reflect.getMetadata('path', handler);
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata('method', handler) as number];
      for (const cp of [].concat(Reflect.getMetadata('path', type) ?? '/')) {
        for (const mp of [].concat(paths)) out.add(`${method} /${`${cp}/${mp}`.split('/').filter(Boolean).join('/')}`);
      }
    }
  }
  return out;
}

const stack = await startStack();
const present = registeredRoutes(stack);
const has = (key: string) => present.has(key);

afterAll(async () => {
  await stack.close();
});

async function call(method: string, path: string, token: string | undefined, body?: unknown, requestId?: string) {
  const headers: Record<string, string> = {};
  if (requestId) headers['x-request-id'] = requestId;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack.baseUrl}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json: text ? safeJson(text) : undefined };
}
const safeJson = (t: string) => {
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
};

describe('security matrix: customer-scoped routes × roles × own / other / nonexistent', () => {
  const tokens = {} as Record<Caller, string>;
  const userIds = {} as Record<Caller | 'teamLeadB', string>;
  const customers: FixtureCustomer[] = [];
  const base = {} as Record<'customerOfA' | 'customerOfB', FixtureCustomer>;
  // One fresh task per allowed (action, caller, target) cell, plus one untouched task per base customer.
  const tasks = new Map<string, string>();
  const baseTasks = {} as Record<'customerOfA' | 'customerOfB', string>;
  const FOLLOW_UPS_PRESENT = has('GET /follow-ups') && ROUTES.some((r) => r.task && has(r.key));

  const teamOf = (amId: string | null) =>
    amId === userIds.amOwnA || amId === userIds.amSameTeamA ? 'A' : amId === userIds.amOtherTeamB ? 'B' : null;
  /** The reach each role should have, written out independently of the code under test. */
  const inReach = (caller: Caller, c: FixtureCustomer): boolean => {
    switch (caller) {
      case 'admin':
        return true;
      case 'teamLeadA':
        return teamOf(c.accountManagerId) === 'A' || c.accountManagerId === userIds.teamLeadA;
      case 'amOwnA':
      case 'amSameTeamA':
      case 'amOtherTeamB':
        return c.accountManagerId === userIds[caller];
      default:
        return false;
    }
  };
  const allowed = (caller: Caller, target: Target) => caller !== 'ops' && target !== 'nonexistent' && inReach(caller, base[target]);
  const expected = (route: RouteCase, caller: Caller, target: Target): number => {
    if (caller === 'ops') return 403; // ops has no customer data at all: refused by role, for every id
    return allowed(caller, target) ? route.ok : (route.denied ?? 404);
  };
  const foreignMarkers = (caller: Caller) => customers.filter((c) => !inReach(caller, c)).flatMap((c) => [c.id, c.name, c.externalId]);

  async function login(email: string, password: string) {
    const res = await call('POST', '/auth/login', undefined, { email, password });
    expect(res.status).toBe(200);
    return res.json.token as string;
  }

  async function createCustomer(label: string, accountManagerId: string, annualValue = 1000): Promise<FixtureCustomer> {
    const suffix = randomBytes(4).toString('hex');
    const c = { name: `Matrix ${label} ${suffix}`, externalId: `matrix-${label}-${suffix}`, accountManagerId };
    let id: string;
    if (has('POST /customers')) {
      const res = await call('POST', '/customers', tokens.admin, { ...c, annualValue });
      expect(res.status).toBe(201);
      id = res.json.id;
    } else {
      // Temporary fixture until the command API is in the tree.
      id = randomUUID();
      await stack.db.ds.query(`INSERT INTO customers (id, external_id, name, account_manager_id, annual_value) VALUES ($1, $2, $3, $4, $5)`, [id, c.externalId, c.name, accountManagerId, annualValue]);
    }
    const customer = { id, ...c };
    customers.push(customer);
    return customer;
  }

  /** A customer of `amId` with an open follow-up task. */
  async function taskFor(label: string, amId: string): Promise<string> {
    return raiseTask(await createCustomer(label, amId, 5_000_000));
  }

  /** Raises a follow-up on a high-value customer: three automated pushes in a row. */
  async function raiseTask(customer: FixtureCustomer): Promise<string> {
    for (let i = 0; i < 3; i++) {
      const res = await call('POST', '/touchpoints', tokens.admin, {
        id: randomUUID(),
        customerId: customer.id,
        channel: 'chatbot',
        direction: 'outbound',
        initiatedBy: 'company',
        handledBy: 'automation',
        occurredAt: new Date(Date.now() - (3 - i) * 60_000).toISOString(),
        subject: 'automated offer',
      });
      expect(res.status).toBe(201);
    }
    return eventually(async () => {
      const res = await call('GET', `/follow-ups?customerId=${customer.id}&status=open`, tokens.admin);
      return res.status === 200 && res.json.items.length > 0 ? (res.json.items[0].id as string) : undefined;
    }, 60_000);
  }

  beforeAll(async () => {
    tokens.admin = await login(stack.config.ADMIN_EMAIL!, stack.config.ADMIN_PASSWORD!);
    const password = 'matrix-password-1';
    const mk = async (key: Caller | 'teamLeadB', role: string, teamLeadId?: string) => {
      const email = `${key.toLowerCase()}-${randomBytes(3).toString('hex')}@closeness.test`;
      const res = await call('POST', '/users', tokens.admin, { email, name: `User ${key}`, password, role, ...(teamLeadId ? { teamLeadId } : {}) });
      expect(res.status).toBe(201);
      userIds[key] = res.json.id;
      if (key !== 'teamLeadB') tokens[key] = await login(email, password);
    };
    await mk('teamLeadA', 'team_lead');
    await mk('teamLeadB', 'team_lead');
    await mk('amOwnA', 'account_manager', userIds.teamLeadA);
    await mk('amSameTeamA', 'account_manager', userIds.teamLeadA);
    await mk('amOtherTeamB', 'account_manager', userIds.teamLeadB);
    await mk('ops', 'ops');
    userIds.admin = (await call('GET', '/auth/me', tokens.admin)).json.id;

    base.customerOfA = await createCustomer('a', userIds.amOwnA, 5_000_000);
    base.customerOfB = await createCustomer('b', userIds.amOtherTeamB, 5_000_000);
    if (has('GET /customers/:id')) {
      // The read side is fed by the worker's projections.
      for (const c of [base.customerOfA, base.customerOfB]) {
        await eventually(async () => (await call('GET', `/customers/${c.id}`, tokens.admin)).status === 200, 60_000);
      }
    }

    if (FOLLOW_UPS_PRESENT) {
      const jobs: Promise<void>[] = [];
      jobs.push(raiseTask(base.customerOfA).then((id) => void (baseTasks.customerOfA = id)));
      jobs.push(raiseTask(base.customerOfB).then((id) => void (baseTasks.customerOfB = id)));
      for (const route of ROUTES.filter((r) => r.task && has(r.key))) {
        for (const caller of CALLERS) {
          for (const target of ['customerOfA', 'customerOfB'] as const) {
            if (!allowed(caller, target)) continue;
            const am = target === 'customerOfA' ? userIds.amOwnA : userIds.amOtherTeamB;
            jobs.push(taskFor(`${route.task}-${caller}-${target}`, am).then((id) => void tasks.set(`${route.key}|${caller}|${target}`, id)));
          }
        }
      }
      await Promise.all(jobs);
    }
  });

  for (const route of ROUTES) {
    if (!has(route.key)) {
      it.todo(`${route.key} (pending: not in the tree yet, owner ${route.owner})`);
      continue;
    }
    describe(route.key, () => {
      for (const caller of CALLERS) {
        for (const target of TARGETS) {
          it(`${caller} × ${target}`, async () => {
            const want = expected(route, caller, target);
            const cell: Cell =
              target === 'nonexistent'
                ? { customerId: randomUUID(), taskId: randomUUID() }
                : {
                    customerId: base[target].id,
                    taskId: allowed(caller, target) ? tasks.get(`${route.key}|${caller}|${target}`) : baseTasks[target],
                  };
            if (route.task) expect(cell.taskId).toBeDefined();
            const streams = [`customer-${cell.customerId}`, `follow-up-${cell.taskId}`];
            // Only what this caller wrote counts: the worker keeps appending its own facts to these streams.
            const written = () =>
              stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = ANY($1) AND metadata->>'actorId' = $2`, [streams, userIds[caller]]);
            const before = await written();

            const [method] = route.key.split(' ');
            const requestId = randomUUID();
            const res = await call(method, route.url(cell), tokens[caller], route.body?.(cell), requestId);

            expect({ cell: `${route.key} ${caller} × ${target}`, status: res.status }).toEqual({ cell: `${route.key} ${caller} × ${target}`, status: want });
            if (want >= 400) expect(res.contentType).toMatch(/application\/problem\+json/);
            for (const marker of foreignMarkers(caller)) expect(res.text).not.toContain(marker);
            if (route.deniedEmpty && !allowed(caller, target) && want < 400) expect(res.json.items).toEqual([]);
            if (route.key === 'GET /follow-ups' && allowed(caller, target) && target !== 'nonexistent') {
              expect(res.json.items.map((i: { id: string }) => i.id)).toContain(baseTasks[target]); // the customer's task is listed
            }
            if (allowed(caller, target) && method !== 'GET') {
              // The probe below is meaningful: an accepted write carries the request id as its correlation id.
              const correlated = await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE metadata->>'correlationId' = $1`, [requestId]);
              expect({ cell: `${route.key} ${caller} × ${target}`, correlated: correlated[0].n > 0 }).toEqual({ cell: `${route.key} ${caller} × ${target}`, correlated: true });
            }
            if (!allowed(caller, target) && method !== 'GET') {
              const after = await written();
              expect(after[0].n).toBe(before[0].n); // a refused write stores nothing...
              const correlated = await stack.db.ds.query(`SELECT count(*)::int AS n FROM events WHERE metadata->>'correlationId' = $1`, [requestId]);
              expect(correlated[0].n).toBe(0); // ...anywhere
            }
          });
        }
      }
    });
  }

  const LISTS = [
    { key: 'GET /customers', url: '/customers?limit=200', owner: 'H6' },
    { key: 'GET /follow-ups', url: '/follow-ups', owner: 'H7' },
  ];
  for (const list of LISTS) {
    if (!has(list.key)) {
      it.todo(`${list.key} lists only customers in reach (pending: not in the tree yet, owner ${list.owner})`);
      continue;
    }
    it(`${list.key} lists only what is in reach, for every caller`, async () => {
      for (const caller of CALLERS) {
        const res = await call('GET', list.url, tokens[caller]);
        if (caller === 'ops') {
          expect(res.status).toBe(403);
          continue;
        }
        expect({ caller, status: res.status }).toEqual({ caller, status: 200 });
        for (const marker of foreignMarkers(caller)) expect({ caller, leaked: res.text.includes(marker) }).toEqual({ caller, leaked: false });
        const ids = (res.json.items as { id: string; customerId?: string }[]).map((i) => i.customerId ?? i.id);
        if (list.key === 'GET /customers') {
          const want = customers.filter((c) => inReach(caller, c)).map((c) => c.id);
          expect({ caller, missing: want.filter((id) => !ids.includes(id)) }).toEqual({ caller, missing: [] });
        }
      }
    });
  }

  if (has('GET /reports/team')) {
    it('GET /reports/team: admin and team leads only; a team lead sees nothing of another team', async () => {
      const want: Record<Caller, number> = { admin: 200, teamLeadA: 200, amOwnA: 403, amSameTeamA: 403, amOtherTeamB: 403, ops: 403 };
      for (const caller of CALLERS) {
        const res = await call('GET', '/reports/team', tokens[caller]);
        expect({ caller, status: res.status }).toEqual({ caller, status: want[caller] });
        for (const marker of foreignMarkers(caller)) expect({ caller, leaked: res.text.includes(marker) }).toEqual({ caller, leaked: false });
      }
      const lead = await call('GET', '/reports/team', tokens.teamLeadA);
      for (const foreign of [userIds.amOtherTeamB, userIds.teamLeadB]) expect(lead.text).not.toContain(foreign);
    });
  } else {
    it.todo('GET /reports/team is scoped to the team (pending: not in the tree yet, owner H6)');
  }

  it('every caller can reach the routes at all (sanity: tokens work)', async () => {
    for (const caller of CALLERS) expect((await call('GET', '/auth/me', tokens[caller])).status).toBe(200);
  });
});
