import { jest } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from './support/stack.js';
import { call, countEvents, createUser, hubspotHeaders, intercomHeaders, standardHeaders, zendeskHeaders, type TestUser } from './fixtures/webhooks/helpers.js';

jest.setTimeout(120_000);

const HEADER_NAMES = [
  'content-type',
  'authorization',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-hub-signature',
  'x-zendesk-webhook-signature',
  'x-zendesk-webhook-signature-timestamp',
  'x-hubspot-signature-v3',
  'x-hubspot-request-timestamp',
  'ce-specversion',
  'ce-id',
  'ce-source',
  'ce-type',
  'x-request-id',
];

const headerValue = fc.oneof(
  fc.stringMatching(/^[!-~][ -~]{0,60}$/),
  fc.constantFrom('application/json', 'application/cloudevents+json', 'text/plain', 'application/json; charset=utf-16', 'v1,AAAA', 'sha1=00', 'Bearer cls_src_x', '1', '0'),
);
const headers = fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 8 });
const body = fc.oneof(fc.json({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ touchpoints: [v] })), fc.string({ maxLength: 200 }));

describe('property: ingest routes under arbitrary input', () => {
  let stack: Stack;
  let admin: TestUser;
  const sources: Record<string, { id: string; secret: string }> = {};

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    admin = await createUser(stack.db.ds, 'admin');
    for (const format of ['touchpoint', 'cloudevents', 'zendesk', 'intercom', 'hubspot']) {
      const res = await call(stack.baseUrl, 'POST', '/sources', { token: admin.token, body: { name: format, format, ...(format === 'touchpoint' || format === 'cloudevents' ? {} : { secret: `${format}-secret-0123456789abcdef` }) } });
      sources[format] = res.body;
    }
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('never answers 5xx and never stores anything without a valid signature', async () => {
    const routes = [...Object.values(sources).map((s) => `/webhooks/${s.id}`), `/webhooks/${randomUUID()}`, '/webhooks/x', '/touchpoints', '/touchpoints/batch'];
    const before = { events: await countEvents(stack.db.ds), deadLetters: (await stack.db.ds.query('SELECT count(*)::int AS n FROM dead_letters'))[0].n };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, headers, async (route, raw, h) => {
        const res = await call(stack.baseUrl, 'POST', route, { raw, headers: { 'content-type': 'application/json', ...h } });
        expect(res.status).toBeLessThan(500);
        expect([200, 201, 202]).not.toContain(res.status);
      }),
      { numRuns: 300 },
    );
    expect(await countEvents(stack.db.ds)).toBe(before.events);
    expect((await stack.db.ds.query('SELECT count(*)::int AS n FROM dead_letters'))[0].n).toBe(before.deadLetters);
  });

  it('validly signed arbitrary JSON is stored or dead-lettered, never a 5xx', async () => {
    const sign: Record<string, (raw: string, uri: string) => Record<string, string>> = {
      touchpoint: (raw) => standardHeaders(sources.touchpoint.secret, `msg_${randomUUID()}`, raw),
      cloudevents: (raw) => ({ 'content-type': 'application/cloudevents+json', ...standardHeaders(sources.cloudevents.secret, `msg_${randomUUID()}`, raw) }),
      zendesk: (raw) => zendeskHeaders(sources.zendesk.secret, raw),
      intercom: (raw) => intercomHeaders(sources.intercom.secret, raw),
      hubspot: (raw, uri) => hubspotHeaders(sources.hubspot.secret, 'POST', uri, raw),
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(sign)), body, async (format, raw) => {
        const path = `/api/v1/webhooks/${sources[format].id}`;
        const res = await call(stack.baseUrl, 'POST', path, { raw, headers: { 'content-type': 'application/json', ...sign[format](raw, `${stack.baseUrl}${path}`) } });
        expect([200, 202]).toContain(res.status);
      }),
      { numRuns: 150 },
    );
  });
});
