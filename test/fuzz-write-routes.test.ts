import { jest } from '@jest/globals';
import fc from 'fast-check';
import { createHmac, randomUUID } from 'node:crypto';
import { startStack, eventually, type Stack } from './support/stack.js';
import { startLoopProbe, type LoopProbe } from './support/loop-probe.js';
import { createUser, minutesAgo, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';

jest.setTimeout(180_000);

/*
 * Issue #19: a fast-check fuzz over every write route of the API (and signed webhooks of every
 * format), with deep nesting, lone surrogates, NUL, extreme dates, huge numbers, prototype keys,
 * wrong types, huge strings, hostile path parameters and content types. It asserts no response
 * is 500 or more, and that the event loop is never blocked for more than 100 ms (a timer-drift
 * probe: a bound on blocking, not a timing of the work). Fixed seed; a failure prints its case
 * as a small descriptor (a 20,000-level body is `{deep:20000}`, not the body).
 */

const SEED = 19_0208;
const RUNS_PER_ROUTE = 40;
const MAX_BLOCKED_MS = 100;

// ---------- hostile values, as small printable descriptors ----------

type Hostile =
  | { deep: number; open: '[' | '{' }
  | { huge: number }
  | { value: unknown }
  | { protoKey: '__proto__' | 'constructor' | 'prototype' };

const EXTREME_DATES = [
  '0000-06-01T00:00:00Z', '0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z', '2026-02-31T10:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:00:00+99:00', '0000-01-01', '9999-12-31', '2026-13-45',
];
const HUGE_NUMBERS = [1e308, -1e308, 2 ** 53 + 2, 2 ** 31, -(2 ** 31) - 1, 2 ** 63, 1e-320, -0, 999_999_999_999_999, 0.1 + 0.2];
const NASTY_STRINGS = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', '\uffff', '\u202e', '%00', '../../etc/passwd', '\' OR 1=1 --', '😀'.repeat(50)];

const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  fc.record({ deep: fc.constantFrom(40, 1000, 20_000), open: fc.constantFrom('[' as const, '{' as const) }),
  fc.record({ huge: fc.constantFrom(6000, 70_000, 1_200_000) }),
  fc.constantFrom(...EXTREME_DATES).map((value) => ({ value })),
  fc.constantFrom(...HUGE_NUMBERS).map((value) => ({ value })),
  fc.constantFrom(...NASTY_STRINGS).map((value) => ({ value })),
  fc.string({ unit: 'binary', maxLength: 20 }).map((value) => ({ value })),
  fc.constantFrom(null, true, false, 0, -1, '', [], {}, [[]], { a: {} }, 'not-a-uuid', '5b0c1a8e-6f0f-4b8e-9c1e-1d2f3a4b5c6d').map((value) => ({ value })),
  fc.constantFrom('__proto__' as const, 'constructor' as const, 'prototype' as const).map((protoKey) => ({ protoKey })),
);

const placeholder = (n: number) => `\u0001raw${n}\u0001`;

/** The descriptor as JSON text inside a body (raw text where a JS value cannot hold it). */
function materialize(h: Hostile, raws: string[]): unknown {
  if ('deep' in h) {
    raws.push(h.open === '[' ? '['.repeat(h.deep) + ']'.repeat(h.deep) : '{"a":'.repeat(h.deep) + '1' + '}'.repeat(h.deep));
    return placeholder(raws.length - 1);
  }
  if ('huge' in h) return 'x'.repeat(h.huge);
  if ('protoKey' in h) {
    raws.push(`{"${h.protoKey}":{"admin":true}}`);
    return placeholder(raws.length - 1);
  }
  return h.value;
}

function serialize(value: unknown, raws: string[]): string {
  let text = JSON.stringify(value) ?? 'null';
  raws.forEach((raw, i) => (text = text.split(JSON.stringify(placeholder(i))).join(raw)));
  return text;
}

// ---------- mutations of a valid body ----------

type Mutation =
  | { at: 'field'; field: string; h: Hostile }
  | { at: 'extra'; key: string; h: Hostile }
  | { at: 'nested'; field: string; h: Hostile }
  | { at: 'body'; h: Hostile }
  | { at: 'bytes'; kind: 'invalid-utf8' | 'truncated' | 'empty' | 'bom' }
  | { at: 'type'; contentType: string }
  | { at: 'param'; value: string };

const HOSTILE_PARAMS = ['not-a-uuid', '%00', '%ED%A0%80', '%E0%A4%A', 'x'.repeat(5000), '..%2F..%2F', '00000000-0000-0000-0000-000000000000', '%27%20OR%201%3D1'];
const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml', ''];

function mutation(fields: string[], hasParam: boolean): fc.Arbitrary<Mutation> {
  const options: fc.Arbitrary<Mutation>[] = [
    fc.record({ at: fc.constant('extra' as const), key: fc.constantFrom('isAdmin', 'role', 'id', '__proto__', 'constructor', 'a\u0000b', '\ud800', ''), h: hostile }),
    fc.record({ at: fc.constant('body' as const), h: hostile }),
    fc.record({ at: fc.constant('bytes' as const), kind: fc.constantFrom('invalid-utf8' as const, 'truncated' as const, 'empty' as const, 'bom' as const) }),
    fc.record({ at: fc.constant('type' as const), contentType: fc.constantFrom(...CONTENT_TYPES) }),
  ];
  if (fields.length > 0) {
    options.push(fc.record({ at: fc.constant('field' as const), field: fc.constantFrom(...fields), h: hostile }));
    options.push(fc.record({ at: fc.constant('field' as const), field: fc.constantFrom(...fields), h: hostile }));
    options.push(fc.record({ at: fc.constant('nested' as const), field: fc.constantFrom(...fields), h: hostile }));
  }
  if (hasParam) options.push(fc.record({ at: fc.constant('param' as const), value: fc.constantFrom(...HOSTILE_PARAMS) }));
  return fc.oneof(...options);
}

/** The request bytes for a mutation of `base`, and the content type to send. */
function build(base: Record<string, unknown>, m: Mutation): { body: Buffer; contentType: string } {
  const raws: string[] = [];
  const json = (v: unknown) => Buffer.from(serialize(v, raws));
  switch (m.at) {
    case 'field':
      return { body: json({ ...base, [m.field]: materialize(m.h, raws) }), contentType: 'application/json' };
    case 'nested': {
      const inner = base[m.field];
      const v = Array.isArray(inner) ? [materialize(m.h, raws), ...inner] : inner && typeof inner === 'object' ? { ...inner, x: materialize(m.h, raws) } : [materialize(m.h, raws)];
      return { body: json({ ...base, [m.field]: v }), contentType: 'application/json' };
    }
    case 'extra': {
      const obj = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
      // An own key named __proto__ (as JSON.parse makes it), not the prototype.
      Object.defineProperty(obj, m.key, { value: materialize(m.h, raws), enumerable: true, configurable: true, writable: true });
      return { body: json(obj), contentType: 'application/json' };
    }
    case 'body':
      return { body: json(materialize(m.h, raws)), contentType: 'application/json' };
    case 'bytes': {
      const ok = json(base);
      if (m.kind === 'empty') return { body: Buffer.alloc(0), contentType: 'application/json' };
      if (m.kind === 'truncated') return { body: ok.subarray(0, Math.max(1, ok.length >> 1)), contentType: 'application/json' };
      if (m.kind === 'bom') return { body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), ok]), contentType: 'application/json' };
      const bad = Buffer.from(ok);
      const quote = bad.indexOf(0x22, 2);
      bad[quote > 0 ? quote + 1 : 0] = 0xff;
      return { body: bad, contentType: 'application/json' };
    }
    case 'type':
      return { body: json(base), contentType: m.contentType };
    case 'param':
      return { body: json(base), contentType: 'application/json' };
  }
}

// ---------- the routes ----------

interface Route {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As Express registers it, e.g. /api/v1/customers/:id */
  pattern: string;
  path: () => string;
  body: () => Record<string, unknown>;
  as: () => TestUser | undefined;
}

describe('fuzz: every write route (API + worker + Postgres + Redis)', () => {
  let stack: Stack;
  let admin: TestUser;
  let am: TestUser;
  let customerId: string;
  let userId: string;
  let taskId: string;
  let subscriptionId: string;
  let rotated: string; // a source of its own: rotations must not change the secrets the webhook fuzz signs with
  const sources: Record<string, { id: string; secret: string; token: string }> = {};
  let probe: LoopProbe;
  const statuses = new Map<number, number>();

  const send = async (method: string, path: string, body: Buffer | undefined, contentType: string, headers: Record<string, string> = {}, user?: TestUser) => {
    const h: Record<string, string> = { ...headers };
    if (contentType) h['content-type'] = contentType;
    if (user) h.authorization = `Bearer ${user.token}`;
    const res = await fetch(`${stack.baseUrl}${path}`, { method, headers: h, body: method === 'DELETE' && !body?.length ? undefined : body });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    return { status: res.status, text, type: res.headers.get('content-type') ?? '' };
  };

  const routes: Route[] = [
    { method: 'POST', pattern: '/api/v1/auth/login', path: () => '/api/v1/auth/login', body: () => ({ email: 'nobody@closeness.test', password: 'wrong-password' }), as: () => undefined },
    { method: 'POST', pattern: '/api/v1/auth/logout', path: () => '/api/v1/auth/logout', body: () => ({}), as: () => undefined },
    { method: 'POST', pattern: '/api/v1/users', path: () => '/api/v1/users', body: () => ({ email: `fz-${randomUUID().slice(0, 8)}@closeness.test`, name: 'Fuzz User', password: 'fuzz-password-1', role: 'account_manager' }), as: () => admin },
    { method: 'PATCH', pattern: '/api/v1/users/:id', path: () => `/api/v1/users/${userId}`, body: () => ({ name: 'Fuzz Renamed' }), as: () => admin },
    { method: 'POST', pattern: '/api/v1/customers', path: () => '/api/v1/customers', body: () => ({ externalId: `fz-${randomUUID()}`, name: 'Fuzz AS', segment: 'smb', renewalDate: '2027-03-31', annualValue: 1200.5, accountManagerId: am.id }), as: () => admin },
    { method: 'PATCH', pattern: '/api/v1/customers/:id', path: () => `/api/v1/customers/${customerId}`, body: () => ({ segment: 'enterprise', renewalDate: '2028-01-31', annualValue: 5000 }), as: () => admin },
    { method: 'POST', pattern: '/api/v1/customers/:id/outcomes', path: () => `/api/v1/customers/${customerId}/outcomes`, body: () => ({ type: 'renewed', occurredAt: minutesAgo(60) }), as: () => admin },
    { method: 'POST', pattern: '/api/v1/touchpoints', path: () => '/api/v1/touchpoints', body: () => touchpoint({ customerId, summary: 'fuzz', transcript: [{ speaker: 'customer', text: 'hei', at: minutesAgo(61) }], agent: { name: 'Kari' }, survey: { kind: 'nps', score: 9 }, tags: ['a'] }), as: () => admin },
    { method: 'POST', pattern: '/api/v1/touchpoints/batch', path: () => '/api/v1/touchpoints/batch', body: () => ({ touchpoints: [touchpoint({ customerId }), touchpoint({ customerExternalId: `fz-ext-${randomUUID()}`, customerName: 'Fuzz Ext AS' })] }), as: () => admin },
    { method: 'POST', pattern: '/api/v1/follow-ups/:id/complete', path: () => `/api/v1/follow-ups/${taskId}/complete`, body: () => ({ note: 'done' }), as: () => am },
    { method: 'POST', pattern: '/api/v1/follow-ups/:id/dismiss', path: () => `/api/v1/follow-ups/${taskId}/dismiss`, body: () => ({ reason: 'not needed' }), as: () => am },
    { method: 'POST', pattern: '/api/v1/follow-ups/:id/snooze', path: () => `/api/v1/follow-ups/${taskId}/snooze`, body: () => ({ until: new Date(Date.now() + 3_600_000).toISOString() }), as: () => am },
    { method: 'PUT', pattern: '/api/v1/rules', path: () => '/api/v1/rules', body: () => ({ rules: [{ id: 'transactional_streak', params: { count: 3 } }], priority: { highChurnProbability: 0.5 } }), as: () => admin },
    { method: 'POST', pattern: '/api/v1/customers/:id/pulse', path: () => `/api/v1/customers/${customerId}/pulse`, body: () => ({ score: 4, note: 'fuzz' }), as: () => am },
    // Valid bodies keep the defaults (each applied one asks for a rebuild of a small database).
    { method: 'PUT', pattern: '/api/v1/ops/health-config', path: () => '/api/v1/ops/health-config', body: () => ({ overrides: {} }), as: () => admin },
    { method: 'POST', pattern: '/api/v1/ops/health-config/preview', path: () => '/api/v1/ops/health-config/preview', body: () => ({ overrides: { bands: { green: 75 } } }), as: () => admin },
    { method: 'PUT', pattern: '/api/v1/ops/churn-model', path: () => '/api/v1/ops/churn-model', body: () => ({ intercept: -3, coefficients: { renewalSoon: 0.8 } }), as: () => admin },
    { method: 'POST', pattern: '/api/v1/sources', path: () => '/api/v1/sources', body: () => ({ name: 'fuzz source', format: 'zendesk', secret: 'fuzz-secret-0123456789' }), as: () => admin },
    { method: 'POST', pattern: '/api/v1/sources/:id/rotate-secret', path: () => `/api/v1/sources/${rotated}/rotate-secret`, body: () => ({ secret: 'zendesk-secret-0123456789abcdef' }), as: () => admin },
    { method: 'POST', pattern: '/api/v1/subscriptions', path: () => '/api/v1/subscriptions', body: () => ({ url: 'https://hooks.example.com/closeness', events: ['follow_up.raised'] }), as: () => admin },
    { method: 'DELETE', pattern: '/api/v1/subscriptions/:id', path: () => `/api/v1/subscriptions/${subscriptionId}`, body: () => ({}), as: () => admin },
    // Hostile names only (a valid one would start a rebuild): the route must refuse, not fail.
    { method: 'POST', pattern: '/api/v1/ops/projections/:name/rebuild', path: () => '/api/v1/ops/projections/no-such-projection/rebuild', body: () => ({}), as: () => admin },
    { method: 'POST', pattern: '/api/v1/ops/projections/:name/parked/retry', path: () => '/api/v1/ops/projections/no-such-projection/parked/retry', body: () => ({}), as: () => admin },
    { method: 'POST', pattern: '/api/v1/ops/projections/:name/parked/:eventId/retry', path: () => `/api/v1/ops/projections/customer-read-models/parked/${randomUUID()}/retry`, body: () => ({}), as: () => admin },
    { method: 'POST', pattern: '/api/v1/ops/scheduled-checks/run', path: () => '/api/v1/ops/scheduled-checks/run', body: () => ({}), as: () => admin },
    { method: 'POST', pattern: '/api/v1/ops/scheduled-checks/run', path: () => '/api/v1/ops/scheduled-checks/run', body: () => ({}), as: () => admin },
    { method: 'POST', pattern: '/api/v1/ops/dead-letters/:id/retry', path: () => `/api/v1/ops/dead-letters/${randomUUID()}/retry`, body: () => ({}), as: () => admin },
  ];

  const signed: Record<string, (secret: string, body: Buffer, uri: string) => Record<string, string>> = {
    touchpoint: (secret, body) => standardBytes(secret, `msg_${randomUUID()}`, body),
    cloudevents: (secret, body) => ({ 'content-type': 'application/cloudevents+json', ...standardBytes(secret, `msg_${randomUUID()}`, body) }),
    zendesk: (secret, body) => {
      const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      return { 'x-zendesk-webhook-signature-timestamp': ts, 'x-zendesk-webhook-signature': createHmac('sha256', secret).update(ts).update(body).digest('base64') };
    },
    intercom: (secret, body) => ({ 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` }),
    hubspot: (secret, body, uri) => {
      const ts = String(Date.now());
      return { 'x-hubspot-request-timestamp': ts, 'x-hubspot-signature-v3': createHmac('sha256', secret).update(`POST${uri}`).update(body).update(ts).digest('base64') };
    },
  };
  const webhookBase: Record<string, () => Record<string, unknown> | unknown[]> = {
    touchpoint: () => touchpoint({ customerExternalId: 'fz-wh' }),
    cloudevents: () => ({ specversion: '1.0', id: randomUUID(), source: '//fuzz', type: 'fuzz.touchpoint', time: new Date().toISOString(), data: touchpoint({ customerExternalId: 'fz-ce' }) }),
    zendesk: () => ({ type: 'zen:event-type:ticket.created', id: randomUUID(), time: minutesAgo(1), detail: { id: '9', requester_id: '2', organization_id: '7', via: { channel: 'web_form' }, subject: 'Help' } }),
    intercom: () => ({ type: 'notification_event', id: `notif_${randomUUID()}`, topic: 'conversation.user.replied', created_at: Math.floor(Date.now() / 1000) - 60, data: { item: { type: 'conversation', id: '1', source: { author: { type: 'user', id: 'u' } }, contacts: { contacts: [{ id: 'c1', external_id: 'fz-ic' }] } } } }),
    hubspot: () => [{ eventId: Math.floor(Math.random() * 1e9), portalId: 5, occurredAt: Date.now() - 60_000, subscriptionType: 'object.associationChange', associationType: 'CALL_TO_COMPANY', fromObjectId: 1, toObjectId: 2 }],
  };

  beforeAll(async () => {
    // The general rate limit is not what is fuzzed here.
    stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
    admin = await createUser(stack.db.ds, 'admin');
    const lead = await createUser(stack.db.ds, 'team_lead');
    am = await createUser(stack.db.ds, 'account_manager', lead.id);
    userId = (await createUser(stack.db.ds, 'account_manager', lead.id)).id;
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    const c = await send('POST', '/api/v1/customers', json({ externalId: `fz-${randomUUID()}`, name: 'Fuzz Base AS', accountManagerId: am.id, annualValue: 250_000 }), 'application/json', {}, admin);
    customerId = JSON.parse(c.text).id;
    for (const format of Object.keys(signed)) {
      const vendor = format === 'touchpoint' || format === 'cloudevents' ? {} : { secret: `${format}-secret-0123456789abcdef` };
      const s = await send('POST', '/api/v1/sources', json({ name: `fuzz ${format}`, format, ...vendor }), 'application/json', {}, admin);
      sources[format] = JSON.parse(s.text);
    }
    rotated = JSON.parse((await send('POST', '/api/v1/sources', json({ name: 'fuzz rotated', format: 'intercom', secret: 'rotated-secret-0123456789' }), 'application/json', {}, admin)).text).id;
    const sub = await send('POST', '/api/v1/subscriptions', json({ url: 'https://hooks.example.com/x', events: ['follow_up.raised'] }), 'application/json', {}, admin);
    subscriptionId = JSON.parse(sub.text).id;
    // A real follow-up task (the worker raises it): the follow-up routes get past their lookup.
    await send('POST', '/api/v1/touchpoints', json(touchpoint({ customerId, channel: 'chatbot', handledBy: 'automation', occurredAt: minutesAgo(5), topic: 'invoice',
      transcript: [{ speaker: 'customer', text: 'Where is my refund?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }] })), 'application/json', {}, admin);
    taskId = await eventually(async () => {
      const r = await send('GET', `/api/v1/follow-ups?customerId=${customerId}`, undefined, '', {}, am);
      return JSON.parse(r.text).items?.[0]?.id as string | undefined;
    }, 60_000);
    statuses.clear();
    probe = startLoopProbe();
  }, 120_000);

  afterAll(async () => {
    probe?.stop();
    await stack?.close();
  });

  it('covers every write route the server registers', () => {
    const app = stack.api.getHttpAdapter().getInstance();
    const registered: string[] = [];
    for (const layer of (app.router ?? app._router).stack as any[]) {
      if (!layer.route) continue;
      const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
      if (layer.route.methods._all || methods.length > 8) continue;
      for (const m of methods) if (['post', 'put', 'patch', 'delete'].includes(m)) registered.push(`${m.toUpperCase()} ${layer.route.path}`);
    }
    const fuzzed = new Set([...routes.map((r) => `${r.method} ${r.pattern}`), 'POST /api/v1/webhooks/:sourceId']);
    expect(registered.filter((r) => !fuzzed.has(r))).toEqual([]);
    expect(registered.length).toBeGreaterThanOrEqual(routes.length);
  });

  for (const route of routes) {
    it(`${route.method} ${route.pattern}: no 5xx, never blocks the event loop over ${MAX_BLOCKED_MS} ms`, async () => {
      const fields = Object.keys(route.body());
      const before = probe.maxBlockedMs();
      await fc.assert(
        fc.asyncProperty(mutation(fields, route.pattern.includes(':')), async (m) => {
          const { body, contentType } = build(route.body(), m);
          const path = m.at === 'param' ? route.path().replace(/\/(?:[0-9a-f-]{36}|no-such-projection)(?=\/|$)/, `/${m.value}`) : route.path();
          const res = await send(route.method, path, body, contentType, {}, route.as());
          if (res.status >= 500) throw new Error(`${res.status} ${res.text.slice(0, 300)}`);
          if (res.status >= 400) expect(res.type).toMatch(/application\/problem\+json/);
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE },
      );
      expect(Math.max(before, probe.maxBlockedMs())).toBeLessThan(MAX_BLOCKED_MS);
    });
  }

  for (const format of Object.keys(signed)) {
    it(`POST /webhooks/:sourceId (${format}, signed): no 5xx, an authentic delivery is never refused, the loop never blocks`, async () => {
      const s = sources[format];
      const path = `/api/v1/webhooks/${s.id}`;
      const base = webhookBase[format]();
      const fields = Array.isArray(base) ? [] : Object.keys(base);
      await fc.assert(
        fc.asyncProperty(mutation(fields, false), async (m) => {
          const { body, contentType } = Array.isArray(base) && m.at !== 'bytes' && m.at !== 'type' && m.at !== 'body' ? build({ list: base }, m) : build(base as Record<string, unknown>, m);
          const headers = signed[format](s.secret, body, `${stack.baseUrl}${path}`);
          const res = await send('POST', path, body, headers['content-type'] ?? (contentType || 'application/json'), headers);
          if (res.status >= 500) throw new Error(`${res.status} ${res.text.slice(0, 300)}`);
          // Authentic: stored, a duplicate, or a dead letter kept whole; too big is 413.
          expect([200, 202, 413]).toContain(res.status);
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE },
      );
      expect(probe.maxBlockedMs()).toBeLessThan(MAX_BLOCKED_MS);
    });
  }

  it('let nothing in that stops a projection: the worker catches up with everything the fuzz stored', async () => {
    const statusLine = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
    expect(statusLine).not.toMatch(/\b5\d\d×/);
    // A projection stopped by a poison event never gets its lag to 0.
    await eventually(async () => {
      const r = await send('GET', '/api/v1/ops/projections', undefined, '', {}, admin);
      const list = JSON.parse(r.text) as { lagEvents: number }[];
      return list.length > 0 && list.every((p) => p.lagEvents === 0);
    }, 90_000);
    expect(probe.maxBlockedMs()).toBeLessThan(MAX_BLOCKED_MS);
  });
});

function standardBytes(secret: string, id: string, body: Buffer): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${createHmac('sha256', key).update(`${id}.${ts}.`).update(body).digest('base64')}` };
}
