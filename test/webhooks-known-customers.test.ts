import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from './support/stack.js';
import { call, countEvents, createUser, standardHeaders, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';

jest.setTimeout(60_000);

const METRICS_TOKEN = 'known-customers-metrics-token';

/*
 * Deliveries for customers that exist take the one-statement path (dedupe key and events in one
 * INSERT, no BEGIN/COMMIT), with a process-local hint from external id to customer id. These
 * tests pin what that path must keep: one event per delivery under concurrency, contiguous stream
 * versions, the general path for anything the statement cannot decide, and no stale hint.
 */
describe('webhooks and source calls for known customers (real API + Postgres)', () => {
  let stack: Stack;
  let admin: TestUser;
  let source: { id: string; secret: string; token: string };
  const deliver = (body: string, id = `msg_${randomUUID()}`) =>
    call(stack.baseUrl, 'POST', `/webhooks/${source.id}`, { raw: body, headers: { 'content-type': 'application/json', ...standardHeaders(source.secret, id, body) } });
  const customer = async (externalId: string) => {
    const res = await call(stack.baseUrl, 'POST', '/customers', { token: admin.token, body: { externalId, name: externalId } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const versions = async (customerId: string) =>
    (await stack.db.ds.query(`SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`customer-${customerId}`])).map((r: any) => r.stream_version);

  beforeAll(async () => {
    stack = await startStack({ worker: false, env: { METRICS_TOKEN, BODY_LIMIT: '64kb' } });
    admin = await createUser(stack.db.ds, 'admin');
    const res = await call(stack.baseUrl, 'POST', '/sources', { token: admin.token, body: { name: 'known', format: 'touchpoint' } });
    expect(res.status).toBe(201);
    source = res.body;
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('100 concurrent deliveries of one webhook-id for an existing customer: one 202, 99 duplicates, one event', async () => {
    const id = await customer('known-storm');
    await deliver(JSON.stringify(touchpoint({ customerExternalId: 'known-storm' }))); // the hint is learned
    const body = JSON.stringify(touchpoint({ customerExternalId: 'known-storm', summary: 'storm' }));
    const msg = `msg_${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 100 }, () => deliver(body, msg)));
    expect(results.filter((r) => r.status === 202)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(99);
    expect(new Set(results.flatMap((r) => r.body.eventIds)).size).toBe(1);
    expect(await countEvents(stack.db.ds, `stream_id = $1 AND type = 'TouchpointRecorded'`, [`customer-${id}`])).toBe(2);
    const [row] = await stack.db.ds.query(`SELECT outcome, event_ids FROM webhook_deliveries WHERE source_id = $1 AND dedupe_key = $2`, [source.id, `wh:${msg}`]);
    expect(row).toEqual({ outcome: 'accepted', event_ids: results.find((r) => r.status === 202)!.body.eventIds });
  });

  it('concurrent deliveries to one customer all land, with contiguous stream versions', async () => {
    const id = await customer('known-busy');
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => deliver(JSON.stringify(touchpoint({ customerExternalId: 'known-busy', externalId: `busy-${i}` })))));
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(202));
    expect(await versions(id)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1)); // registration + 40
  });

  it('follows an external id that moved to another customer (no stale hint), and creates one for an unknown external id', async () => {
    const first = await customer('known-moving');
    expect((await deliver(JSON.stringify(touchpoint({ customerExternalId: 'known-moving' })))).status).toBe(202);
    const renamed = await call(stack.baseUrl, 'PATCH', `/customers/${first}`, { token: admin.token, body: { externalId: 'known-moved' } });
    expect(renamed.status).toBe(200);
    const second = await customer('known-moving');
    const res = await deliver(JSON.stringify(touchpoint({ customerExternalId: 'known-moving', summary: 'after the move' })));
    expect(res.status).toBe(202);
    const [stored] = await stack.db.ds.query(`SELECT stream_id, data FROM events WHERE event_id = $1`, [res.body.eventIds[0]]);
    expect(stored.stream_id).toBe(`customer-${second}`);
    expect(stored.data.customerId).toBe(second);
    const fresh = await deliver(JSON.stringify(touchpoint({ customerExternalId: 'known-never-seen' })));
    expect(fresh.status).toBe(202);
    expect(await stack.db.ds.query(`SELECT 1 FROM customers WHERE external_id = 'known-never-seen'`)).toHaveLength(1);
  });

  it('keeps a delivery naming an unknown customerId as a dead letter, and writes no event', async () => {
    const before = await countEvents(stack.db.ds);
    const res = await deliver(JSON.stringify(touchpoint({ customerId: randomUUID() })));
    expect(res.status).toBe(202);
    expect(res.body.eventIds).toEqual([]);
    expect(res.body.deadLetterId).toBeDefined();
    expect(await countEvents(stack.db.ds)).toBe(before);
  });

  it('a source-token batch for known customers is all or nothing, and the same batch again is all duplicates', async () => {
    const a = await customer('known-batch-a');
    await customer('known-batch-b');
    const items = [touchpoint({ customerExternalId: 'known-batch-a', externalId: 'kb-1' }), touchpoint({ customerId: a, externalId: 'kb-2' }), touchpoint({ customerExternalId: 'known-batch-b', externalId: 'kb-3' })];
    const before = await countEvents(stack.db.ds);
    const bad = await call(stack.baseUrl, 'POST', '/touchpoints/batch', { token: source.token, body: { touchpoints: [...items, touchpoint({ customerId: randomUUID() })] } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ path: 'touchpoints[3].customerId', message: expect.any(String) }]);
    expect(await countEvents(stack.db.ds)).toBe(before);
    const ok = await call(stack.baseUrl, 'POST', '/touchpoints/batch', { token: source.token, body: { touchpoints: items } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ accepted: 3, duplicates: 0 });
    const again = await call(stack.baseUrl, 'POST', '/touchpoints/batch', { token: source.token, body: { touchpoints: items } });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(again.body.results.map((r: any) => r.eventId)).toEqual(ok.body.results.map((r: any) => r.eventId));
    expect(await countEvents(stack.db.ds)).toBe(before + 3);
  });

  // The webhook route is answered ahead of the generic middleware (webhook-ingress.ts): what that
  // middleware gives every response must be there all the same.
  it('answers with the request id, the security headers, problem+json errors and the route in the HTTP metrics', async () => {
    const body = JSON.stringify(touchpoint({ customerExternalId: 'known-headers' }));
    const res = await fetch(`${stack.baseUrl}/api/v1/webhooks/${source.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-known-1', ...standardHeaders(source.secret, `msg_${randomUUID()}`, body) },
      body,
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-request-id')).toBe('req-known-1');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBeTruthy();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const [stored] = await stack.db.ds.query(`SELECT metadata FROM events WHERE event_id = $1`, [((await res.json()) as { eventIds: string[] }).eventIds[0]]);
    expect(stored.metadata.correlationId).toBe('req-known-1');

    const forged = await fetch(`${stack.baseUrl}/api/v1/webhooks/${source.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(forged.headers.get('x-request-id')).toBeTruthy();

    const huge = await fetch(`${stack.baseUrl}/api/v1/webhooks/${source.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { status: number }).status).toBe(413);

    const other = await fetch(`${stack.baseUrl}/api/v1/webhooks/${source.id}`, { method: 'GET' });
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toMatch(/application\/problem\+json/);

    const metrics = await (await fetch(`${stack.baseUrl}/metrics`, { headers: { 'x-metrics-token': METRICS_TOKEN } })).text();
    expect(metrics).toMatch(/closeness_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/webhooks\/:sourceId",status="202"\} [1-9]/);
    expect(metrics).toMatch(/closeness_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/webhooks\/:sourceId",status="401"\} [1-9]/);
  });
});
