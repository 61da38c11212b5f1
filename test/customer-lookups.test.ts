import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { eventually, startStack, type Stack } from './support/stack.js';

/**
 * #25 integrator look-ups on GET /customers (externalId, q, accountManagerId) and the fields
 * annualValue / renewalDate, against the real API, worker and Postgres, for every role. A filter
 * only ever narrows the caller's reach: what is outside it answers an empty list.
 */
jest.setTimeout(180_000);

type Caller = 'admin' | 'leadA' | 'amA1' | 'amA2' | 'amB' | 'ops';
interface Fixture {
  id: string;
  externalId: string;
  name: string;
  owner: 'amA1' | 'amA2' | 'amB' | null;
  annualValue: number | null;
  renewalDate: string | null;
}

const stack: Stack = await startStack();
afterAll(async () => {
  await stack.close();
});

async function call(path: string, token?: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack.baseUrl}${path.startsWith('/docs') ? '' : '/api/v1'}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
}

describe('GET /customers look-ups, by role', () => {
  const tokens = {} as Record<Caller, string>;
  const userIds = {} as Record<Caller | 'leadB', string>;
  const sfx = randomBytes(3).toString('hex');
  const customers: Fixture[] = [];
  const byName = (name: string) => customers.find((c) => c.name.startsWith(name))!;

  const inReach = (caller: Caller, c: Fixture) =>
    caller === 'admin' ? true : caller === 'leadA' ? c.owner === 'amA1' || c.owner === 'amA2' : caller === 'ops' ? false : c.owner === caller;
  /** The ids a caller gets for a query: status 200 and the items' ids (all pages). */
  const ids = async (caller: Caller, query: string): Promise<string[]> => {
    const out: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(`/customers?${query}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, tokens[caller]);
      expect({ caller, query, status: res.status }).toEqual({ caller, query, status: 200 });
      out.push(...res.json.items.map((i: { id: string }) => i.id));
      cursor = res.json.nextCursor;
    } while (cursor);
    return out.sort();
  };
  const expected = (caller: Caller, match: (c: Fixture) => boolean) => customers.filter((c) => match(c) && inReach(caller, c)).map((c) => c.id).sort();
  const SCOPED: Caller[] = ['admin', 'leadA', 'amA1', 'amA2', 'amB'];

  beforeAll(async () => {
    const admin = await call('/auth/login', undefined, { email: stack.config.ADMIN_EMAIL, password: stack.config.ADMIN_PASSWORD });
    tokens.admin = admin.json.token;
    userIds.admin = admin.json.user.id;
    const mk = async (key: Caller | 'leadB', role: string, teamLeadId?: string) => {
      const email = `${key.toLowerCase()}-${sfx}@closeness.test`;
      const res = await call('/users', tokens.admin, { email, name: `User ${key}`, password: 'lookup-password-1', role, ...(teamLeadId ? { teamLeadId } : {}) });
      expect(res.status).toBe(201);
      userIds[key] = res.json.id;
      if (key !== 'leadB') tokens[key] = (await call('/auth/login', undefined, { email, password: 'lookup-password-1' })).json.token;
    };
    await mk('leadA', 'team_lead');
    await mk('leadB', 'team_lead');
    await mk('amA1', 'account_manager', userIds.leadA);
    await mk('amA2', 'account_manager', userIds.leadA);
    await mk('amB', 'account_manager', userIds.leadB);
    await mk('ops', 'ops');

    const specs: Omit<Fixture, 'id'>[] = [
      { name: `Bjørn Håland AS ${sfx}`, externalId: `crm-${sfx}-1`, owner: 'amA1', annualValue: 1_250_000.5, renewalDate: '2027-03-31' },
      { name: `Haaland Bygg ${sfx}`, externalId: `crm-${sfx}-2`, owner: 'amA2', annualValue: 80_000, renewalDate: '2026-12-01' },
      { name: `Sæther Øst ${sfx}`, externalId: `crm-${sfx}-3`, owner: 'amB', annualValue: 12_345, renewalDate: '2027-01-15' },
      { name: `HÅLAND ELEKTRO ${sfx}`, externalId: `crm-${sfx}-4`, owner: 'amB', annualValue: null, renewalDate: null },
      { name: `Ærlig Kaffe 100%_ ${sfx}`, externalId: `crm-${sfx}-5`, owner: 'amA1', annualValue: 0, renewalDate: '2028-02-29' },
      { name: `Unassigned Ørsta ${sfx}`, externalId: `crm-${sfx}-6`, owner: null, annualValue: 5_000, renewalDate: null },
    ];
    for (const s of specs) {
      const body: Record<string, unknown> = { externalId: s.externalId, name: s.name };
      if (s.owner) body.accountManagerId = userIds[s.owner];
      if (s.annualValue !== null) body.annualValue = s.annualValue;
      if (s.renewalDate !== null) body.renewalDate = s.renewalDate;
      const res = await call('/customers', tokens.admin, body);
      expect(res.status).toBe(201);
      customers.push({ ...s, id: res.json.id });
    }
    // The list reads the read model the worker projects.
    for (const c of customers) await eventually(async () => (await call(`/customers/${c.id}`, tokens.admin)).status === 200, 60_000);
  });

  it('externalId matches exactly, inside the caller’s reach only; outside it is an empty list', async () => {
    for (const caller of SCOPED) {
      for (const c of customers) {
        expect({ caller, c: c.name, got: await ids(caller, `externalId=${encodeURIComponent(c.externalId)}`) }).toEqual({ caller, c: c.name, got: inReach(caller, c) ? [c.id] : [] });
      }
      // Exact: a prefix or another case is not the id.
      expect(await ids(caller, `externalId=${encodeURIComponent(`crm-${sfx}`)}`)).toEqual([]);
      expect(await ids(caller, `externalId=${encodeURIComponent(`CRM-${sfx}-1`)}`)).toEqual([]);
    }
  });

  it('q finds names ignoring case and Norwegian accents (ø = o, å = aa = a, æ = ae), inside the caller’s reach', async () => {
    const haland = (c: Fixture) => /h(å|aa|Å)land/i.test(c.name);
    for (const caller of SCOPED) {
      for (const q of ['haland', 'HÅLAND', 'Haaland', 'håland']) {
        expect({ caller, q, got: await ids(caller, `q=${encodeURIComponent(q)}`) }).toEqual({ caller, q, got: expected(caller, haland) });
      }
      expect({ caller, got: await ids(caller, `q=${encodeURIComponent('bjorn haland')}`) }).toEqual({ caller, got: expected(caller, (c) => c.name.startsWith('Bjørn')) });
      expect({ caller, got: await ids(caller, `q=${encodeURIComponent('saether ost')}`) }).toEqual({ caller, got: expected(caller, (c) => c.name.startsWith('Sæther')) });
      expect({ caller, got: await ids(caller, `q=${encodeURIComponent('aerlig')}`) }).toEqual({ caller, got: expected(caller, (c) => c.name.startsWith('Ærlig')) });
      expect({ caller, got: await ids(caller, `q=${encodeURIComponent(sfx)}`) }).toEqual({ caller, got: expected(caller, () => true) });
    }
  });

  it('q treats % and _ as themselves, not as wildcards', async () => {
    expect(await ids('admin', `q=${encodeURIComponent('%')}`)).toEqual([byName('Ærlig').id]);
    expect(await ids('admin', `q=${encodeURIComponent('100%_')}`)).toEqual([byName('Ærlig').id]);
    expect(await ids('admin', `q=${encodeURIComponent('_')}`)).toEqual([byName('Ærlig').id]);
    expect(await ids('admin', `q=${encodeURIComponent('b%g')}`)).toEqual([]);
  });

  it('accountManagerId narrows to that person’s customers; for someone outside the caller’s reach it is an empty list', async () => {
    for (const caller of SCOPED) {
      for (const am of ['amA1', 'amA2', 'amB'] as const) {
        const got = await ids(caller, `accountManagerId=${userIds[am]}`);
        expect({ caller, am, got }).toEqual({ caller, am, got: expected(caller, (c) => c.owner === am) });
      }
      // A user id that is nobody's, or not an account manager: nothing, and no hint which.
      expect(await ids(caller, `accountManagerId=${userIds.ops}`)).toEqual([]);
      expect(await ids(caller, `accountManagerId=00000000-0000-4000-8000-000000000000`)).toEqual([]);
    }
    // Filters combine: team A's lead, Kari's customers whose name holds "haland".
    expect(await ids('leadA', `accountManagerId=${userIds.amA1}&q=haland`)).toEqual([byName('Bjørn').id]);
    expect(await ids('amA1', `accountManagerId=${userIds.amA1}&externalId=${byName('Haaland').externalId}`)).toEqual([]);
  });

  it('bad filters are 422 naming the field; ops has no customer list at all', async () => {
    for (const [query, path] of [
      ['accountManagerId=not-a-uuid', 'accountManagerId'],
      ['q=', 'q'],
      [`q=${'x'.repeat(201)}`, 'q'],
      ['externalId=', 'externalId'],
    ]) {
      const res = await call(`/customers?${query}`, tokens.admin);
      expect({ query, status: res.status }).toEqual({ query, status: 422 });
      expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    for (const query of ['externalId=x', 'q=haland', `accountManagerId=${userIds.amA1}`]) expect((await call(`/customers?${query}`, tokens.ops)).status).toBe(403);
  });

  it('items carry annualValue and renewalDate, in the list and on GET /customers/:id', async () => {
    const list = await call(`/customers?q=${sfx}&limit=200`, tokens.admin);
    for (const c of customers) {
      const item = list.json.items.find((i: { id: string }) => i.id === c.id);
      expect({ name: c.name, annualValue: item.annualValue, renewalDate: item.renewalDate }).toEqual({ name: c.name, annualValue: c.annualValue, renewalDate: c.renewalDate });
      const one = await call(`/customers/${c.id}`, tokens.admin);
      expect({ name: c.name, annualValue: one.json.annualValue, renewalDate: one.json.renewalDate }).toEqual({ name: c.name, annualValue: c.annualValue, renewalDate: c.renewalDate });
    }
    // A change shows up too.
    const bjorn = byName('Bjørn');
    expect((await call(`/customers/${bjorn.id}`, tokens.admin, { annualValue: 1_300_000, renewalDate: '2028-03-31' }, 'PATCH')).status).toBe(200);
    const changed = await call(`/customers/${bjorn.id}`, tokens.amA1);
    expect({ annualValue: changed.json.annualValue, renewalDate: changed.json.renewalDate }).toEqual({ annualValue: 1_300_000, renewalDate: '2028-03-31' });
    bjorn.annualValue = 1_300_000;
    bjorn.renewalDate = '2028-03-31';
  });

  it('the OpenAPI document describes the filters and the fields', async () => {
    const doc = (await call('/docs-json')).json;
    const params = doc.paths['/api/v1/customers'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['externalId', 'q', 'accountManagerId', 'band', 'sort', 'limit', 'cursor']));
    const item = doc.components.schemas.CustomerItemDto.properties;
    expect(item.annualValue).toMatchObject({ type: 'number', nullable: true });
    expect(item.renewalDate).toMatchObject({ type: 'string', format: 'date', nullable: true });
    const accountManager = doc.paths['/api/v1/customers'].get.parameters.find((p: { name: string }) => p.name === 'accountManagerId');
    expect(accountManager.description).toMatch(/empty/);
  });
});
