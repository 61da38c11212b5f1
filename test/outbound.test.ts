import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { EventStore, requestRebuild } from '../libs/event-store/src/index.js';
import { QUEUES } from '../libs/queues/src/index.js';
import { call, createUser, minutesAgo, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';
import { eventually, startStack, type Stack } from './support/stack.js';
import { testQueue } from './support/env.js';
import { appendRaw } from '../libs/event-store/src/testing.js';
import { FollowUpsService } from '../apps/worker/src/jobs/follow-ups/follow-ups.service.js';

jest.setTimeout(240_000);

/** A generous ceiling for eventually(): other suites load the same machine. Never a timing assertion. */
const SLOW = 60_000;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A local webhook receiver. Behaviour by path, per webhook-id (so every event gets the same
 * treatment): /ok answers 200; /flaky 500 then 200; /limited 429 with Retry-After: 2 then 200;
 * /redirect 302 to /target.
 */
async function startReceiver() {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const key = `${path} ${String(req.headers['webhook-id'])}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (path === '/flaky' && n === 1) return void res.writeHead(500).end('boom');
      if (path === '/limited' && n === 1) return void res.writeHead(429, { 'retry-after': '2' }).end();
      if (path === '/redirect') return void res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    port,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const headersOf = (r: Received) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

/** A contact that scoring calls transactional: the chatbot, a template, no person. */
const chatbotContact = (customerId: string) =>
  touchpoint({
    customerId, channel: 'chatbot', handledBy: 'automation', occurredAt: minutesAgo(5), topic: 'return',
    transcript: [{ speaker: 'customer', text: 'Where is my refund?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
  });

/** A contact that scoring calls relational (closes the task). */
const relationalCall = (customerId: string) =>
  touchpoint({
    customerId, channel: 'phone', occurredAt: new Date().toISOString(), resolved: true, durationSeconds: 600, waitSeconds: 20, handoffs: 0,
    transcript: [
      { speaker: 'agent', text: 'Hi Kari, I understand the last return was a hassle. How are things going with the new order?' },
      { speaker: 'customer', text: 'Honestly it has been frustrating, the chatbot kept sending me in circles about the refund and I had to explain everything three times.' },
      { speaker: 'agent', text: 'I am sorry to hear that. What would make this right for you?' },
      { speaker: 'customer', text: 'Just getting the refund sorted and knowing someone actually looks at my case would be great, thank you for calling me.' },
    ],
  });

describe('outbound webhooks (API + worker + Postgres + Redis + a local receiver)', () => {
  let stack: Stack;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: TestUser;
  let am: TestUser;
  let ops: TestUser;
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });

  async function subscribe(path: string, events = ['follow_up.raised']) {
    const res = await api('POST', '/subscriptions', admin, { url: receiver.url(path), events });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(res.body.secret.slice('whsec_'.length), 'base64').length).toBeGreaterThanOrEqual(24);
    return res.body as { id: string; secret: string };
  }

  const deliveries = async (subId: string) => {
    const res = await api('GET', `/subscriptions/${subId}/deliveries`, admin);
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };

  let subs: Record<'ok' | 'flaky' | 'limited' | 'redirect' | 'changes', { id: string; secret: string }>;
  let customerId: string;
  let taskId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    stack = await startStack({ env: { OUTBOUND_ALLOW_PRIVATE: 'true', OUTBOUND_BACKOFF_MS: '200', OUTBOUND_MAX_ATTEMPTS: '5' } });
    admin = await createUser(stack.db.ds, 'admin');
    am = await createUser(stack.db.ds, 'account_manager');
    ops = await createUser(stack.db.ds, 'ops');
    subs = {
      ok: await subscribe('/ok', ['follow_up.raised', 'follow_up.completed', 'health.band_changed']),
      flaky: await subscribe('/flaky'),
      limited: await subscribe('/limited'),
      redirect: await subscribe('/redirect'),
      changes: await subscribe('/changes', ['follow_up.updated', 'follow_up.completed']),
    };
    const c = await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name: 'Kari Nordmann', annualValue: 250_000, accountManagerId: am.id });
    expect(c.status).toBe(201);
    customerId = c.body.id;
    const tp = await api('POST', '/touchpoints', admin, chatbotContact(customerId));
    expect(tp.status).toBe(201);
    const [task] = await eventually(async () => {
      const res = await api('GET', `/follow-ups?customerId=${customerId}&status=open`, am);
      return res.status === 200 && res.body.items.length > 0 && res.body.items;
    }, SLOW).catch(async (err) => {
      // The raise is the follow-up worker's job; say how far the chain got.
      const types = await stack.db.ds.query(`SELECT type, count(*)::int AS n FROM events GROUP BY type ORDER BY type`);
      const cps = await stack.db.ds.query(`SELECT name, global_position, status, last_error FROM projection_checkpoints`);
      const dead = await stack.db.ds.query(`SELECT queue, job_name, reason FROM job_dead_letters`);
      throw new Error(`${String(err)}; events ${JSON.stringify(types)}; checkpoints ${JSON.stringify(cps)}; job dead letters ${JSON.stringify(dead)}`);
    });
    taskId = task.id;
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it('a raised follow-up reaches the receiver as follow_up.raised, verified with the standardwebhooks library', async () => {
    const raised = await stack.db.ds.query(`SELECT event_id AS id FROM events WHERE type = 'FollowUpTaskRaised' AND stream_id = $1`, [`follow-up-${taskId}`]);
    expect(raised).toHaveLength(1);
    const got = await eventually(async () => {
      const matches = receiver.at('/ok').filter((r) => JSON.parse(r.body).data?.taskId === taskId);
      return matches.length > 0 && matches;
    }, SLOW);
    expect(got).toHaveLength(1);
    const verified = new Webhook(subs.ok.secret).verify(got[0].body, headersOf(got[0])) as any;
    expect(verified).toMatchObject({ type: 'follow_up.raised', data: { taskId, customerId, eventId: raised[0].id, assigneeId: am.id } });
    expect(typeof verified.timestamp).toBe('string');
    expect(verified.data.reason).toEqual(expect.any(String));
    expect(got[0].headers['content-type']).toBe('application/json');
    // Another subscription's secret does not verify it.
    expect(() => new Webhook(subs.flaky.secret).verify(got[0].body, headersOf(got[0]))).toThrow();

    const log = await eventually(async () => {
      const items = await deliveries(subs.ok.id);
      return items.find((d) => d.eventId === raised[0].id && d.status === 'delivered');
    }, SLOW);
    expect(log).toMatchObject({ type: 'follow_up.raised', attemptCount: 1, lastStatusCode: 200, webhookId: got[0].headers['webhook-id'], nextRetryAt: null });
    expect(log.deliveredAt).toEqual(expect.any(String));
  });

  it('a receiver answering 500 then 200 gets the delivery on retry; the delivery log shows both attempts', async () => {
    const log = await eventually(async () => {
      const items = await deliveries(subs.flaky.id);
      return items.find((d) => d.status === 'delivered' && d.type === 'follow_up.raised');
    }, SLOW);
    expect(log.attemptCount).toBe(2);
    expect(log.attempts[0]).toMatchObject({ attempt: 1, outcome: 'retrying', statusCode: 500, error: 'HTTP 500' });
    expect(log.attempts[0].nextRetryAt).toEqual(expect.any(String));
    expect(log.attempts[1]).toMatchObject({ attempt: 2, outcome: 'delivered', statusCode: 200, error: null, nextRetryAt: null });
    // Both attempts carried the same webhook-id and both verify.
    const hits = receiver.at('/flaky').filter((r) => r.headers['webhook-id'] === log.webhookId);
    expect(hits).toHaveLength(2);
    for (const h of hits) expect(new Webhook(subs.flaky.secret).verify(h.body, headersOf(h))).toMatchObject({ type: 'follow_up.raised' });
  });

  it('a 429 with Retry-After is honoured: the retry is scheduled that far out and not sent earlier', async () => {
    const log = await eventually(async () => {
      const items = await deliveries(subs.limited.id);
      return items.find((d) => d.status === 'delivered' && d.type === 'follow_up.raised');
    }, SLOW);
    expect(log.attemptCount).toBe(2);
    expect(log.attempts[0]).toMatchObject({ outcome: 'retrying', statusCode: 429, error: 'HTTP 429; Retry-After honoured' });
    // Plain backoff would be 100-200 ms here (OUTBOUND_BACKOFF_MS=200); the receiver asked for 2 s.
    expect(Date.parse(log.attempts[0].nextRetryAt) - Date.parse(log.attempts[0].attemptedAt)).toBeGreaterThanOrEqual(2000);
    const hits = receiver.at('/limited').filter((r) => r.headers['webhook-id'] === log.webhookId);
    expect(hits).toHaveLength(2);
    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(1900); // a lower bound only: the retry did not come early
  });

  it('a redirect is not followed: the delivery fails permanently, the target is never called, the job is dead-lettered', async () => {
    const log = await eventually(async () => {
      const items = await deliveries(subs.redirect.id);
      return items.find((d) => d.status === 'failed');
    }, SLOW);
    expect(log).toMatchObject({ attemptCount: 1, lastStatusCode: 302, nextRetryAt: null, deliveredAt: null });
    expect(log.lastError).toMatch(/redirect not followed/);
    expect(receiver.at('/target')).toEqual([]);
    const dead = await eventually(async () => {
      const rows = await stack.db.ds.query(`SELECT * FROM job_dead_letters WHERE queue = 'deliveries' AND job_id = $1`, [log.webhookId]);
      return rows.length > 0 && rows;
    }, SLOW);
    expect(dead[0]).toMatchObject({ job_name: 'deliver-webhook', unrecoverable: true });
    expect(JSON.stringify(dead[0].data)).not.toContain('whsec_');
  });

  it('a relational touchpoint that closes the task is delivered as follow_up.completed to the subscription that asked for it', async () => {
    const tp = await api('POST', '/touchpoints', admin, relationalCall(customerId));
    expect(tp.status).toBe(201);
    const got = await eventually(async () => {
      const m = receiver.at('/ok').filter((r) => JSON.parse(r.body).type === 'follow_up.completed' && JSON.parse(r.body).data.taskId === taskId);
      return m.length > 0 && m;
    }, SLOW);
    expect(new Webhook(subs.ok.secret).verify(got[0].body, headersOf(got[0]))).toMatchObject({ type: 'follow_up.completed', data: { taskId, customerId, automatic: true } });
    // Only /ok subscribed to completions.
    expect(receiver.at('/flaky').some((r) => JSON.parse(r.body).type === 'follow_up.completed')).toBe(false);
  });

  /** A customer of its own with an open follow-up (one chatbot contact with a high-value customer raises it). */
  async function customerWithTask(name: string) {
    const c = await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name, annualValue: 250_000, accountManagerId: am.id });
    expect(c.status).toBe(201);
    expect((await api('POST', '/touchpoints', admin, chatbotContact(c.body.id))).status).toBe(201);
    const [task] = await eventually(async () => {
      const res = await api('GET', `/follow-ups?customerId=${c.body.id}&status=open`, am);
      return res.status === 200 && res.body.items.length > 0 && res.body.items;
    }, SLOW);
    return { customerId: c.body.id as string, task };
  }

  /** The verified deliveries of one task's events at a path, of one public type. */
  const receivedFor = (path: string, secret: string, type: string, task: string) =>
    receiver
      .at(path)
      .map((r) => ({ r, body: JSON.parse(r.body) }))
      .filter(({ body }) => body.type === type && body.data?.taskId === task)
      .map(({ r }) => ({ raw: r.body, payload: new Webhook(secret).verify(r.body, headersOf(r)) as any }));

  it('a snoozed task reaches an updates subscriber as follow_up.updated (change snoozed); dismissing it arrives as follow_up.completed with status dismissed, without the reason text', async () => {
    const { customerId: c, task } = await customerWithTask('Ola Nordmann');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect((await api('POST', `/follow-ups/${task.id}/snooze`, am, { until })).status).toBe(200);
    const [snoozed] = await eventually(async () => {
      const m = receivedFor('/changes', subs.changes.secret, 'follow_up.updated', task.id);
      return m.length > 0 && m;
    }, SLOW);
    const [snoozeEvent] = await stack.db.ds.query(`SELECT event_id AS id FROM events WHERE type = 'FollowUpTaskSnoozed' AND stream_id = $1`, [`follow-up-${task.id}`]);
    expect(snoozed.payload).toMatchObject({
      type: 'follow_up.updated',
      data: { eventId: snoozeEvent.id, taskId: task.id, customerId: c, change: 'snoozed', until, snoozedBy: am.id, priority: null, dueAt: null, escalatedTo: null },
    });

    expect((await api('POST', `/follow-ups/${task.id}/dismiss`, am, { reason: 'Ola is off sick until May' })).status).toBe(200);
    const [dismissed] = await eventually(async () => {
      const m = receivedFor('/changes', subs.changes.secret, 'follow_up.completed', task.id);
      return m.length > 0 && m;
    }, SLOW);
    expect(dismissed.payload).toMatchObject({ type: 'follow_up.completed', data: { taskId: task.id, customerId: c, status: 'dismissed', dismissedBy: am.id, completedBy: null, automatic: false } });
    expect(dismissed.raw).not.toContain('off sick');

    // /ok asked for completions but not for updates: the dismissal, never the snooze.
    const [atOk] = await eventually(async () => {
      const m = receivedFor('/ok', subs.ok.secret, 'follow_up.completed', task.id);
      return m.length > 0 && m;
    }, SLOW);
    expect(atOk.payload.data).toMatchObject({ status: 'dismissed' });
    expect(receiver.at('/ok').some((r) => JSON.parse(r.body).type === 'follow_up.updated')).toBe(false);
    expect((await deliveries(subs.ok.id)).some((d) => d.type === 'follow_up.updated')).toBe(false);
    // /flaky asked for raises only.
    expect(receiver.at('/flaky').some((r) => JSON.parse(r.body).data?.taskId === task.id && JSON.parse(r.body).type !== 'follow_up.raised')).toBe(false);
  });

  it('an overdue task escalated by the sweep reaches an updates subscriber as follow_up.updated (change escalated) with the new priority and to whom', async () => {
    const { task } = await customerWithTask('Per Hansen');
    // A sweep a month from now finds the task overdue.
    expect((await stack.worker!.get(FollowUpsService).sweep(500, new Date(Date.now() + 30 * 86_400_000))).escalated).toBeGreaterThan(0);
    const [esc] = await stack.db.ds.query(`SELECT event_id AS id, data FROM events WHERE type = 'FollowUpTaskEscalated' AND stream_id = $1`, [`follow-up-${task.id}`]);
    const [got] = await eventually(async () => {
      const m = receivedFor('/changes', subs.changes.secret, 'follow_up.updated', task.id);
      return m.length > 0 && m;
    }, SLOW);
    expect(got.payload).toMatchObject({
      type: 'follow_up.updated',
      timestamp: esc.data.escalatedAt,
      data: { eventId: esc.id, taskId: task.id, change: 'escalated', priority: esc.data.priority, escalatedTo: esc.data.escalatedTo, until: null },
    });
  });

  it('a type the relay starts to send is sent from then on: the history before it is not, not even by a rebuild of the relay', async () => {
    const { task } = await customerWithTask('Liv Berg');
    // As before this type was sent: the relay's start for snoozes lies ahead of everything.
    const setStart = (tx: string, pos: number) =>
      stack.db.ds.query(
        `INSERT INTO outbound_relay_sources (source_type, after_transaction_id, after_position) VALUES ('FollowUpTaskSnoozed', $1::xid8, $2)
         ON CONFLICT (source_type) DO UPDATE SET after_transaction_id = EXCLUDED.after_transaction_id, after_position = EXCLUDED.after_position`,
        [tx, pos],
      );
    await setStart('9000000000000000000', 0);
    const snooze = async () => {
      expect((await api('POST', `/follow-ups/${task.id}/snooze`, am, { until: new Date(Date.now() + 3_600_000).toISOString() })).status).toBe(200);
      const rows = await stack.db.ds.query(
        `SELECT event_id AS id, transaction_id::text AS tx, global_position AS pos FROM events WHERE type = 'FollowUpTaskSnoozed' AND stream_id = $1 ORDER BY stream_version DESC LIMIT 1`,
        [`follow-up-${task.id}`],
      );
      return rows[0] as { id: string; tx: string; pos: string };
    };
    const relayPassed = (e: { tx: string; pos: string }) =>
      eventually(async () => {
        const [row] = await stack.db.ds.query(
          `SELECT status = 'running' AND (transaction_id, global_position) >= ($1::xid8, $2::bigint) AS passed FROM projection_checkpoints WHERE name = 'outbound-relay'`,
          [e.tx, e.pos],
        );
        return row?.passed === true;
      }, SLOW);
    const old = await snooze();
    await relayPassed(old);
    // The relay learnt to send snoozes just after it (what it records when it first runs with a type).
    await setStart(old.tx, Number(old.pos));
    expect(await requestRebuild(stack.db.ds, 'outbound-relay')).toBe(true);
    await relayPassed(old);

    const fresh = await snooze();
    await eventually(async () => receivedFor('/changes', subs.changes.secret, 'follow_up.updated', task.id).some((m) => m.payload.data.eventId === fresh.id), SLOW);
    expect(receivedFor('/changes', subs.changes.secret, 'follow_up.updated', task.id).map((m) => m.payload.data.eventId)).toEqual([fresh.id]);
    expect((await deliveries(subs.changes.id)).filter((d) => d.eventId === old.id)).toEqual([]);
  });

  it('lists subscriptions without secrets, deletes them (204, then 404), and only admins manage them', async () => {
    const list = await api('GET', '/subscriptions', admin);
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: any) => s.id).sort()).toEqual(Object.values(subs).map((s) => s.id).sort());
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    expect(list.body.items.find((s: any) => s.id === subs.ok.id)).toMatchObject({ url: receiver.url('/ok'), events: ['follow_up.raised', 'follow_up.completed', 'health.band_changed'], createdBy: admin.id });

    expect((await api('GET', '/subscriptions', am)).status).toBe(403);
    expect((await api('POST', '/subscriptions', ops, { url: receiver.url('/ok'), events: ['follow_up.raised'] })).status).toBe(403);
    expect((await api('GET', `/subscriptions/${subs.ok.id}/deliveries`, ops)).status).toBe(200);
    expect((await api('GET', `/subscriptions/${subs.ok.id}/deliveries`, am)).status).toBe(403);
    expect((await api('GET', `/subscriptions/${randomUUID()}/deliveries`, admin)).status).toBe(404);
    expect((await api('GET', `/subscriptions/not-a-uuid/deliveries`, admin)).status).toBe(404);

    const extra = await subscribe('/ok');
    expect((await api('DELETE', `/subscriptions/${extra.id}`, admin)).status).toBe(204);
    expect((await api('DELETE', `/subscriptions/${extra.id}`, admin)).status).toBe(404);
    const after = await api('GET', '/subscriptions', admin);
    expect(after.body.items.map((s: any) => s.id)).not.toContain(extra.id);
    const audit = await stack.db.ds.query(`SELECT type, data FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`subscription-${extra.id}`]);
    expect(audit.map((e: any) => e.type)).toEqual(['WebhookSubscriptionCreated', 'WebhookSubscriptionDeleted']);
    expect(JSON.stringify(audit)).not.toContain('whsec_');
  });

  it('a rebuild of the outbound relay replays the log without sending anything twice', async () => {
    const hitsPerId = () => {
      const m = new Map<string, number>();
      for (const r of receiver.received) m.set(String(r.headers['webhook-id']), (m.get(String(r.headers['webhook-id'])) ?? 0) + 1);
      return m;
    };
    const before = hitsPerId();
    const [cp] = await stack.db.ds.query(`SELECT global_position FROM projection_checkpoints WHERE name = 'outbound-relay'`);
    expect(await requestRebuild(stack.db.ds, 'outbound-relay')).toBe(true);
    await eventually(async () => {
      const rows = await stack.db.ds.query(`SELECT status, global_position FROM projection_checkpoints WHERE name = 'outbound-relay'`);
      return rows[0].status === 'running' && Number(rows[0].global_position) >= Number(cp.global_position);
    }, SLOW);
    // Let any job the replay might have added run (none should: same job ids, and delivered ids are skipped).
    const { queue, close } = await testQueue(stack.config, QUEUES.deliveries);
    try {
      await eventually(async () => {
        const c = await queue.getJobCounts('waiting', 'active', 'prioritized');
        return c.waiting + c.active + c.prioritized === 0;
      }, SLOW);
    } finally {
      await close();
    }
    const after = hitsPerId();
    for (const [id, n] of before) expect({ id, n: after.get(id) }).toEqual({ id, n });
  });

  it('documents the payloads a subscriber receives in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${stack.baseUrl}/docs-json`)).json()) as any;
    const schemas = doc.components.schemas;
    expect(schemas.FollowUpUpdatedWebhookDataDto.properties.change.enum).toEqual(['reason_added', 'reason_revised', 'reason_withdrawn', 'escalated', 'snoozed', 'snooze_ended']);
    expect(Object.keys(schemas.FollowUpUpdatedWebhookDataDto.properties)).toEqual(expect.arrayContaining(['addedReason', 'priority', 'dueAt', 'suggestedAction', 'until', 'escalatedTo']));
    expect(schemas.FollowUpCompletedWebhookDataDto.properties.status.enum).toEqual(['done', 'dismissed']);
    expect(Object.keys(schemas.FollowUpCompletedWebhookDataDto.properties)).not.toContain('note');
  });

  it('refuses bad bodies with 422 naming the field', async () => {
    const bad = async (body: unknown) => {
      const res = await api('POST', '/subscriptions', admin, body);
      expect(res.status).toBe(422);
      return (res.body.errors as { path: string }[]).map((e) => e.path);
    };
    expect(await bad({ url: receiver.url('/ok'), events: ['follow_up.exploded'] })).toContain('events');
    expect(await bad({ url: receiver.url('/ok'), events: [] })).toContain('events');
    expect(await bad({ url: 'ftp://example.com/x', events: ['follow_up.raised'] })).toContain('url');
    expect(await bad({ url: 'not a url', events: ['follow_up.raised'] })).toContain('url');
    expect(await bad({ url: 'http://user:pw@127.0.0.1/x', events: ['follow_up.raised'] })).toContain('url');
    expect(await bad({ url: receiver.url('/ok'), events: ['follow_up.raised'], secret: 'mine' })).toContain('secret');
  });
});

describe('outbound webhooks with OUTBOUND_ALLOW_PRIVATE off (the default)', () => {
  let stack: Stack;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: TestUser;
  const api = (method: string, path: string, body?: unknown) => call(stack.baseUrl, method, path, { token: admin.token, body });

  beforeAll(async () => {
    receiver = await startReceiver();
    stack = await startStack({ env: { OUTBOUND_BACKOFF_MS: '200', OUTBOUND_MAX_ATTEMPTS: '3' } });
    admin = await createUser(stack.db.ds, 'admin');
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook', // a name that resolves to loopback
    'http://10.1.2.3/hook',
    'http://192.168.0.10/hook',
    'http://172.20.0.1/hook',
    'http://169.254.169.254/latest/meta-data', // link-local: cloud metadata
    'http://0.0.0.0/',
    'http://2130706433/', // 127.0.0.1 as one number
    'http://[::1]/hook',
    'http://[fe80::1]/hook',
    'http://[fd00::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
  ])('refuses a private-address subscription %s with 422', async (url) => {
    const res = await api('POST', '/subscriptions', { url, events: ['follow_up.raised'] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'url', message: expect.stringMatching(/private, loopback or link-local|resolves/) })]);
  });

  it('accepts a public address', async () => {
    const res = await api('POST', '/subscriptions', { url: 'https://93.184.216.34/hook', events: ['health.band_changed'] });
    expect(res.status).toBe(201);
    await api('DELETE', `/subscriptions/${res.body.id}`);
  });

  it('refuses private targets again at connect time (a name that resolves to loopback now, as after DNS rebinding), without calling them', async () => {
    // Stored directly: as if `rebound.example` had resolved to a public address at creation.
    const byName = randomUUID();
    const byLiteral = randomUUID();
    for (const [id, url] of [[byName, `http://localhost:${receiver.port}/rebind`], [byLiteral, `http://127.0.0.1:${receiver.port}/literal`]]) {
      await stack.db.ds.query(`INSERT INTO webhook_subscriptions (id, url, events, secret, created_at) VALUES ($1, $2, $3, $4, now() - interval '1 minute')`, [
        id, url, ['health.band_changed'], `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      ]);
    }
    // A band change straight into the log (the worker's health reactor is not under test here).
    const customerId = randomUUID();
    const at = new Date().toISOString();
    await appendRaw(new EventStore(stack.db.ds), `customer-${customerId}`, [
      { id: randomUUID(), type: 'HealthBandChanged', data: { customerId, from: 'green', to: 'yellow', scoreBefore: 72, scoreAfter: 58, causedBy: randomUUID(), observedAt: at } },
    ]);
    for (const id of [byName, byLiteral]) {
      const failed = await eventually(async () => {
        const res = await api('GET', `/subscriptions/${id}/deliveries`);
        return res.body.items?.find((d: any) => d.status === 'failed');
      }, SLOW).catch(async (err) => {
        // What the chain got to, for whoever reads a failure.
        const types = await stack.db.ds.query(`SELECT type, count(*)::int AS n FROM events GROUP BY type ORDER BY type`);
        const rows = await stack.db.ds.query(`SELECT subscription_id, attempt, outcome, status_code, error FROM webhook_deliveries_out`);
        const cps = await stack.db.ds.query(`SELECT name, global_position, status, last_error FROM projection_checkpoints`);
        throw new Error(`${String(err)}; events ${JSON.stringify(types)}; deliveries ${JSON.stringify(rows)}; checkpoints ${JSON.stringify(cps)}`);
      });
      expect(failed).toMatchObject({ type: 'health.band_changed', attemptCount: 1, lastStatusCode: null });
      expect(failed.lastError).toMatch(/private, loopback or link-local/);
    }
    expect(receiver.received).toEqual([]);
  });
});
