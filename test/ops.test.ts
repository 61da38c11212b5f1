import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { eventually, startStack, type Stack } from './support/stack.js';
import { call, createUser, minutesAgo, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';
import { WorkerMetricsServer } from '../apps/worker/src/heartbeat/worker-metrics.server.js';

jest.setTimeout(120_000);

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/**
 * Prometheus text exposition format 0.0.4: every line is a comment or `name{labels} value`.
 * Values parse as Go floats, so NaN and Inf in any case (prom-client writes an empty event-loop
 * histogram's mean as `Nan` when scraped right after start).
 */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|[Nn][Aa][Nn]|[+-]?[Ii][Nn][Ff]))( -?[0-9]+)?$/;
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) continue;
    const m = sample.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return samples;
}

const sum = (samples: Map<string, number>, name: string, labelFilter = '') =>
  [...samples].filter(([k]) => (k === name || k.startsWith(`${name}{`)) && k.includes(labelFilter)).reduce((a, [, v]) => a + v, 0);

describe('ops: /metrics, /admin/queues, OpenAPI completeness (real API + worker)', () => {
  let stack: Stack;
  let admin: TestUser;
  let am: TestUser;
  let ops: TestUser;
  const api = (method: string, path: string, user: TestUser | undefined, body?: unknown) => call(stack.baseUrl, method, path, { token: user?.token, body });
  const scrape = async (headers: Record<string, string>) => {
    const res = await fetch(`${stack.baseUrl}/metrics`, { headers });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };

  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_TOKEN, HEARTBEAT_INTERVAL_MS: '300', WORKER_METRICS_PORT: '0' } });
    const ds = stack.db.ds;
    admin = await createUser(ds, 'admin');
    const lead = await createUser(ds, 'team_lead');
    am = await createUser(ds, 'account_manager', lead.id);
    ops = await createUser(ds, 'ops');
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
  });

  describe('/metrics', () => {
    it('is refused without credentials and to an account manager', async () => {
      const anonymous = await scrape({});
      expect(anonymous.status).toBe(401);
      expect(anonymous.type).toMatch(/application\/problem\+json/);
      expect((await scrape({ authorization: `Bearer ${am.token}` })).status).toBe(403);
      expect((await scrape({ 'x-metrics-token': 'wrong-token-wrong-token-wrong' })).status).toBe(401);
    });

    it('is served to ops, admin and the metrics token, as Prometheus text', async () => {
      const ways: Record<string, string>[] = [{ authorization: `Bearer ${ops.token}` }, { cookie: `closeness_session=${admin.token}` }, { 'x-metrics-token': METRICS_TOKEN }, { authorization: `Bearer ${METRICS_TOKEN}` }];
      for (const headers of ways) {
        const res = await scrape(headers);
        expect(res.status).toBe(200);
        expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
        const samples = parsePrometheus(res.text);
        expect(samples.has('process_cpu_user_seconds_total')).toBe(true);
      }
    });

    it('given the queues on either backend, when /health/ready is asked, then it names the queue store it checked and finds it up', async () => {
      const ready = await eventually(async () => {
        const res = await fetch(`${stack.baseUrl}/health/ready`);
        return res.status === 200 && ((await res.json()) as any);
      });
      if (stack.config.QUEUE_BACKEND === 'redis') expect(ready.details.redis).toEqual({ status: 'up' });
      else expect(ready.details.queues).toEqual({ status: 'up', backend: 'postgres' });
      expect(ready.details.worker.status).toBe('up');
    });

    it('exposes queue depth, oldest waiting age, projection position and lag, heartbeat age and HTTP durations', async () => {
      await fetch(`${stack.baseUrl}/health/live`);
      const samples = await eventually(async () => {
        const s = parsePrometheus((await scrape({ 'x-metrics-token': METRICS_TOKEN })).text);
        return s.get('closeness_worker_heartbeat_age_seconds')! >= 0 && s;
      });
      expect(samples.has('closeness_queue_jobs{queue="follow-ups",state="waiting"}')).toBe(true);
      expect(samples.has('closeness_queue_jobs{queue="heartbeat",state="completed"}')).toBe(true);
      expect(samples.has('closeness_queue_oldest_waiting_age_seconds{queue="follow-ups"}')).toBe(true);
      // The queue store is named for what it is: `redis`, or `queues` on BullMQ's PostgreSQL backend.
      expect(samples.get(`closeness_metrics_source_up{source="${stack.config.QUEUE_BACKEND === 'redis' ? 'redis' : 'queues'}"}`)).toBe(1);
      expect(samples.get('closeness_metrics_source_up{source="postgres"}')).toBe(1);
      expect([...samples.keys()].some((k) => k.startsWith('closeness_projection_position{projection='))).toBe(true);
      expect([...samples.keys()].some((k) => k.startsWith('closeness_projection_lag_seconds{projection='))).toBe(true);
      expect(samples.get('closeness_http_request_duration_seconds_count{method="GET",route="/health/live",status="200"}')).toBeGreaterThanOrEqual(1);
      // a route pattern, never the raw URL
      await api('GET', `/customers/${randomUUID()}`, admin);
      const after = parsePrometheus((await scrape({ 'x-metrics-token': METRICS_TOKEN })).text);
      expect([...after.keys()].some((k) => k.includes('route="/api/v1/customers/:id"'))).toBe(true);
      expect([...after.keys()].some((k) => /route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}/.test(k))).toBe(false);
    });

    it('counters move when a touchpoint is ingested and a follow-up is raised', async () => {
      const read = async () => parsePrometheus((await scrape({ 'x-metrics-token': METRICS_TOKEN })).text);
      const before = await read();
      const created = await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name: 'Kari Nordmann', annualValue: 250_000, accountManagerId: am.id });
      expect(created.status).toBe(201);
      const customerId = created.body.id;
      // a transactional chatbot contact with a high-value customer raises a follow-up (see test/follow-ups.test.ts)
      const tp = await api('POST', '/touchpoints', admin, touchpoint({
        customerId, channel: 'chatbot', handledBy: 'automation', occurredAt: minutesAgo(5), topic: 'invoice',
        transcript: [{ speaker: 'customer', text: 'Where is my refund?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
      }));
      expect(tp.status).toBe(201);

      const after = await eventually(async () => {
        const s = await read();
        return sum(s, 'closeness_follow_ups', 'rule="high_value_transactional"') > sum(before, 'closeness_follow_ups', 'rule="high_value_transactional"') && s;
      });
      expect(sum(after, 'closeness_touchpoints_ingested_total')).toBeGreaterThan(sum(before, 'closeness_touchpoints_ingested_total'));
      expect(sum(after, 'closeness_events_appended_total')).toBeGreaterThan(sum(before, 'closeness_events_appended_total'));
      // the worker's counter: in tests the worker runs in this process, so the API's registry shows it too
      expect(sum(after, 'closeness_follow_ups_raised_total')).toBeGreaterThan(sum(before, 'closeness_follow_ups_raised_total'));
      expect(sum(after, 'closeness_job_duration_seconds_count', 'queue="follow-ups"')).toBeGreaterThan(0);
    });
  });

  it('the worker serves its own /metrics on WORKER_METRICS_PORT, behind the metrics token', async () => {
    const port = stack.worker!.get(WorkerMetricsServer).port;
    expect(port).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { 'x-metrics-token': METRICS_TOKEN } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(parsePrometheus(text).has('process_cpu_user_seconds_total')).toBe(true);
    expect(text).toMatch(/^# HELP closeness_job_duration_seconds /m);
    expect((await fetch(`http://127.0.0.1:${port}/other`, { headers: { 'x-metrics-token': METRICS_TOKEN } })).status).toBe(404);
  });

  describe('/admin/queues', () => {
    it('is refused to anonymous callers and an account manager', async () => {
      const anonymous = await fetch(`${stack.baseUrl}/admin/queues`);
      expect(anonymous.status).toBe(401);
      const asAm = await fetch(`${stack.baseUrl}/admin/queues`, { headers: { cookie: `closeness_session=${am.token}` } });
      expect(asAm.status).toBe(404);
      const apiAsAm = await fetch(`${stack.baseUrl}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${am.token}` } });
      expect(apiAsAm.status).toBe(404);
      // the metrics token opens /metrics only, not the board
      expect((await fetch(`${stack.baseUrl}/admin/queues`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(401);
    });

    it('is served to ops (login cookie) and admin, with every queue', async () => {
      const page = await fetch(`${stack.baseUrl}/admin/queues`, { headers: { cookie: `closeness_session=${ops.token}` } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toMatch(/<div id="root">|bull/i);
      const queues = await fetch(`${stack.baseUrl}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(queues.status).toBe(200);
      const body = (await queues.json()) as { queues: { name: string }[] };
      const names = body.queues.map((q) => q.name);
      for (const q of ['follow-ups', 'deliveries', 'heartbeat']) expect(names).toContain(q);
    });
  });

  describe('OpenAPI', () => {
    it('documents every route the server registers, and registers every documented route', async () => {
      const doc = (await (await fetch(`${stack.baseUrl}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      const documented = new Set<string>();
      for (const [p, ops] of Object.entries(doc.paths)) {
        for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`);
      }
      // Every route Nest registered, from the Express router (the board and static files are
      // mounted middleware, not routes; Swagger's own /docs routes are the document itself).
      const app = stack.api.getHttpAdapter().getInstance();
      const stackLayers: any[] = (app.router ?? app._router).stack;
      const registered = new Set<string>();
      for (const layer of stackLayers) {
        if (!layer.route) continue;
        const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
        // Nest mounts path-bound middleware (e.g. the HTTP timing) with router.all(): not an endpoint
        if (layer.route.methods._all || methods.length > 8) continue;
        // '/metrics/' and '/metrics' are one route to a client (Express is not strict about the slash)
        // and a wildcard `{*path}` is documented as the parameter `{path}`
        const routePath = (layer.route.path.length > 1 ? layer.route.path.replace(/\/$/, '') : layer.route.path).replace(/\{\*([^}]+)\}/g, ':$1');
        for (const m of methods) registered.add(`${m.toUpperCase()} ${routePath}`);
      }
      const swaggerOwn = (r: string) => /^(GET|HEAD) \/docs/.test(r);
      const missingFromDoc = [...registered].filter((r) => !swaggerOwn(r) && !r.startsWith('HEAD ') && !documented.has(r));
      const missingFromServer = [...documented].filter((r) => !registered.has(r));
      expect(missingFromDoc).toEqual([]);
      expect(missingFromServer).toEqual([]);
      expect(documented.has('GET /metrics')).toBe(true);
      expect(documented.has('GET /health/ready')).toBe(true);
      expect(registered.size).toBeGreaterThan(10);
    });
  });
});
