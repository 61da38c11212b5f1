import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from './support/stack.js';
import {
  call,
  countEvents,
  createUser,
  fixture,
  flip,
  hubspotHeaders,
  intercomHeaders,
  minutesAgo,
  standardHeaders,
  touchpoint,
  zendeskHeaders,
  type TestUser,
} from './fixtures/webhooks/helpers.js';

jest.setTimeout(60_000);

interface Source {
  id: string;
  secret: string;
  token: string;
}

describe('inbound webhooks (real API + Postgres)', () => {
  let stack: Stack;
  let admin: TestUser;
  let ops: TestUser;
  const sources: Record<string, Source> = {};
  const path = (s: Source) => `/webhooks/${s.id}`;
  const post = (s: Source, raw: string, headers: Record<string, string>) =>
    call(stack.baseUrl, 'POST', path(s), { raw, headers: { 'content-type': 'application/json', ...headers } });
  const events = () => countEvents(stack.db.ds);

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    admin = await createUser(stack.db.ds, 'admin');
    ops = await createUser(stack.db.ds, 'ops');
    for (const format of ['touchpoint', 'cloudevents', 'zendesk', 'intercom', 'hubspot']) {
      const vendorSecret = format === 'touchpoint' || format === 'cloudevents' ? {} : { secret: `${format}-secret-0123456789abcdef` };
      const res = await call(stack.baseUrl, 'POST', '/sources', { token: admin.token, body: { name: `${format} source`, format, ...vendorSecret } });
      expect(res.status).toBe(201);
      sources[format] = res.body;
    }
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  describe('sources', () => {
    it('shows the secret once and never lists it', async () => {
      expect(sources.touchpoint.secret).toMatch(/^whsec_/);
      expect(sources.touchpoint.token).toMatch(/^cls_src_/);
      expect(sources.zendesk.secret).toBe('zendesk-secret-0123456789abcdef');
      const list = await call(stack.baseUrl, 'GET', '/sources', { token: admin.token });
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(5);
      expect(JSON.stringify(list.body)).not.toContain(sources.touchpoint.secret);
      expect(JSON.stringify(list.body)).not.toContain('cls_src_');
      expect((await call(stack.baseUrl, 'GET', '/sources', { token: ops.token })).status).toBe(403);
    });

    it('lets a source token post touchpoints, as the source', async () => {
      const res = await call(stack.baseUrl, 'POST', '/touchpoints', { token: sources.touchpoint.token, body: touchpoint({ customerExternalId: 'tok-cust', externalId: 'tok-1' }) });
      expect(res.status).toBe(201);
      const [row] = await stack.db.ds.query(`SELECT metadata, data FROM events WHERE event_id = $1`, [res.body.eventId]);
      expect(row.metadata.actorId).toBe(`source:${sources.touchpoint.id}`);
      expect(row.data.sourceId).toBe(sources.touchpoint.id);
    });
  });

  describe('touchpoint format (Standard Webhooks)', () => {
    it('stores a valid delivery once; a replay is 200 with the same event ids', async () => {
      const s = sources.touchpoint;
      const body = JSON.stringify(touchpoint({ customerExternalId: 'wh-cust-1', summary: 'called about the invoice' }));
      const headers = standardHeaders(s.secret, `msg_${randomUUID()}`, body);
      const first = await post(s, body, headers);
      expect(first.status).toBe(202);
      expect(first.body.eventIds).toHaveLength(1);
      const [stored] = await stack.db.ds.query(`SELECT data, metadata FROM events WHERE event_id = $1`, [first.body.eventIds[0]]);
      expect(stored.data).toMatchObject({ channel: 'phone', summary: 'called about the invoice', sourceId: s.id });
      expect(stored.metadata).toMatchObject({ actorId: `source:${s.id}`, sourceId: s.id });
      const before = await events();
      const replay = await post(s, body, headers);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ eventIds: first.body.eventIds, duplicate: true });
      expect(await events()).toBe(before);
    });

    it('accepts {touchpoints:[...]}', async () => {
      const s = sources.touchpoint;
      const body = JSON.stringify({ touchpoints: [touchpoint({ customerExternalId: 'wh-cust-2' }), touchpoint({ customerExternalId: 'wh-cust-2', channel: 'email' })] });
      const res = await post(s, body, standardHeaders(s.secret, `msg_${randomUUID()}`, body));
      expect(res.status).toBe(202);
      expect(res.body.eventIds).toHaveLength(2);
    });

    it('refuses one flipped byte in body, id, timestamp or signature, a stale timestamp, no signature and unknown sources: 401, nothing stored', async () => {
      const s = sources.touchpoint;
      const body = JSON.stringify(touchpoint({ customerExternalId: 'wh-forged' }));
      const good = standardHeaders(s.secret, `msg_${randomUUID()}`, body);
      const before = await events();
      const attempts = [
        post(s, flip(body, 20), good),
        post(s, body, { ...good, 'webhook-id': flip(good['webhook-id']) }),
        post(s, body, { ...good, 'webhook-timestamp': String(Number(good['webhook-timestamp']) - 1) }),
        post(s, body, { ...good, 'webhook-signature': flip(good['webhook-signature'], 10) }),
        post(s, body, standardHeaders(s.secret, `msg_${randomUUID()}`, body, new Date(Date.now() - 10 * 60_000))),
        post(s, body, { 'webhook-id': good['webhook-id'] }),
        post(s, body, standardHeaders('whsec_' + Buffer.from('not the secret at all').toString('base64'), `msg_${randomUUID()}`, body)),
        call(stack.baseUrl, 'POST', `/webhooks/${randomUUID()}`, { raw: body, headers: { 'content-type': 'application/json', ...good } }),
        call(stack.baseUrl, 'POST', `/webhooks/not-a-uuid`, { raw: body, headers: { 'content-type': 'application/json', ...good } }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      }
      expect(await events()).toBe(before);
      expect(await stack.db.ds.query(`SELECT 1 FROM customers WHERE external_id = 'wh-forged'`)).toHaveLength(0);
      expect(await stack.db.ds.query(`SELECT 1 FROM dead_letters`)).toHaveLength(0);
    });

    it('100 concurrent deliveries of the same webhook-id store exactly one event', async () => {
      const s = sources.touchpoint;
      const body = JSON.stringify(touchpoint({ customerExternalId: 'wh-storm' }));
      const headers = standardHeaders(s.secret, `msg_${randomUUID()}`, body);
      const results = await Promise.all(Array.from({ length: 100 }, () => post(s, body, headers)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((x) => x === 202)).toHaveLength(1);
      expect(statuses.filter((x) => x === 200)).toHaveLength(99);
      const ids = new Set(results.flatMap((r) => r.body.eventIds));
      expect(ids.size).toBe(1);
      const [c] = await stack.db.ds.query(`SELECT id FROM customers WHERE external_id = 'wh-storm'`);
      expect(await countEvents(stack.db.ds, `stream_id = $1 AND type = 'TouchpointRecorded'`, [`customer-${c.id}`])).toBe(1);
    });

    it('out-of-order deliveries end in occurredAt order', async () => {
      const s = sources.touchpoint;
      const times = [minutesAgo(30), minutesAgo(90), minutesAgo(60)]; // delivered newest, oldest, middle
      for (const [i, occurredAt] of times.entries()) {
        const body = JSON.stringify(touchpoint({ customerExternalId: 'wh-order', occurredAt, subject: `t${i}` }));
        expect((await post(s, body, standardHeaders(s.secret, `msg_${randomUUID()}`, body))).status).toBe(202);
      }
      const [c] = await stack.db.ds.query(`SELECT id FROM customers WHERE external_id = 'wh-order'`);
      const ordered = await stack.db.ds.query(
        `SELECT data->>'subject' AS subject FROM events WHERE stream_id = $1 AND type = 'TouchpointRecorded' ORDER BY (data->>'occurredAt')::timestamptz`,
        [`customer-${c.id}`],
      );
      expect(ordered.map((r: { subject: string }) => r.subject)).toEqual(['t1', 't2', 't0']);
      // The read side (when present) shows the same order, newest first.
      const timeline = await call(stack.baseUrl, 'GET', `/customers/${c.id}/timeline`, { token: admin.token });
      if (timeline.status === 200 && Array.isArray(timeline.body?.items) && timeline.body.items.length >= 3) {
        const subjects = timeline.body.items.filter((it: { type: string }) => it.type === 'TouchpointRecorded').map((it: { data: { subject: string } }) => it.data.subject);
        expect(subjects).toEqual(['t0', 't2', 't1']);
      }
    });

    it('accepts the previous secret for 24 h after a rotation, and the new one', async () => {
      const create = await call(stack.baseUrl, 'POST', '/sources', { token: admin.token, body: { name: 'rotating', format: 'touchpoint' } });
      const s: Source = create.body;
      const rotated = await call(stack.baseUrl, 'POST', `/sources/${s.id}/rotate-secret`, { token: admin.token, body: {} });
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(s.secret);
      for (const secret of [s.secret, rotated.body.secret]) {
        const body = JSON.stringify(touchpoint({ customerExternalId: 'wh-rot' }));
        expect((await post(s, body, standardHeaders(secret, `msg_${randomUUID()}`, body))).status).toBe(202);
      }
      // Once the grace period is over, the old secret is refused.
      await stack.db.ds.query(`UPDATE sources SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [s.id]);
      const body = JSON.stringify(touchpoint({ customerExternalId: 'wh-rot' }));
      expect((await post(s, body, standardHeaders(s.secret, `msg_${randomUUID()}`, body))).status).toBe(401);
    });
  });

  describe('cloudevents format', () => {
    const ce = (id: string, data: unknown) => JSON.stringify({ specversion: '1.0', id, source: '//crm.example/closeness', type: 'com.example.touchpoint.recorded', datacontenttype: 'application/json', time: new Date().toISOString(), data });

    it('structured mode: stored, deduped on (source, id) even under a new webhook-id', async () => {
      const s = sources.cloudevents;
      const id = `ce-${randomUUID()}`;
      const body = ce(id, touchpoint({ customerExternalId: 'ce-cust', channel: 'meeting' }));
      const headers = { 'content-type': 'application/cloudevents+json' };
      const first = await post(s, body, { ...headers, ...standardHeaders(s.secret, `msg_${randomUUID()}`, body) });
      expect(first.status).toBe(202);
      expect(first.body.eventIds).toHaveLength(1);
      const again = await post(s, body, { ...headers, ...standardHeaders(s.secret, `msg_${randomUUID()}`, body) });
      expect(again.status).toBe(200);
      expect(again.body.eventIds).toEqual(first.body.eventIds);
      expect(await countEvents(stack.db.ds, 'event_id = $1', [first.body.eventIds[0]])).toBe(1);
    });

    it('binary mode: ce-* headers, data as the body', async () => {
      const s = sources.cloudevents;
      const body = JSON.stringify(touchpoint({ customerExternalId: 'ce-cust', channel: 'video' }));
      const ceHeaders = { 'ce-specversion': '1.0', 'ce-id': `ce-${randomUUID()}`, 'ce-source': '//crm.example/closeness', 'ce-type': 'com.example.touchpoint.recorded' };
      const res = await post(s, body, { ...ceHeaders, ...standardHeaders(s.secret, `msg_${randomUUID()}`, body) });
      expect(res.status).toBe(202);
      const [row] = await stack.db.ds.query(`SELECT data FROM events WHERE event_id = $1`, [res.body.eventIds[0]]);
      expect(row.data.channel).toBe('video');
      const flipped = await post(s, flip(body, 5), { ...ceHeaders, ...standardHeaders(s.secret, `msg_${randomUUID()}`, body) });
      expect(flipped.status).toBe(401);
    });

    it('an authentic delivery with a NUL character (U+0000) in a field is a dead letter kept whole, not an error', async () => {
      const s = sources.cloudevents;
      const body = ce(`ce-${randomUUID()}`, touchpoint({ customerExternalId: 'ce-nul', summary: 'a\u0000b' }));
      const before = await events();
      const res = await post(s, body, { 'content-type': 'application/cloudevents+json', ...standardHeaders(s.secret, `msg_${randomUUID()}`, body) });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ eventIds: [], deadLetterId: expect.any(String) });
      const [dl] = await stack.db.ds.query(`SELECT reason, body FROM dead_letters WHERE id = $1`, [res.body.deadLetterId]);
      expect(dl.reason).toMatch(/summary.*U\+0000/);
      expect(dl.body.toString()).toBe(body);
      expect(await events()).toBe(before);
    });

    it('an authentic non-CloudEvent is a dead letter, not an error', async () => {
      const s = sources.cloudevents;
      const body = JSON.stringify(touchpoint({ customerExternalId: 'ce-cust' }));
      const res = await post(s, body, standardHeaders(s.secret, `msg_${randomUUID()}`, body));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ eventIds: [], deadLetterId: expect.any(String) });
    });
  });

  describe('zendesk format', () => {
    const vars = (eventId: string) => ({ eventId, time: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), ticketId: 35436, orgId: 509974, requesterId: 20978392, agentId: 235323, commentId: 1001 });

    it('maps a ticket created via web form to an inbound support ticket of the organization', async () => {
      const s = sources.zendesk;
      const body = fixture('zendesk-ticket-created.json', vars(`01HN${randomUUID()}`));
      const res = await post(s, body, zendeskHeaders(s.secret, body));
      expect(res.status).toBe(202);
      const [row] = await stack.db.ds.query(`SELECT data FROM events WHERE event_id = $1`, [res.body.eventIds[0]]);
      expect(row.data).toMatchObject({ channel: 'support_ticket', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', subject: 'Broken order', summary: expect.stringContaining('How do I return it?') });
      const [c] = await stack.db.ds.query(`SELECT id FROM customers WHERE external_id = 'zendesk-org-509974'`);
      expect(row.data.customerId).toBe(c.id);
      const replay = await post(s, body, zendeskHeaders(s.secret, body));
      expect(replay.status).toBe(200);
    });

    it('maps an agent’s public comment to an outbound human reply; a status change carries no contact', async () => {
      const s = sources.zendesk;
      const body = fixture('zendesk-comment-added.json', vars(`01HN${randomUUID()}`));
      const res = await post(s, body, zendeskHeaders(s.secret, body));
      expect(res.status).toBe(202);
      const [row] = await stack.db.ds.query(`SELECT data FROM events WHERE event_id = $1`, [res.body.eventIds[0]]);
      expect(row.data).toMatchObject({ direction: 'outbound', initiatedBy: 'customer', handledBy: 'human', agent: { name: 'Kari Nordmann' }, transcript: [{ speaker: 'agent' }] });
      const status = fixture('zendesk-status-changed.json', vars(`01HN${randomUUID()}`));
      const ignored = await post(s, status, zendeskHeaders(s.secret, status));
      expect(ignored.status).toBe(202);
      expect(ignored.body).toEqual({ eventIds: [], ignored: 1 });
    });

    it('refuses flipped bytes and stale timestamps', async () => {
      const s = sources.zendesk;
      const body = fixture('zendesk-ticket-created.json', vars(`01HN${randomUUID()}`));
      const good = zendeskHeaders(s.secret, body);
      const before = await events();
      expect((await post(s, flip(body, 40), good)).status).toBe(401);
      expect((await post(s, body, { ...good, 'x-zendesk-webhook-signature': flip(good['x-zendesk-webhook-signature'], 3) })).status).toBe(401);
      expect((await post(s, body, { ...good, 'x-zendesk-webhook-signature-timestamp': flip(good['x-zendesk-webhook-signature-timestamp'], 18) })).status).toBe(401);
      expect((await post(s, body, zendeskHeaders(s.secret, body, new Date(Date.now() - 10 * 60_000)))).status).toBe(401);
      expect(await events()).toBe(before);
    });
  });

  describe('intercom format', () => {
    const vars = (topic: string, authorType: string, partBody: string) => ({
      conversationId: String(Math.floor(Math.random() * 1e9)),
      notificationId: `notif_${randomUUID()}`,
      contactId: '5ba682d23d7cf92bef87bfd4',
      externalId: 'intercom-cust-42',
      partId: String(Math.floor(Math.random() * 1e9)),
      partAt: Math.floor(Date.now() / 1000) - 120,
      openedAt: Math.floor(Date.now() / 1000) - 600,
      authorType,
      authorId: '814860',
      authorName: authorType === 'user' ? 'Ola Nordmann' : authorType === 'bot' ? 'Fin' : 'Kari Nordmann',
      partBody,
      topic,
    });

    it('maps user, admin and bot replies to inbound / outbound human / chatbot automation', async () => {
      const s = sources.intercom;
      const cases: [string, string, Record<string, string>][] = [
        ['conversation.user.replied', 'user', { channel: 'chat', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human' }],
        ['conversation.admin.replied', 'admin', { channel: 'chat', direction: 'outbound', initiatedBy: 'customer', handledBy: 'human' }],
        ['conversation.operator.replied', 'bot', { channel: 'chatbot', direction: 'outbound', initiatedBy: 'customer', handledBy: 'automation' }],
      ];
      for (const [topic, author, expected] of cases) {
        const body = fixture('intercom-conversation.json', vars(topic, author, 'How can I help?'));
        const res = await post(s, body, intercomHeaders(s.secret, body));
        expect(res.status).toBe(202);
        const [row] = await stack.db.ds.query(`SELECT data FROM events WHERE event_id = $1`, [res.body.eventIds[0]]);
        expect(row.data).toMatchObject(expected);
        expect((await post(s, body, intercomHeaders(s.secret, body))).status).toBe(200);
      }
      expect(await stack.db.ds.query(`SELECT 1 FROM customers WHERE external_id = 'intercom-cust-42'`)).toHaveLength(1);
    });

    it('refuses a flipped byte in body or signature', async () => {
      const s = sources.intercom;
      const body = fixture('intercom-conversation.json', vars('conversation.user.replied', 'user', 'hello'));
      const good = intercomHeaders(s.secret, body);
      expect((await post(s, flip(body, 30), good)).status).toBe(401);
      expect((await post(s, body, { 'x-hub-signature': flip(good['x-hub-signature'], 12) })).status).toBe(401);
      expect((await post(s, body, {})).status).toBe(401);
    });
  });

  describe('hubspot format', () => {
    const vars = (attempt: number) => ({ callEventId: Math.floor(Math.random() * 1e9), contactEventId: Math.floor(Math.random() * 1e9), occurredAtMs: Date.now() - 60_000, attempt, callId: 4242, companyId: 777, callId2: 1 });

    it('maps a call associated with a company; ignores other events; a retry with a new attemptNumber is a duplicate', async () => {
      const s = sources.hubspot;
      const v = vars(0);
      const body = fixture('hubspot-batch.json', v);
      const uri = `${stack.baseUrl}/api/v1${path(s)}`;
      const res = await post(s, body, hubspotHeaders(s.secret, 'POST', uri, body));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ eventIds: [expect.any(String)], ignored: 1 });
      const [row] = await stack.db.ds.query(`SELECT data FROM events WHERE event_id = $1`, [res.body.eventIds[0]]);
      expect(row.data).toMatchObject({ channel: 'phone', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', externalId: 'hubspot:12345678:CALL:4242' });
      const retry = fixture('hubspot-batch.json', { ...v, attempt: 1 });
      const again = await post(s, retry, hubspotHeaders(s.secret, 'POST', uri, retry));
      expect(again.status).toBe(200);
      expect(again.body.eventIds).toEqual(res.body.eventIds);
    });

    it('refuses flipped bytes, a wrong URI and stale timestamps', async () => {
      const s = sources.hubspot;
      const body = fixture('hubspot-batch.json', vars(0));
      const uri = `${stack.baseUrl}/api/v1${path(s)}`;
      const good = hubspotHeaders(s.secret, 'POST', uri, body);
      const before = await events();
      expect((await post(s, flip(body, 10), good)).status).toBe(401);
      expect((await post(s, body, { ...good, 'x-hubspot-signature-v3': flip(good['x-hubspot-signature-v3'], 4) })).status).toBe(401);
      expect((await post(s, body, { ...good, 'x-hubspot-request-timestamp': String(Number(good['x-hubspot-request-timestamp']) + 1) })).status).toBe(401);
      expect((await post(s, body, hubspotHeaders(s.secret, 'POST', `${uri}x`, body))).status).toBe(401);
      expect((await post(s, body, hubspotHeaders(s.secret, 'POST', uri, body, Date.now() - 6 * 60_000))).status).toBe(401);
      expect(await events()).toBe(before);
    });
  });

  describe('dead letters', () => {
    it('keeps an authentic but invalid delivery whole, lists it for ops, and a retry keeps it open with the reason', async () => {
      const s = sources.touchpoint;
      const body = JSON.stringify(touchpoint({ customerExternalId: 'dl-cust', channel: 'carrier-pigeon' }));
      const before = await events();
      const res = await post(s, body, standardHeaders(s.secret, `msg_${randomUUID()}`, body));
      expect(res.status).toBe(202);
      expect(res.body.eventIds).toEqual([]);
      expect(await events()).toBe(before);
      const list = await call(stack.baseUrl, 'GET', '/ops/dead-letters', { token: ops.token });
      expect(list.status).toBe(200);
      const dl = list.body.items.find((x: { id: string }) => x.id === res.body.deadLetterId);
      expect(dl).toMatchObject({ status: 'open', format: 'touchpoint', sourceId: s.id, body, contentType: 'application/json', reason: expect.stringContaining('channel') });
      expect(dl.headers['webhook-signature']).toBeUndefined();
      const retry = await call(stack.baseUrl, 'POST', `/ops/dead-letters/${dl.id}/retry`, { token: ops.token });
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ status: 'open', attempts: 2, reason: expect.stringContaining('channel') });
      expect((await call(stack.baseUrl, 'GET', '/ops/dead-letters', { token: admin.token })).status).toBe(200);
      const am = await createUser(stack.db.ds, 'account_manager');
      expect((await call(stack.baseUrl, 'GET', '/ops/dead-letters', { token: am.token })).status).toBe(403);
    });

    it('keeps an authentic delivery that is not even JSON (signature checked before parsing)', async () => {
      const s = sources.touchpoint;
      const body = '{"channel": "phone", oops';
      const res = await post(s, body, standardHeaders(s.secret, `msg_${randomUUID()}`, body));
      expect(res.status).toBe(202);
      expect(res.body.deadLetterId).toBeDefined();
      const [dl] = await stack.db.ds.query(`SELECT reason, convert_from(body, 'UTF8') AS body FROM dead_letters WHERE id = $1`, [res.body.deadLetterId]);
      expect(dl).toEqual({ reason: 'body is not valid JSON', body });
      const forged = await post(s, body, { 'webhook-id': 'x', 'webhook-timestamp': '1', 'webhook-signature': 'v1,AAAA' });
      expect(forged.status).toBe(401);
    });

    it('a retry after the cause is gone stores the events once and resolves it', async () => {
      const s = sources.touchpoint;
      const customerId = randomUUID();
      const body = JSON.stringify(touchpoint({ customerId }));
      const headers = standardHeaders(s.secret, `msg_${randomUUID()}`, body);
      const res = await post(s, body, headers);
      expect(res.status).toBe(202);
      expect(res.body.deadLetterId).toBeDefined();
      // The customer arrives later (e.g. synced from the CRM).
      await stack.db.ds.query(`INSERT INTO customers (id, external_id, name) VALUES ($1, $2, 'Late Ltd')`, [customerId, `late-${customerId}`]);
      const retry = await call(stack.baseUrl, 'POST', `/ops/dead-letters/${res.body.deadLetterId}/retry`, { token: ops.token });
      expect(retry.body).toMatchObject({ status: 'resolved', eventIds: [expect.any(String)] });
      const twice = await call(stack.baseUrl, 'POST', `/ops/dead-letters/${res.body.deadLetterId}/retry`, { token: ops.token });
      expect(twice.body).toMatchObject({ status: 'resolved', eventIds: retry.body.eventIds });
      expect(await countEvents(stack.db.ds, `stream_id = $1`, [`customer-${customerId}`])).toBe(1);
      // The sender's own retry of that delivery is now a duplicate with the stored ids.
      const resend = await post(s, body, headers);
      expect(resend.status).toBe(200);
      expect(resend.body.eventIds).toEqual(retry.body.eventIds);
      expect((await call(stack.baseUrl, 'POST', `/ops/dead-letters/${randomUUID()}/retry`, { token: ops.token })).status).toBe(404);
    });
  });
});
