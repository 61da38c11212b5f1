import { jest } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import { startStack, eventually, type Stack } from './support/stack.js';
import { startLoopProbe } from './support/loop-probe.js';
import { call, countEvents, createUser, fixture, hubspotHeaders, intercomHeaders, minutesAgo, standardHeaders, touchpoint, zendeskHeaders, type TestUser } from './fixtures/webhooks/helpers.js';

jest.setTimeout(120_000);

/**
 * Issue #19, the input findings (1: timestamps and typed values at the door, 2: deep nesting and
 * other CPU bombs, 8: lone surrogates, invalid UTF-8 and prototype keys), each reproduced as the
 * issue describes it, against the real API and worker on the real Postgres and Redis.
 */

interface Source {
  id: string;
  secret: string;
  token: string;
}

const YEAR_ZERO = '0000-06-01T00:00:00Z';
const LONE = '\ud800';

/** Standard Webhooks headers signed over raw bytes (the package signs strings only). */
function standardHeadersForBytes(secret: string, id: string, body: Buffer, at = new Date()): Record<string, string> {
  const ts = String(Math.floor(at.getTime() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const sig = createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), body])).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` };
}

describe('hardening: input at the door (#19.1, #19.2, #19.8; API + worker + Postgres + Redis)', () => {
  let stack: Stack;
  let admin: TestUser;
  let am: TestUser;
  let customerId: string;
  const sources: Record<string, Source> = {};
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });
  const rawPost = (path: string, raw: string | Buffer, headers: Record<string, string> = {}, user?: TestUser) =>
    call(stack.baseUrl, 'POST', path, { token: user?.token, raw, headers: { 'content-type': 'application/json', ...headers } });
  const webhook = (s: Source, raw: string | Buffer, headers: Record<string, string>) => rawPost(`/webhooks/${s.id}`, raw, headers);
  const events = () => countEvents(stack.db.ds);
  const paths = (res: { body: any }) => (res.body?.errors ?? []).map((e: { path: string }) => e.path);

  async function expectDeadLetterKeptWhole(res: { status: number; body: any }, raw: string | Buffer, before: number) {
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ eventIds: [], deadLetterId: expect.any(String) });
    const [dl] = await stack.db.ds.query(`SELECT body FROM dead_letters WHERE id = $1`, [res.body.deadLetterId]);
    expect(Buffer.compare(dl.body, Buffer.isBuffer(raw) ? raw : Buffer.from(raw))).toBe(0);
    expect(await events()).toBe(before);
  }

  beforeAll(async () => {
    stack = await startStack();
    admin = await createUser(stack.db.ds, 'admin');
    const lead = await createUser(stack.db.ds, 'team_lead');
    am = await createUser(stack.db.ds, 'account_manager', lead.id);
    const c = await api('POST', '/customers', admin, { externalId: `hard-${randomUUID()}`, name: 'Hardening AS', accountManagerId: am.id, annualValue: 250_000 });
    expect(c.status).toBe(201);
    customerId = c.body.id;
    for (const format of ['touchpoint', 'cloudevents', 'zendesk', 'intercom', 'hubspot']) {
      const vendorSecret = format === 'touchpoint' || format === 'cloudevents' ? {} : { secret: `${format}-secret-0123456789abcdef` };
      const res = await api('POST', '/sources', admin, { name: `${format} source`, format, ...vendorSecret });
      expect(res.status).toBe(201);
      sources[format] = res.body;
    }
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
  });

  describe('#19.1 every timestamp that enters is in a sane range', () => {
    it('a touchpoint dated in year 0000 is 422 naming occurredAt (single and batch), and nothing is stored', async () => {
      const before = await events();
      const one = await api('POST', '/touchpoints', admin, touchpoint({ customerId, occurredAt: YEAR_ZERO }));
      expect(one.status).toBe(422);
      expect(paths(one)).toEqual(['occurredAt']);
      const batch = await api('POST', '/touchpoints/batch', admin, { touchpoints: [touchpoint({ customerId }), touchpoint({ customerId, occurredAt: '1969-12-31T23:59:59Z' })] });
      expect(batch.status).toBe(422);
      expect(paths(batch)).toEqual(['touchpoints[1].occurredAt']);
      const turn = await api('POST', '/touchpoints', admin, touchpoint({ customerId, transcript: [{ speaker: 'customer', text: 'hei', at: YEAR_ZERO }] }));
      expect(turn.status).toBe(422);
      expect(paths(turn)).toEqual(['transcript[0].at']);
      expect(await events()).toBe(before);
    });

    it('an outcome dated before 1970 or on a day that does not exist is 422 naming occurredAt', async () => {
      const before = await events();
      for (const occurredAt of [YEAR_ZERO, '0001-06-01T00:00:00Z', '1969-12-31T23:59:59Z', '2025-02-31T10:00:00Z']) {
        const res = await api('POST', `/customers/${customerId}/outcomes`, admin, { type: 'renewed', occurredAt });
        expect({ occurredAt, status: res.status, paths: paths(res) }).toEqual({ occurredAt, status: 422, paths: ['occurredAt'] });
      }
      expect(await events()).toBe(before);
    });

    it('a renewal date outside a sane range is 422 naming renewalDate, not 500', async () => {
      for (const renewalDate of ['0000-01-01', '9999-12-31']) {
        const res = await api('POST', '/customers', admin, { externalId: `renew-${randomUUID()}`, name: 'Renewal AS', renewalDate });
        expect({ renewalDate, status: res.status, paths: paths(res) }).toEqual({ renewalDate, status: 422, paths: ['renewalDate'] });
        const patch = await api('PATCH', `/customers/${customerId}`, admin, { renewalDate });
        expect({ renewalDate, status: patch.status, paths: paths(patch) }).toEqual({ renewalDate, status: 422, paths: ['renewalDate'] });
      }
    });

    it('a Zendesk, HubSpot, Intercom, touchpoint or CloudEvents delivery dated in year 0000 is a dead letter kept whole, and nothing is stored', async () => {
      const zd = sources.zendesk;
      const zBody = fixture('zendesk-ticket-created.json', { eventId: `01HN${randomUUID()}`, time: YEAR_ZERO, ticketId: 1, orgId: 2, requesterId: 3 });
      await expectDeadLetterKeptWhole(await webhook(zd, zBody, zendeskHeaders(zd.secret, zBody)), zBody, await events());

      const hs = sources.hubspot;
      const hBody = JSON.stringify(
        JSON.parse(fixture('hubspot-batch.json', { callEventId: Math.floor(Math.random() * 1e9), contactEventId: 1, occurredAtMs: 0, attempt: 0, callId: 4, companyId: 5 })).map((e: any) => ({ ...e, occurredAt: YEAR_ZERO })),
      );
      const uri = `${stack.baseUrl}/api/v1/webhooks/${hs.id}`;
      await expectDeadLetterKeptWhole(await webhook(hs, hBody, hubspotHeaders(hs.secret, 'POST', uri, hBody)), hBody, await events());

      const ic = sources.intercom;
      const iBody = JSON.stringify({
        ...JSON.parse(fixture('intercom-conversation.json', { conversationId: randomUUID(), openedAt: 1, partAt: 1, contactId: 'c1', externalId: 'ic-zero', partId: 'p1', partBody: 'hei', authorType: 'user', authorId: 'u', authorName: 'Ola', notificationId: `notif_${randomUUID()}`, topic: 'conversation.user.replied' })),
      }).replace(/"created_at":1\b/g, `"created_at":"${YEAR_ZERO}"`).replace(/"updated_at":1\b/g, `"updated_at":"${YEAR_ZERO}"`);
      await expectDeadLetterKeptWhole(await webhook(ic, iBody, intercomHeaders(ic.secret, iBody)), iBody, await events());

      const tp = sources.touchpoint;
      const tBody = JSON.stringify(touchpoint({ customerExternalId: 'tp-zero', occurredAt: YEAR_ZERO }));
      await expectDeadLetterKeptWhole(await webhook(tp, tBody, standardHeaders(tp.secret, `msg_${randomUUID()}`, tBody)), tBody, await events());

      const ce = sources.cloudevents;
      const cBody = JSON.stringify({ specversion: '1.0', id: `ce-${randomUUID()}`, source: '//crm.example', type: 'com.example.touchpoint', time: YEAR_ZERO, datacontenttype: 'application/json', data: touchpoint({ customerExternalId: 'ce-zero' }) });
      await expectDeadLetterKeptWhole(await webhook(ce, cBody, { 'content-type': 'application/cloudevents+json', ...standardHeaders(ce.secret, `msg_${randomUUID()}`, cBody) }), cBody, await events());
    });

    it('values a projection writes into typed columns are refused at the door (huge integers and amounts)', async () => {
      const before = await events();
      const huge = await api('POST', '/touchpoints', admin, touchpoint({ customerId, durationSeconds: 1e300, waitSeconds: 2 ** 53, handoffs: 2 ** 31 }));
      expect(huge.status).toBe(422);
      expect(paths(huge).sort()).toEqual(['durationSeconds', 'handoffs', 'waitSeconds']);
      const value = await api('POST', '/customers', admin, { externalId: `value-${randomUUID()}`, name: 'Money AS', annualValue: 1e15 });
      expect(value.status).toBe(422);
      expect(paths(value)).toEqual(['annualValue']);
      expect(await events()).toBe(before);
    });

    it('a follow-up snoozed until year 9999 is 422 naming until, and the task stays open', async () => {
      // A transactional chatbot contact with a high-value customer raises a follow-up (the worker).
      const c = await api('POST', '/customers', admin, { externalId: `snooze-${randomUUID()}`, name: 'Snooze AS', accountManagerId: am.id, annualValue: 250_000 });
      const posted = await api('POST', '/touchpoints', admin, touchpoint({
        customerId: c.body.id, channel: 'chatbot', handledBy: 'automation', occurredAt: minutesAgo(5), topic: 'invoice',
        transcript: [{ speaker: 'customer', text: 'Where is my refund?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
      }));
      expect(posted.status).toBe(201);
      const task = await eventually(async () => {
        const res = await api('GET', `/follow-ups?customerId=${c.body.id}&status=open`, am);
        return res.body?.items?.[0];
      }, 60_000);
      const res = await api('POST', `/follow-ups/${task.id}/snooze`, am, { until: '9999-12-31T23:59:59Z' });
      expect(res.status).toBe(422);
      expect(paths(res)).toEqual(['until']);
      const dismissed = await api('POST', `/follow-ups/${task.id}/dismiss`, am, { reason: `lone ${LONE} surrogate` });
      expect(dismissed.status).toBe(422);
      expect(paths(dismissed)).toEqual(['reason']);
      const after = await api('GET', `/follow-ups?customerId=${c.body.id}`, am);
      expect(after.body.items[0]).toMatchObject({ id: task.id, status: 'open' });
    });
  });

  describe('#19.2 deep nesting and other CPU bombs', () => {
    it('a 4.8 MB body of nested [ sent anonymously to /auth/login is refused (413) without blocking the event loop', async () => {
      const bomb = '['.repeat(2_400_000) + ']'.repeat(2_400_000);
      const probe = startLoopProbe();
      const res = await rawPost('/auth/login', bomb);
      await new Promise((r) => setTimeout(r, 50));
      const blocked = probe.stop();
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(blocked).toBeLessThan(100);
    });

    it('nesting of 10,000 levels answers 400 on /customers, /users and /subscriptions, not 500', async () => {
      const arrays = '['.repeat(10_000) + ']'.repeat(10_000);
      const objects = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      const probe = startLoopProbe();
      for (const path of ['/customers', '/users', '/subscriptions', '/touchpoints/batch']) {
        for (const body of [arrays, objects, `{"name":${arrays}}`]) {
          const res = await rawPost(path, body, {}, admin);
          expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 400, type: expect.stringMatching(/problem\+json/) });
        }
      }
      expect(probe.stop()).toBeLessThan(100);
    });

    it('login and other small JSON routes take kilobytes, not megabytes: a 1 MB body is 413', async () => {
      const big = JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(1_000_000) });
      expect((await rawPost('/auth/login', big)).status).toBe(413);
      expect((await rawPost('/customers', JSON.stringify({ externalId: 'x', name: 'y'.repeat(1_000_000) }), {}, admin)).status).toBe(413);
    });

    it('the general rate limit means something: a flood from one anonymous client is 429 well before 600,000 a minute; others go on', async () => {
      // Another client address (the API trusts X-Forwarded-For from loopback, as behind a local proxy).
      const flooder = { 'x-forwarded-for': '203.0.113.7' };
      let limited = 0;
      let sent = 0;
      for (let round = 0; round < 40 && limited === 0; round++) {
        const answers = await Promise.all(Array.from({ length: 100 }, () => fetch(`${stack.baseUrl}/api/v1/auth/me`, { headers: flooder }).then((r) => r.status)));
        sent += answers.length;
        limited += answers.filter((s) => s === 429).length;
      }
      expect(limited).toBeGreaterThan(0);
      expect(sent).toBeLessThanOrEqual(4000);
      const refused = await call(stack.baseUrl, 'POST', '/auth/login', { body: { email: 'a@b.test', password: 'x' }, headers: flooder });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // Everyone else goes on: another address, a signed-in user, a signed webhook.
      expect((await call(stack.baseUrl, 'GET', '/auth/me', { headers: { 'x-forwarded-for': '203.0.113.8' } })).status).toBe(401);
      expect((await api('GET', '/auth/me', admin)).status).toBe(200);
    });
  });

  describe('#19.8 lone surrogates, invalid UTF-8 and prototype keys', () => {
    it('a lone UTF-16 surrogate answers 422 naming the field on the write routes, not 500', async () => {
      const before = await events();
      const cases: [string, string, unknown, string][] = [
        ['POST', '/touchpoints', touchpoint({ customerId, summary: `a${LONE}b` }), 'summary'],
        ['POST', '/touchpoints/batch', { touchpoints: [touchpoint({ customerId, tags: [`x${LONE}`] })] }, 'touchpoints[0].tags[0]'],
        ['POST', '/customers', { externalId: `s-${randomUUID()}`, name: `Sur${LONE}rogate` }, 'name'],
        ['PATCH', `/customers/${customerId}`, { segment: `${LONE}` }, 'segment'],
        ['POST', '/users', { email: `u-${randomUUID().slice(0, 8)}@closeness.test`, name: `N${LONE}`, password: 'long-password-1', role: 'account_manager' }, 'name'],
        ['POST', '/sources', { name: `src${LONE}`, format: 'touchpoint' }, 'name'],
      ];
      for (const [method, path, body, field] of cases) {
        const res = await api(method, path, admin, body);
        expect({ path, status: res.status, paths: paths(res) }).toEqual({ path, status: 422, paths: [field] });
      }
      expect(await events()).toBe(before);
    });

    it('a signed webhook carrying a lone surrogate is a dead letter kept whole (202), and a retry is a duplicate, not 500', async () => {
      const s = sources.touchpoint;
      const body = JSON.stringify(touchpoint({ customerExternalId: 'sur-wh', summary: `x${LONE}y` }));
      expect(body).toContain('\\ud800');
      const before = await events();
      const id = `msg_${randomUUID()}`;
      const res = await webhook(s, body, standardHeaders(s.secret, id, body));
      await expectDeadLetterKeptWhole(res, body, before);
      const again = await webhook(s, body, standardHeaders(s.secret, id, body));
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ duplicate: true, deadLetterId: res.body.deadLetterId });
    });

    it('invalid UTF-8 in a signed webhook body: the signature is checked on the raw bytes, then the delivery is a dead letter kept byte for byte', async () => {
      const s = sources.touchpoint;
      const text = JSON.stringify(touchpoint({ customerExternalId: 'utf8-wh', summary: 'AB' }));
      const raw = Buffer.from(text.replace('"AB"', '"A\u0001B"'));
      raw[raw.indexOf(0x01)] = 0xff; // a byte that is never UTF-8
      const before = await events();
      const forged = await webhook(s, raw, { ...standardHeadersForBytes(s.secret, `msg_${randomUUID()}`, raw), 'webhook-signature': 'v1,AAAA' });
      expect(forged.status).toBe(401);
      const res = await webhook(s, raw, standardHeadersForBytes(s.secret, `msg_${randomUUID()}`, raw));
      await expectDeadLetterKeptWhole(res, raw, before);
    });

    it('__proto__, constructor and prototype keys are refused like any unknown field (422), not dropped with 201', async () => {
      const before = await events();
      const tp = JSON.stringify(touchpoint({ customerId }));
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        const one = await rawPost('/touchpoints', `{"${key}":{"admin":true},${tp.slice(1)}`, {}, admin);
        expect({ key, status: one.status, paths: paths(one) }).toEqual({ key, status: 422, paths: [key] });
        const nested = await rawPost('/touchpoints', tp.replace(/}$/, `,"agent":{"${key}":{"x":1}}}`), {}, admin);
        expect({ key, status: nested.status, paths: paths(nested) }).toEqual({ key, status: 422, paths: [`agent.${key}`] });
        const customer = await rawPost('/customers', `{"${key}":{"x":1},"externalId":"p-${randomUUID()}","name":"Proto AS"}`, {}, admin);
        expect({ key, status: customer.status, paths: paths(customer) }).toEqual({ key, status: 422, paths: [key] });
      }
      expect(await events()).toBe(before);
    });
  });
});
